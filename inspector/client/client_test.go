package client_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

const messageIntents = gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent

func TestFullLoginIsRecordedAndAnnotated(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{Intents: gateway.DefaultIntents}, nil)
	ready := h.waitState(client.StateReady)
	if ready.SessionID == "" || ready.Conn != "inspector-1" {
		t.Errorf("ready state %+v", ready)
	}
	gc := h.waitFrame("GUILD_CREATE", isDispatch("GUILD_CREATE"))
	if gc.WireSize >= len(gc.Data) {
		t.Errorf("zlib-stream is on by default: wire %d bytes for %d decoded", gc.WireSize, len(gc.Data))
	}
	if gc.Peer != client.Peer || gc.Conn != "inspector-1" {
		t.Errorf("frame source %q %q", gc.Conn, gc.Peer)
	}
	// Two beats acknowledged: the heartbeat loop runs.
	for range 2 {
		h.waitFrame("heartbeat ACK", isOp(gateway.Recv, 11))
	}
	if conns := h.sb.Connections(); len(conns) != 1 || !conns[0].Zlib || conns[0].Peer != client.Peer {
		t.Errorf("sandbox sees %+v", conns)
	}

	hello := h.records(func(r inspector.Record) bool { return r.Op != nil && *r.Op == gateway.OpHello })
	if len(hello) != 1 || hello[0].Heartbeat == nil || hello[0].Heartbeat.IntervalMS != 1000 {
		t.Fatalf("hello records %+v", hello)
	}
	ident := h.records(func(r inspector.Record) bool { return r.Op != nil && *r.Op == gateway.OpIdentify })
	if len(ident) != 1 || ident[0].Dir != gateway.Send || strings.Contains(string(ident[0].Payload), sandbox.Token) ||
		!strings.Contains(string(ident[0].Payload), inspector.RedactedToken) {
		t.Fatalf("identify records %+v", ident)
	}
	readyRec := h.records(hasT("READY"))
	if len(readyRec) != 1 || !hasTerm(readyRec[0], "d.user", gateway.TermUser) || !hasTerm(readyRec[0], "d.guilds[0]", gateway.TermGuild) {
		t.Fatalf("READY terms %+v", readyRec)
	}
	guild := h.records(hasT("GUILD_CREATE"))
	if len(guild) < 1 || !hasTerm(guild[0], "d", gateway.TermGuild) || !hasTerm(guild[0], "d.members[0]", gateway.TermMember) || !hasTerm(guild[0], "d.members[0].user", gateway.TermUser) {
		t.Fatalf("GUILD_CREATE terms %+v", guild)
	}
	acks := h.records(func(r inspector.Record) bool { return r.Heartbeat != nil && r.Heartbeat.AckRTTMS != nil })
	if len(acks) < 2 || *acks[0].Heartbeat.AckRTTMS < 0 {
		t.Fatalf("ACK records with an RTT: %d", len(acks))
	}
	beats := h.records(func(r inspector.Record) bool {
		return r.Op != nil && *r.Op == gateway.OpHeartbeat && r.Dir == gateway.Send
	})
	if len(beats) == 0 || beats[0].Heartbeat.JitterMS == nil || *beats[0].Heartbeat.JitterMS > 1000+250 {
		t.Errorf("the first beat waits a fraction of the interval: %+v", beats[0].Heartbeat)
	}
}

func hasTerm(r inspector.Record, path string, kind gateway.TermKind) bool {
	for _, t := range r.Terms {
		if t.Path == path && t.Kind == kind {
			return true
		}
	}
	return false
}

func TestPlainTextWhenCompressionIsOff(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{Compress: client.CompressNone, Intents: gateway.IntentGuilds}, nil)
	h.waitState(client.StateReady)
	f := h.waitFrame("GUILD_CREATE", isDispatch("GUILD_CREATE"))
	if f.WireSize != len(f.Data) || h.sb.Connections()[0].Zlib {
		t.Errorf("uncompressed: wire %d, decoded %d", f.WireSize, len(f.Data))
	}
}

func TestZombieConnectionResumesWithReplay(t *testing.T) {
	const missed = "posted while the bot was away"
	var posted bool
	h := start(t, quickSandbox(), client.Config{Intents: messageIntents}, func(h *harness, s client.State) {
		// Runs before the client reconnects: the message can only reach it
		// through the Resume replay.
		if s.Kind == client.StateClosed && s.ByClient && !posted {
			posted = true
			if _, err := h.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, missed); err != nil {
				h.t.Error(err)
			}
		}
	})
	first := h.waitState(client.StateReady)
	h.sb.PauseACKs(h.sandboxConn(), true)
	closed := h.waitState(client.StateClosed)
	if !closed.ByClient || closed.Code == gateway.CloseNormal || !strings.Contains(closed.Meaning, "zombie") {
		t.Errorf("zombie close %+v", closed)
	}
	resume := h.waitFrame("Resume", isOp(gateway.Send, int(gateway.OpResume)))
	if resume.Conn != "inspector-2" {
		t.Errorf("resume on %s", resume.Conn)
	}
	replayed := h.waitFrame("replayed MESSAGE_CREATE", isDispatch("MESSAGE_CREATE"))
	if replayed.Conn != "inspector-2" || !bytes.Contains(replayed.Data, []byte(missed)) {
		t.Errorf("replay %s: %s", replayed.Conn, replayed.Data)
	}
	h.waitFrame("RESUMED", isDispatch("RESUMED"))
	if s := h.waitState(client.StateResumed); s.SessionID != first.SessionID {
		t.Errorf("resumed session %q, want %q", s.SessionID, first.SessionID)
	}
	closes := h.records(func(r inspector.Record) bool { return r.Close != nil && r.Dir == gateway.Send })
	if len(closes) == 0 || !closes[0].Close.CanResume {
		t.Errorf("client close record %+v", closes)
	}
}

func TestReconnectRequestResumes(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{}, nil)
	first := h.waitState(client.StateReady)
	if err := h.sb.Reconnect(h.sandboxConn()); err != nil {
		t.Fatal(err)
	}
	h.waitFrame("op 7", isOp(gateway.Recv, int(gateway.OpReconnect)))
	if s := h.waitState(client.StateResumed); s.SessionID != first.SessionID || s.Conn != "inspector-2" {
		t.Errorf("after op 7: %+v", s)
	}
}

func TestInvalidSessionResumableResumes(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{}, nil)
	first := h.waitState(client.StateReady)
	if err := h.sb.InvalidateSession(h.sandboxConn(), true); err != nil {
		t.Fatal(err)
	}
	if s := h.waitState(client.StateResumed); s.SessionID != first.SessionID {
		t.Errorf("after op 9 true: %+v", s)
	}
}

func TestInvalidSessionNotResumableIdentifiesAfresh(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{}, nil)
	first := h.waitState(client.StateReady)
	if err := h.sb.InvalidateSession(h.sandboxConn(), false); err != nil {
		t.Fatal(err)
	}
	wait := h.waitState(client.StateWaiting)
	if wait.Wait < 1e9 || wait.Wait > 5e9 {
		t.Errorf("wait %s, want 1–5 s", wait.Wait)
	}
	second := h.waitState(client.StateReady)
	if second.SessionID == first.SessionID || second.SessionID == "" {
		t.Errorf("new session %q after %q", second.SessionID, first.SessionID)
	}
	if len(h.records(func(r inspector.Record) bool { return r.Op != nil && *r.Op == gateway.OpResume })) != 0 {
		t.Error("the client resumed a session it was told is gone")
	}
}

func TestWrongTokenStopsWithAnExplanation(t *testing.T) {
	const wrong = "MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong0.this-token-is-not-right"
	t.Run("REST refuses it", func(t *testing.T) {
		h := start(t, quickSandbox(), client.Config{Token: wrong}, nil)
		err := h.waitRun()
		var he *client.HTTPError
		if !errors.As(err, &he) || he.Status != 401 || !strings.Contains(err.Error(), "not accepted") {
			t.Fatalf("err = %v", err)
		}
		assertNoToken(t, wrong, err.Error(), h.logText())
	})
	t.Run("the gateway closes with 4004", func(t *testing.T) {
		h := start(t, quickSandbox(), client.Config{Token: wrong, GatewayURL: sandboxGateway}, nil)
		err := h.waitRun()
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != gateway.CloseAuthenticationFailed || !strings.Contains(err.Error(), "Developer Portal") {
			t.Fatalf("err = %v", err)
		}
		assertNoToken(t, wrong, err.Error(), h.logText())
	})
}

func TestDisallowedIntentStopsWith4014(t *testing.T) {
	cfg := quickSandbox()
	cfg.EnabledPrivileged = sandbox.PrivilegedNone
	h := start(t, cfg, client.Config{Intents: gateway.IntentGuilds | gateway.IntentGuildMembers}, nil)
	err := h.waitRun()
	var ce *client.CloseError
	if !errors.As(err, &ce) || ce.Code != gateway.CloseDisallowedIntents || !strings.Contains(ce.Info.Fix, "Server Members") {
		t.Fatalf("err = %v", err)
	}
	closes := h.records(func(r inspector.Record) bool { return r.Close != nil })
	if len(closes) != 1 || closes[0].Close.Code != 4014 || closes[0].Dir != gateway.Recv {
		t.Errorf("close records %+v", closes)
	}
}

func assertNoToken(t *testing.T, token string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, token) {
			t.Errorf("token leaked into %q", s)
		}
	}
}
