package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
)

// deadline is generous: the machine running the tests may be busy.
const deadline = 30 * time.Second

// quietSandbox beats every second, never asks for extra beats and has no
// scripted chatter, so a test sees only the traffic it makes.
func quietSandbox() sandbox.Config {
	return sandbox.Config{HeartbeatInterval: time.Second, HeartbeatGrace: 20 * time.Second, ServerHeartbeatEvery: -1}
}

// serveSandbox runs a sandbox on a real 127.0.0.1 listener.
func serveSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(cfg)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		sb.Close()
		ts.Close()
	})
	return sb, ts
}

// logBuffer captures what the hub logs.
type logBuffer = testkit.Buffer

// newHub builds a hub on sb (which may be nil), logging everything at
// debug level into the returned buffer.
func newHub(t *testing.T, sb *sandbox.Server, ts *httptest.Server) (*Hub, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg := Config{Sandbox: sb, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if ts != nil {
		cfg.SandboxREST = ts.URL + "/api/v10"
	}
	h := New(cfg)
	t.Cleanup(h.Close)
	return h, logs
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitState waits for the stream's state kind and returns the state.
func waitState(t *testing.T, s *Stream, kind string) State {
	t.Helper()
	var st State
	waitFor(t, "state "+kind+" on "+s.id, func() bool {
		st = s.Info().State
		return st.Kind == kind
	})
	return st
}

// waitRecord follows the session from index from until a record matches.
func waitRecord(t *testing.T, sess *inspector.Session, from int64, what string, match func(inspector.Record) bool) inspector.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	sub := sess.Subscribe(from)
	for {
		r, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if match(r) {
			return r
		}
	}
}

func isOp(op gateway.Opcode, dir gateway.Direction) func(inspector.Record) bool {
	return func(r inspector.Record) bool { return r.Op != nil && *r.Op == op && r.Dir == dir }
}

func isEvent(t string) func(inspector.Record) bool {
	return func(r inspector.Record) bool { return r.T != nil && *r.T == t }
}

// rawBot is a bot written directly against the websocket, so a test
// controls every frame it sends.
type rawBot struct {
	t      *testing.T
	ws     *websocket.Conn
	frames chan gateway.Payload
}

func dialRawBot(t *testing.T, ts *httptest.Server) *rawBot {
	t.Helper()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/gateway?v=10&encoding=json"
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial sandbox gateway: %v", err)
	}
	b := &rawBot{t: t, ws: ws, frames: make(chan gateway.Payload, 1000)}
	go func() {
		defer close(b.frames)
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if p, err := gateway.DecodePayload(data); err == nil {
				b.frames <- p
			}
		}
	}()
	t.Cleanup(func() { ws.Close() })
	return b
}

// expect reads frames until one matches.
func (b *rawBot) expect(what string, match func(gateway.Payload) bool) gateway.Payload {
	b.t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case p, ok := <-b.frames:
			if !ok {
				b.t.Fatalf("connection ended while waiting for %s", what)
			}
			if match(p) {
				return p
			}
		case <-timeout:
			b.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (b *rawBot) identify(browser string, intents gateway.Intents) {
	b.t.Helper()
	p, err := gateway.NewPayload(gateway.OpIdentify, gateway.Identify{
		Token: sandbox.Token, Intents: intents,
		Properties: gateway.IdentifyProperties{OS: "linux", Browser: browser, Device: browser},
	})
	if err != nil {
		b.t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	if err := b.ws.WriteMessage(websocket.TextMessage, raw); err != nil {
		b.t.Fatalf("send Identify: %v", err)
	}
}

func (b *rawBot) close(code int) {
	_ = b.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, "bye"), time.Now().Add(5*time.Second))
}

// streamIDs lists the ids of the hub's streams.
func streamIDs(h *Hub) []string {
	var ids []string
	for _, s := range h.Streams() {
		ids = append(ids, s.ID)
	}
	return ids
}

// connID finds the sandbox connection that identified as discord.py.
func (b *rawBot) connID(t *testing.T, sb *sandbox.Server) string {
	t.Helper()
	for _, c := range sb.Connections() {
		if c.Peer == "discord.py" {
			return c.ID
		}
	}
	return ""
}

// waitEnded reads until the server has closed the connection.
func (b *rawBot) waitEnded() {
	b.t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case _, ok := <-b.frames:
			if !ok {
				return
			}
		case <-timeout:
			b.t.Fatal("timed out waiting for the connection to end")
		}
	}
}
