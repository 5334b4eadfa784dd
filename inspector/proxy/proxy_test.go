package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// rawClient is a hand-driven gateway client for the proxy tests.
type rawClient struct {
	t       *testing.T
	ws      *websocket.Conn
	inflate gateway.StreamReader // nil without transport compression
}

func dialProxy(t *testing.T, url string) *rawClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	c := &rawClient{t: t, ws: ws}
	if _, query, ok := strings.Cut(url, "?"); ok {
		q, _ := neturl.ParseQuery(query)
		c.inflate = gateway.NewStreamReader(q.Get("compress"), 1<<24, 1<<24)
	}
	return c
}

// next reads one payload, inflating binary frames with one reader for the
// whole connection, exactly as a library does.
func (c *rawClient) next() (gateway.Payload, []byte, error) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			return gateway.Payload{}, nil, err
		}
		if kind == websocket.BinaryMessage {
			if c.inflate == nil {
				c.t.Fatal("binary frame without transport compression")
			}
			msg, complete, err := c.inflate.Feed(data)
			if err != nil {
				c.t.Fatalf("inflating what the proxy sent: %v", err)
			}
			if !complete {
				continue
			}
			data = msg
		}
		p, err := gateway.DecodePayload(data)
		if err != nil {
			c.t.Fatalf("not a payload: %s", data)
		}
		return p, data, nil
	}
}

func (c *rawClient) send(op gateway.Opcode, d any) {
	c.t.Helper()
	p, _ := gateway.NewPayload(op, d)
	raw, _ := json.Marshal(p)
	if err := c.ws.WriteMessage(websocket.TextMessage, raw); err != nil {
		c.t.Fatal(err)
	}
}

func identify(token string) gateway.Identify {
	return gateway.Identify{Token: token, Intents: gateway.IntentGuilds | gateway.IntentGuildMessages,
		Properties: gateway.IdentifyProperties{OS: "linux", Browser: "raw test", Device: "raw test"}}
}

// TestCompressedStreamCarriesOnAfterREADY reads a compressed connection
// through the proxy with one decompressor, as a library does: Hello, READY
// (rewritten, so re-compressed by the proxy) and everything after must all
// decode, the sink must get each message decoded, and a clean close must end
// the sandbox's connection too. zlib-stream keeps the upstream's bytes until
// READY; zstd-stream is the proxy's own stream throughout.
func TestCompressedStreamCarriesOnAfterREADY(t *testing.T) {
	for _, compress := range []string{gateway.CompressZlibStream, gateway.CompressZstdStream} {
		t.Run(compress, func(t *testing.T) { testCompressedStreamCarriesOnAfterREADY(t, compress) })
	}
}

func testCompressedStreamCarriesOnAfterREADY(t *testing.T, compress string) {
	s, front, k := setup(t)
	c := dialProxy(t, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway?v=10&encoding=json&compress="+compress)
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHello {
		t.Fatalf("first frame = %v, %v", p.Op, err)
	}
	c.send(gateway.OpHeartbeat, nil)
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHeartbeatACK {
		t.Fatalf("after a beat = %v, %v", p.Op, err)
	}
	c.send(gateway.OpIdentify, identify(sandbox.Token))
	p, _, err := c.next()
	if err != nil || p.T == nil || *p.T != "READY" {
		t.Fatalf("after Identify = %v, %v", p.T, err)
	}
	var ready gateway.Ready
	_ = json.Unmarshal(p.D, &ready)
	if !strings.HasPrefix(ready.ResumeGatewayURL, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway/resume/") {
		t.Fatalf("resume_gateway_url = %q", ready.ResumeGatewayURL)
	}
	for range ready.Guilds { // one GUILD_CREATE per guild
		if p, _, err := c.next(); err != nil || p.T == nil || *p.T != "GUILD_CREATE" {
			t.Fatalf("after READY = %v, %v", p.T, err)
		}
	}
	posted, err := s.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "still readable?")
	if err != nil {
		t.Fatal(err)
	}
	if p, raw, err := c.next(); err != nil || p.T == nil || *p.T != "MESSAGE_CREATE" || !strings.Contains(string(raw), `"id":"`+posted.ID.String()+`"`) {
		t.Fatalf("after GUILD_CREATE = %v %s, %v", p.T, raw, err)
	}
	if _, ok := k.find(func(f gateway.WireFrame, p gateway.Payload) bool {
		return f.Dir == gateway.Recv && p.T != nil && *p.T == "MESSAGE_CREATE" && f.Error == ""
	}); !ok {
		t.Fatal("the sink did not get the decoded MESSAGE_CREATE")
	}
	if g, ok := k.find(dispatch("GUILD_CREATE")); !ok || g.WireSize == 0 || g.WireSize >= len(g.Data) {
		t.Fatalf("GUILD_CREATE in the sink: found %v, wire %d bytes for %d decoded", ok, g.WireSize, len(g.Data))
	}
	if conns := s.Connections(); len(conns) != 1 || conns[0].Compression != compress {
		t.Fatalf("the proxy did not ask the upstream for %s: %+v", compress, conns)
	}

	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"), time.Now().Add(time.Second))
	waitFor(t, "the sandbox connection to end", func() bool { return len(s.Connections()) == 0 })
	if _, ok := k.find(func(f gateway.WireFrame, _ gateway.Payload) bool {
		return f.Dir == gateway.Send && f.Close != nil && f.Close.Code == 1000
	}); !ok {
		t.Fatal("the bot's close is not in the sink")
	}
}

// TestUpstreamClosePassesThrough sends a wrong token: the sandbox's 4004
// must reach the bot with its code, and the sink must not learn the token.
func TestUpstreamClosePassesThrough(t *testing.T) {
	_, front, k := setup(t)
	c := dialProxy(t, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway/?v=10&encoding=json")
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHello {
		t.Fatalf("first frame = %v, %v", p.Op, err)
	}
	const wrong = "MTM1MDAzNzQ2MDIyMjA4MzA3Mg.wrong0.not-the-sandbox-token"
	c.send(gateway.OpIdentify, identify(wrong))
	_, _, err := c.next()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != int(gateway.CloseAuthenticationFailed) {
		t.Fatalf("after a wrong token: %v, want close 4004", err)
	}
	waitFor(t, "the close in the sink", func() bool {
		_, ok := k.find(func(f gateway.WireFrame, _ gateway.Payload) bool {
			return f.Dir == gateway.Recv && f.Close != nil && f.Close.Code == gateway.CloseAuthenticationFailed
		})
		return ok
	})
	for _, f := range k.All() {
		if strings.Contains(string(f.Data), wrong) {
			t.Fatalf("the token reached the sink: %s", f.Data)
		}
	}
}

// TestRESTPassesThrough checks GET /gateway/bot through the proxy: the
// answer names the proxy, keeps Discord's exact Content-Type, and the
// exchange in the sink holds no header and no token.
func TestRESTPassesThrough(t *testing.T) {
	_, front, k := setup(t)
	req, _ := http.NewRequest(http.MethodGet, front.URL+"/api/v10/gateway/bot", nil)
	req.Header.Set("Authorization", "Bot "+sandbox.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var gb gateway.GatewayBot
	if resp.StatusCode != 200 || json.Unmarshal(body, &gb) != nil || gb.URL != "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway" || gb.Shards != 1 {
		t.Fatalf("GET /gateway/bot through the proxy = %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want exactly application/json", ct)
	}
	f, ok := k.find(restCall("GET /api/v10/gateway/bot"))
	if !ok {
		t.Fatalf("no exchange in the sink: %v", k.All())
	}
	if s := string(f.Data); strings.Contains(s, sandbox.Token) || strings.Contains(strings.ToLower(s), "authorization") {
		t.Fatalf("the exchange shows the token or a header: %s", s)
	}

	// Without a token the sandbox says 401 and the proxy passes it on.
	resp, err = http.Get(front.URL + "/api/v10/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /users/@me without a token = %d", resp.StatusCode)
	}

	// A page on another site may not use the proxy.
	req, _ = http.NewRequest(http.MethodGet, front.URL+"/api/v10/users/@me", nil)
	req.Header.Set("Origin", "https://evil.example")
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin REST = %v, %v", resp.StatusCode, err)
	}
	resp.Body.Close()

	// Only resume addresses learned from READY can be dialled.
	if _, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(front.URL, "http")+"/gateway/resume/7?v=10", nil); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown resume address: %v", err)
	}
}

// TestListenRefusesOtherInterfaces keeps a token-carrying proxy on loopback.
func TestListenRefusesOtherInterfaces(t *testing.T) {
	p, err := New(Config{Listen: "0.0.0.0:0", Upstream: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ListenAndServe(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("ListenAndServe on 0.0.0.0 = %v", err)
	}
	if _, err := New(Config{Upstream: "ftp://discord.com"}); err == nil {
		t.Fatal("an ftp upstream was accepted")
	}
}

// TestBotDropIsAHangUpUpstream kills the bot's TCP connection: the proxy
// must hang up upstream too (1006 cannot be sent as a close code) and
// report the drop once.
func TestBotDropIsAHangUpUpstream(t *testing.T) {
	s, front, k := setup(t)
	c := dialProxy(t, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway?v=10&encoding=json")
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHello {
		t.Fatalf("first frame = %v, %v", p.Op, err)
	}
	c.send(gateway.OpIdentify, identify(sandbox.Token))
	if p, _, err := c.next(); err != nil || p.T == nil || *p.T != "READY" {
		t.Fatalf("after Identify = %v, %v", p.T, err)
	}
	_ = c.ws.UnderlyingConn().Close()
	waitFor(t, "the sandbox connection to end", func() bool { return len(s.Connections()) == 0 })
	waitFor(t, "the drop in the sink", func() bool {
		_, ok := k.find(func(f gateway.WireFrame, _ gateway.Payload) bool { return f.Close != nil })
		return ok
	})
	var closes []gateway.CloseFrame
	for _, f := range k.All() {
		if f.Close != nil {
			closes = append(closes, *f.Close)
		}
	}
	if len(closes) != 1 || closes[0].Code != 1006 {
		t.Fatalf("closes reported = %+v, want one 1006", closes)
	}
}
