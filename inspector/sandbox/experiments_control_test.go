package sandbox

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func TestPortalSwitchesChangeTheNextIdentify(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	all := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent
	running, _ := login(t, ts, all)

	resp := controlRequest(t, "PUT", ts.URL+"/sandbox/portal", ts.URL, `{"message_content":false}`)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"message_content":false`) || !strings.Contains(string(body), `"guild_members":true`) {
		t.Fatalf("PUT portal: %d %s", resp.StatusCode, body)
	}
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(all))
	if reason := c.expectClose(gateway.CloseDisallowedIntents); !strings.Contains(reason, "MESSAGE_CONTENT") {
		t.Fatalf("4014 reason %q does not name the switch", reason)
	}
	// The session that was already running keeps its intents, as on Discord.
	resp = controlRequest(t, "POST", ts.URL+"/sandbox/messages", "", `{"content":"still here"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("post: %d", resp.StatusCode)
	}
	if m := decode[gateway.Message](t, running.expectDispatch("MESSAGE_CREATE").D); m.Content != "still here" {
		t.Fatalf("running session lost its content: %+v", m)
	}

	resp = controlRequest(t, "PUT", ts.URL+"/sandbox/portal", "", `{"message_content":true}`)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT portal back: %d", resp.StatusCode)
	}
	login(t, ts, all) // allowed again
	if resp := controlRequest(t, "PUT", ts.URL+"/sandbox/portal", "", `{"message_content":"no"}`); resp.StatusCode != 400 {
		t.Fatalf("bad body: %d", resp.StatusCode)
	}
}

func TestPortalAllOffIsNoneNotDefault(t *testing.T) {
	s, _ := startSandbox(t, testConfig())
	s.SetEnabledPrivileged(0)
	if got := s.EnabledPrivileged(); got != 0 {
		t.Fatalf("all switches off reads as %s", got)
	}
}

func TestHelloIntervalOfferIsOneShot(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/hello-interval", "", `{"interval_ms":100}`); resp.StatusCode != 400 {
		t.Fatalf("too short an interval: %d", resp.StatusCode)
	}
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/hello-interval", "", `{"interval_ms":1500}`); resp.StatusCode != 204 {
		t.Fatalf("offer: %d", resp.StatusCode)
	}
	helloInterval := func() int {
		c := dial(t, ts, "?v=10")
		return decode[gateway.Hello](t, c.expect(gateway.OpHello, "").D).HeartbeatInterval
	}
	if got := helloInterval(); got != 1500 {
		t.Fatalf("first Hello after the offer: %d ms", got)
	}
	if got := helloInterval(); int64(got) != testConfig().HeartbeatInterval.Milliseconds() {
		t.Fatalf("second Hello kept the offer: %d ms", got)
	}
}

func TestServerAsksForAHeartbeat(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds)
	id := s.Connections()[0].ID
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/"+id+"/heartbeat-request", "", ""); resp.StatusCode != 204 {
		t.Fatalf("heartbeat-request: %d", resp.StatusCode)
	}
	c.expect(gateway.OpHeartbeat, "")
	c.send(gateway.OpHeartbeat, nil)
	c.expect(gateway.OpHeartbeatACK, "")
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/sandbox-99/heartbeat-request", "", ""); resp.StatusCode != 404 {
		t.Fatalf("unknown connection: %d", resp.StatusCode)
	}
}

func TestDropReplaysExactlyTheMissedEvents(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	intents := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent
	c, ready := login(t, ts, intents)
	id := s.Connections()[0].ID
	resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/"+id+"/drop", "", `{"missed":3}`)
	if resp.StatusCode != 204 {
		t.Fatalf("drop: %d", resp.StatusCode)
	}
	// The connection ends without a close frame.
	_ = c.ws.SetReadDeadline(timeIn(t))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			if strings.Contains(err.Error(), "close 4") {
				t.Fatalf("a drop sent a close frame: %v", err)
			}
			break
		}
	}
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	last := loginSeq(ready)
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: last})
	for i := int64(1); i <= 3; i++ {
		p := r.expect(gateway.OpDispatch, "MESSAGE_CREATE")
		if *p.S != last+i {
			t.Fatalf("replayed s = %d, want %d", *p.S, last+i)
		}
		var m gateway.Message
		_ = json.Unmarshal(p.D, &m)
		if !strings.Contains(m.Content, "of 3") {
			t.Fatalf("replayed %q", m.Content)
		}
	}
	r.expect(gateway.OpDispatch, "RESUMED")

	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/"+s.Connections()[0].ID+"/drop", "", `{"missed":11}`); resp.StatusCode != 400 {
		t.Fatalf("too many missed events: %d", resp.StatusCode)
	}
	bare := dial(t, ts, "?v=10")
	bare.expect(gateway.OpHello, "")
	waitFor(t, "two connections", func() bool { return len(s.Connections()) == 2 })
	if err := s.DropConnection(s.Connections()[1].ID, 1); err != ErrNoSession {
		t.Fatalf("drop before identify: %v", err)
	}
}

func timeIn(t *testing.T) time.Time {
	t.Helper()
	return time.Now().Add(5 * time.Second)
}

func TestAnOfferedIntervalShortensTheSilenceDeadline(t *testing.T) {
	s, ts := startSandbox(t, Config{HeartbeatInterval: 30 * time.Second, HeartbeatGrace: 15 * time.Second, ServerHeartbeatEvery: -1})
	if err := s.OfferHeartbeatInterval(600 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	start := time.Now()
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
	c.expectClose(gateway.CloseSessionTimedOut)
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("4009 came after %s, not within interval + interval", waited)
	}
}

func TestEnforceIdentifyConcurrencyIsRestored(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	s, ts := startSandbox(t, cfg)
	identify := func() *client {
		c := dial(t, ts, "?v=10")
		c.expect(gateway.OpHello, "")
		c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
		return c
	}
	identify().expectDispatch("READY")
	identify().expectDispatch("READY") // off by default: the bots share one token

	restore := s.EnforceIdentifyConcurrency()
	identify().expectDispatch("READY") // the window starts empty
	late := identify()
	if p := late.expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
		t.Fatalf("a second Identify within 5 s got op 9 d=%s", p.D)
	}
	clock.Advance(identifyWindow)
	late.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
	late.expectDispatch("READY") // after waiting, the same connection logs in

	restore()
	restore() // a second call changes nothing
	identify().expectDispatch("READY")
	identify().expectDispatch("READY")
}
