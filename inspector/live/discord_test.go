package live

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// wrongToken has a real token's shape, so only the gateway can refuse it.
const wrongToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.this-is-not-the-sandbox-token_0123456789"

// fakeDiscord is a second sandbox standing in for discord.com: the hub
// talks to it exactly as it would to Discord.
func fakeDiscord(t *testing.T, h *Hub, cfg sandbox.Config) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb, ts := serveSandbox(t, cfg)
	h.discordREST = ts.URL + "/api/v10"
	return sb, ts
}

func TestConnectDiscordWrongTokenIsExplained(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	fakeDiscord(t, h, quietSandbox())
	if err := h.ConnectDiscord(wrongToken, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	st := waitState(t, in, StateClosed)
	waitFor(t, "the final state", func() bool {
		st = in.Info().State
		return strings.HasPrefix(st.Detail, "Stopped")
	})
	if st.Close == nil || st.Close.Code != 4004 || st.Close.Fix == "" || st.Target != TargetDiscord {
		t.Fatalf("state %+v: want target discord, closed with 4004 and its fix", st)
	}
	if !strings.Contains(st.Detail, "4004") || !strings.Contains(st.Detail, "Fix:") {
		t.Errorf("detail %q should name the code and the fix", st.Detail)
	}
	rec := waitRecord(t, in.Session(), 0, "the 4004 close frame", func(r inspector.Record) bool {
		return r.Close != nil && r.Close.Code == 4004
	})
	if rec.Dir != gateway.Recv {
		t.Errorf("the 4004 close should come from the server, got dir %s", rec.Dir)
	}
}

func TestConnectDiscordGoodTokenIdentifies(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	fakeDiscord(t, h, quietSandbox())
	if err := h.ConnectDiscord("Bot "+sandbox.Token, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	st := waitState(t, in, StateIdentified)
	if st.Target != TargetDiscord || st.SessionID == "" || st.Close != nil {
		t.Errorf("state %+v: want an identified discord session", st)
	}
	if got := in.Info().Label; got != "the inspector on Discord" {
		t.Errorf("label %q", got)
	}
	waitRecord(t, in.Session(), 0, "GUILD_CREATE", isEvent("GUILD_CREATE"))
}

func TestConnectDiscordPrivilegedIntentNotEnabled(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	cfg := quietSandbox()
	cfg.EnabledPrivileged = sandbox.PrivilegedNone
	fakeDiscord(t, h, cfg)
	if err := h.ConnectDiscord(sandbox.Token, gateway.IntentGuilds|gateway.IntentGuildMembers); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	var st State
	waitFor(t, "the 4014 close", func() bool {
		st = in.Info().State
		return st.Kind == StateClosed && st.Close != nil && st.Close.Code == 4014 && strings.HasPrefix(st.Detail, "Stopped")
	})
	if st.Close.Fix == "" || !strings.Contains(st.Detail, "Fix:") {
		t.Errorf("state %+v: a 4014 should say what to fix", st)
	}
}

func TestConnectDiscordRefusesMalformedTokensWithoutEchoing(t *testing.T) {
	h, logs := newHub(t, nil, nil)
	for _, bad := range []string{"", "   ", "secretvalue-only-one-part", "two.parts-secret", "a.b.c.d-secretish", "has space.in it.secret", "ab..secretpart"} {
		err := h.ConnectDiscord(bad, gateway.IntentGuilds)
		if err == nil {
			t.Errorf("ConnectDiscord(%q) accepted a malformed token", bad)
			continue
		}
		if strings.TrimSpace(bad) != "" && strings.Contains(err.Error(), strings.TrimSpace(bad)) {
			t.Errorf("the error repeats the token: %v", err)
		}
	}
	if st := h.Streams()[0].State; st.Kind != StateIdle {
		t.Errorf("a refused token changed the state to %+v", st)
	}
	if strings.Contains(logs.String(), "secret") {
		t.Errorf("refused tokens reached the log: %s", logs.String())
	}
}

// TestTokenNeverLeaks runs a wrong but well-formed token through the whole
// hub and looks for it everywhere a reader or a log could see.
func TestTokenNeverLeaks(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, logs := newHub(t, sb, ts)
	fakeDiscord(t, h, quietSandbox())
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitState(t, in, StateIdentified)
	// Stopped first, the connection to Discord takes the stream at once, so
	// its Identify and 4004 are on the record (an attempt made while the
	// sandbox is live keeps them out: attempt_test.go).
	if err := h.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if err := h.ConnectDiscord(wrongToken, gateway.AllIntents); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the 4004 stop", func() bool {
		st := in.Info().State
		return st.Close != nil && st.Close.Code == 4004 && strings.HasPrefix(st.Detail, "Stopped")
	})
	// Something on the record did carry the token: the Identify.
	waitRecord(t, in.Session(), 0, "the Identify to the fake Discord", func(r inspector.Record) bool {
		return isOp(gateway.OpIdentify, gateway.Send)(r) && strings.Contains(string(r.Payload), inspector.RedactedToken)
	})

	var everything bytes.Buffer
	infos, _ := json.Marshal(h.Streams())
	everything.Write(infos)
	for _, info := range h.Streams() {
		s, _ := h.Stream(info.ID)
		st, _ := json.Marshal(s.Info().State)
		everything.Write(st)
		for _, r := range s.Session().Records(0, 0) {
			line, _ := json.Marshal(r)
			everything.Write(line)
		}
		if err := s.Session().ExportNDJSON(&everything); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Disconnect(); err != nil {
		t.Fatal(err)
	}
	everything.WriteString(logs.String())
	for _, part := range append([]string{wrongToken}, strings.Split(wrongToken, ".")[2]) {
		if strings.Contains(everything.String(), part) {
			t.Errorf("the token (or its secret part) leaked: %q found in streams, records, exports or logs", part)
		}
	}
	if !strings.Contains(logs.String(), "target=discord") {
		t.Errorf("the log should show the connection happened (%d bytes logged)", len(logs.String()))
	}
}

func TestConnectDiscordUnreachableIsExplained(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	_, ts := serveSandbox(t, quietSandbox())
	h.discordREST = ts.URL + "/api/v10"
	ts.Close() // nothing answers there any more
	if err := h.ConnectDiscord(wrongToken, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	st := waitState(t, in, StateStopped)
	if !strings.Contains(st.Detail, "127.0.0.1 could not be reached from this machine: check your connection") || strings.Contains(st.Detail, wrongToken) {
		t.Errorf("detail %q should say the server could not be reached", st.Detail)
	}
}
