package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// dropConn ends the TCP connection without a close frame, as a network drop would.
func (c *client) drop() { _ = c.ws.UnderlyingConn().Close() }

func TestResumeReplaysMissedDispatchesWithOriginalSeq(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, ready := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	c.drop()
	waitFor(t, "the drop to be noticed", func() bool { return len(s.Connections()) == 0 })

	// Said while the bot was away: seq 3 and 4 of its session.
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "missed one")
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "missed two")

	r := dial(t, ts, "?v=10&encoding=json")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
	for i, want := range []string{"missed one", "missed two"} {
		p := r.expect(gateway.OpDispatch, "MESSAGE_CREATE")
		if *p.S != loginSeq(ready)+1+int64(i) {
			t.Fatalf("replayed s = %d, want %d", *p.S, loginSeq(ready)+1+int64(i))
		}
		if m := decode[gateway.Message](t, p.D); m.Content != want {
			t.Fatalf("replayed %q, want %q", m.Content, want)
		}
	}
	resumed := r.expect(gateway.OpDispatch, "RESUMED")
	if *resumed.S != loginSeq(ready)+3 {
		t.Fatalf("RESUMED s = %d, want %d", *resumed.S, loginSeq(ready)+3)
	}
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "live again")
	if p := r.expect(gateway.OpDispatch, "MESSAGE_CREATE"); *p.S != loginSeq(ready)+4 {
		t.Fatalf("after RESUMED s = %d, want %d", *p.S, loginSeq(ready)+4)
	}
	if conns := s.Connections(); len(conns) != 1 || conns[0].SessionID != ready.SessionID || conns[0].Peer != "sandbox-test" {
		t.Fatalf("connections = %+v", conns)
	}
}

func TestResumeUnknownSessionGetsInvalidSessionFalse(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: "nope", Seq: 1})
	p := r.expect(gateway.OpInvalidSession, "")
	if string(p.D) != "false" {
		t.Fatalf("op 9 d = %s, want false", p.D)
	}
}

func TestResumeWithFutureSeqIs4007(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, ready := login(t, ts, gateway.IntentGuilds)
	c.drop()
	waitFor(t, "the drop", func() bool { return len(s.Connections()) == 0 })
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: 99})
	r.expectClose(gateway.CloseInvalidSeq)
}

func TestCloseCodeDecidesWhetherTheSessionSurvives(t *testing.T) {
	for _, tc := range []struct {
		code      int
		resumable bool
	}{{1000, false}, {1001, false}, {4000, true}, {1012, true}} {
		s, ts := startSandbox(t, testConfig())
		c, ready := login(t, ts, gateway.IntentGuilds)
		_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(tc.code, "bye"))
		waitFor(t, "the close", func() bool { return len(s.Connections()) == 0 })
		r := dial(t, ts, "?v=10")
		r.expect(gateway.OpHello, "")
		r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
		if tc.resumable {
			r.expect(gateway.OpDispatch, "RESUMED")
		} else if p := r.expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
			t.Fatalf("close %d: op 9 d = %s", tc.code, p.D)
		}
	}
}

func TestSessionExpiresAfterTTL(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	s, ts := startSandbox(t, cfg)
	c, ready := login(t, ts, gateway.IntentGuilds)
	c.drop()
	waitFor(t, "the drop", func() bool { return len(s.Connections()) == 0 })
	clock.Advance(s.cfg.SessionTTL + 1)
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
	r.expect(gateway.OpInvalidSession, "")
}

func TestReconnectControlSendsOp7(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds)
	id := s.Connections()[0].ID
	if err := s.Reconnect(id); err != nil {
		t.Fatal(err)
	}
	p := c.expect(gateway.OpReconnect, "")
	if string(p.D) != "null" {
		t.Fatalf("op 7 d = %s", p.D)
	}
	if err := s.Reconnect("sandbox-none"); err != ErrNoConnection {
		t.Fatalf("unknown connection: %v", err)
	}
}

// TestOp7ClientThatStaysIsClosedAfterGrace: a client that ignores op 7 is
// closed by the sandbox with 4000 once the grace has passed, and its session
// is still there to resume.
func TestOp7ClientThatStaysIsClosedAfterGrace(t *testing.T) {
	cfg := testConfig()
	cfg.ReconnectGrace = 200 * time.Millisecond
	s, ts := startSandbox(t, cfg)
	c, ready := login(t, ts, gateway.IntentGuilds)
	if err := s.Reconnect(s.Connections()[0].ID); err != nil {
		t.Fatal(err)
	}
	c.expect(gateway.OpReconnect, "")
	if reason := c.expectClose(gateway.CloseUnknownError); !strings.Contains(reason, "op 7") {
		t.Errorf("close reason %q does not say it follows op 7", reason)
	}
	if !gateway.LookupClose(gateway.CloseUnknownError).CanResume {
		t.Fatal("the close table must call 4000 resumable")
	}
	waitFor(t, "the connection to go", func() bool { return len(s.Connections()) == 0 })
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: 2})
	r.expectDispatch("RESUMED")
}

// TestOp7ClientThatClosesIsNotClosedAgain: a client that closes at once on
// op 7, as the libraries do, gets no close of the sandbox's after the grace.
func TestOp7ClientThatClosesIsNotClosedAgain(t *testing.T) {
	cfg := testConfig()
	cfg.ReconnectGrace = 100 * time.Millisecond
	s, ts := startSandbox(t, cfg)
	frames, cancel := s.Observe(256)
	defer cancel()
	c, _ := login(t, ts, gateway.IntentGuilds)
	_ = s.Reconnect(s.Connections()[0].ID)
	c.expect(gateway.OpReconnect, "")
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4000, "reconnecting"))
	waitFor(t, "the connection to go", func() bool { return len(s.Connections()) == 0 })
	time.Sleep(3 * cfg.ReconnectGrace) // let the grace pass: nothing may follow
	for f := range drain(frames) {
		if f.Close != nil && f.Dir == gateway.Recv {
			t.Fatalf("the sandbox closed a connection the client had closed: %+v", *f.Close)
		}
	}
}

func TestInvalidateSessionControl(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, ready := login(t, ts, gateway.IntentGuilds)
	id := s.Connections()[0].ID

	// op 9 true: the session may be resumed, even on the same socket (discord.js does that).
	if err := s.InvalidateSession(id, true); err != nil {
		t.Fatal(err)
	}
	if p := c.expect(gateway.OpInvalidSession, ""); string(p.D) != "true" {
		t.Fatalf("op 9 d = %s", p.D)
	}
	c.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
	c.expectDispatch("RESUMED")

	// op 9 false: the session is gone.
	_ = s.InvalidateSession(id, false)
	if p := c.expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
		t.Fatalf("op 9 d = %s", p.D)
	}
	c.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: 3})
	c.expect(gateway.OpInvalidSession, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds)) // identifying again is allowed
	c.expectDispatch("READY")
}

func TestPauseACKs(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds)
	id := s.Connections()[0].ID
	s.PauseACKs(id, true)
	c.sendRaw(`{"op":1,"d":2}`)
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "marker") // GUILDS only: not dispatched
	s.PauseACKs(id, false)
	c.sendRaw(`{"op":1,"d":2}`)
	c.expect(gateway.OpHeartbeatACK, "") // exactly one ACK: the paused beat got none
	c.expectNothingBefore()
}

func TestTransportCompression(t *testing.T) {
	for _, compress := range []string{gateway.CompressZlibStream, gateway.CompressZstdStream} {
		t.Run(compress, func(t *testing.T) { testTransportCompression(t, compress) })
	}
}

func testTransportCompression(t *testing.T, compress string) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(64)
	defer cancel()
	c := dial(t, ts, "?v=10&encoding=json&compress="+compress)
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
	ready := decode[gateway.Ready](t, c.expect(gateway.OpDispatch, "READY").D)
	if ready.SessionID == "" {
		t.Fatal("no session id through zlib-stream")
	}
	g := decode[gateway.Guild](t, c.expect(gateway.OpDispatch, "GUILD_CREATE").D)
	if g.Name == "" {
		t.Fatal("GUILD_CREATE did not decode")
	}
	conns := s.Connections()
	if len(conns) != 1 || conns[0].Compression != compress || conns[0].Zlib != (compress == gateway.CompressZlibStream) {
		t.Fatalf("connections = %+v, want one on %s", conns, compress)
	}
	// Observers see the decoded text and the compressed size.
	for {
		f := nextFrame(t, frames)
		if f.Dir == gateway.Recv && f.Data != nil {
			var p gateway.Payload
			if err := json.Unmarshal(f.Data, &p); err != nil {
				t.Fatalf("observer got undecoded data: %v", err)
			}
			if p.T != nil && *p.T == "GUILD_CREATE" {
				if f.WireSize >= len(f.Data) {
					t.Fatalf("GUILD_CREATE wire size %d not smaller than its text %d", f.WireSize, len(f.Data))
				}
				return
			}
		}
	}
}

func TestResumeTooFarBehindMustIdentifyAgain(t *testing.T) {
	cfg := testConfig()
	s, ts := startSandbox(t, cfg)
	c, ready := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages)
	c.drop()
	waitFor(t, "the drop", func() bool { return len(s.Connections()) == 0 })
	for range 2 * maxReplay {
		_, _ = s.Post(GeneralChannelID, DefaultMemberID, "while you were away")
	}
	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
	if p := r.expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
		t.Fatalf("op 9 d = %s", p.D)
	}
}
