package sandbox

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// testConfig is quiet (no scripted activity, no server heartbeat requests)
// and patient: raw test clients do not heartbeat, and a loaded machine must
// not turn that into a 4009.
func testConfig() Config {
	return Config{HeartbeatInterval: 10 * time.Second, HeartbeatGrace: 10 * time.Second, ServerHeartbeatEvery: -1}
}

// startSandbox serves a sandbox on 127.0.0.1 and tears it down with the test.
func startSandbox(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts
}

// client is a raw gateway client for tests.
type client struct {
	t       testing.TB
	ws      *websocket.Conn
	inflate gateway.StreamReader // nil without transport compression
}

func wsURL(ts *httptest.Server) string { return "ws" + strings.TrimPrefix(ts.URL, "http") + "/gateway" }

func dial(t testing.TB, ts *httptest.Server, query string) *client {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(ts)+query, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c := &client{t: t, ws: ws}
	if q, err := url.ParseQuery(strings.TrimPrefix(query, "?")); err == nil {
		c.inflate = gateway.NewStreamReader(q.Get("compress"), 1<<20, 1<<20)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return c
}

// next reads one payload, or returns the close the server sent.
func (c *client) next() (gateway.Payload, *websocket.CloseError) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		kind, data, err := c.ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return gateway.Payload{}, ce
		}
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if kind == websocket.BinaryMessage {
			if c.inflate == nil {
				c.t.Fatalf("binary frame without transport compression")
			}
			msg, complete, err := c.inflate.Feed(data)
			if err != nil {
				c.t.Fatalf("transport compression: %v", err)
			}
			if !complete {
				continue
			}
			data = msg
		}
		p, err := gateway.DecodePayload(data)
		if err != nil {
			c.t.Fatalf("server sent a bad payload %q: %v", data, err)
		}
		return p, nil
	}
}

// expect reads a payload and fails unless it has op (and t, for dispatches).
func (c *client) expect(op gateway.Opcode, t string) gateway.Payload {
	c.t.Helper()
	p, ce := c.next()
	if ce != nil {
		c.t.Fatalf("want op %d %s, got close %d %q", op, t, ce.Code, ce.Text)
	}
	if p.Op != op || (t != "" && (p.T == nil || *p.T != t)) {
		c.t.Fatalf("want op %d %s, got %s", op, t, describe(p))
	}
	return p
}

// expectDispatch skips other frames (heartbeat ACKs) until dispatch t.
func (c *client) expectDispatch(t string) gateway.Payload {
	c.t.Helper()
	for {
		p, ce := c.next()
		if ce != nil {
			c.t.Fatalf("want %s, got close %d %q", t, ce.Code, ce.Text)
		}
		if p.Op == gateway.OpDispatch && *p.T == t {
			return p
		}
	}
}

// expectClose reads until the server closes and checks the code.
func (c *client) expectClose(code gateway.CloseCode) string {
	c.t.Helper()
	for {
		p, ce := c.next()
		if ce != nil {
			if gateway.CloseCode(ce.Code) != code {
				c.t.Fatalf("want close %d, got %d %q", code, ce.Code, ce.Text)
			}
			return ce.Text
		}
		_ = p
	}
}

func describe(p gateway.Payload) string {
	b, _ := json.Marshal(p)
	return string(b)
}

func (c *client) send(op gateway.Opcode, d any) {
	c.t.Helper()
	p, err := gateway.NewPayload(op, d)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(describe(p))
}

func (c *client) sendRaw(frame string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func identifyWith(intents gateway.Intents) gateway.Identify {
	return gateway.Identify{Token: Token, Intents: intents, Properties: gateway.IdentifyProperties{OS: "linux", Browser: "sandbox-test", Device: "sandbox-test"}}
}

// login dials, reads Hello, identifies and reads READY and a GUILD_CREATE
// for each guild READY lists.
func login(t testing.TB, ts *httptest.Server, intents gateway.Intents) (*client, gateway.Ready) {
	t.Helper()
	c := dial(t, ts, "?v=10&encoding=json")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(intents))
	p := c.expect(gateway.OpDispatch, "READY")
	var ready gateway.Ready
	if err := json.Unmarshal(p.D, &ready); err != nil {
		t.Fatal(err)
	}
	if intents.Has(gateway.IntentGuilds) {
		for range ready.Guilds {
			c.expect(gateway.OpDispatch, "GUILD_CREATE")
		}
	}
	return c, ready
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func decode[T any](t testing.TB, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

// reconnectAndWaitForResume sends op 7 to the only connection and waits
// until the client is back on a new connection with the same session.
func reconnectAndWaitForResume(t *testing.T, s *Server) {
	t.Helper()
	before := s.Connections()
	if len(before) != 1 {
		t.Fatalf("want one connection, have %+v", before)
	}
	frames, cancel := s.Observe(1024)
	defer cancel()
	if err := s.Reconnect(before[0].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the client to resume on a new connection", func() bool {
		now := s.Connections()
		return len(now) == 1 && now[0].ID != before[0].ID && now[0].SessionID == before[0].SessionID
	})
	for {
		f := nextFrame(t, frames)
		if p, err := gateway.DecodePayload(f.Data); err == nil && p.T != nil && *p.T == "RESUMED" {
			return
		}
	}
}

// nextFrame reads one observed frame, failing the test if none comes.
func nextFrame(t testing.TB, frames <-chan gateway.WireFrame) gateway.WireFrame {
	t.Helper()
	select {
	case f, ok := <-frames:
		if !ok {
			t.Fatal("the observer channel closed")
		}
		return f
	case <-time.After(15 * time.Second):
		t.Fatal("no observed frame within 15 s")
		return gateway.WireFrame{}
	}
}

// loginSeq is the s of the last dispatch login read: READY and one
// GUILD_CREATE per guild.
func loginSeq(ready gateway.Ready) int64 { return int64(1 + len(ready.Guilds)) }
