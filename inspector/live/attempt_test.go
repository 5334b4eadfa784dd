package live

import (
	"net"
	"strings"
	"testing"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// closedPort is a 127.0.0.1 address nothing listens on: dialing it is
// refused at once, as with a machine that cannot reach Discord.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// onSandbox gives a hub whose inspector is logged in to a sandbox, and the
// index its stream has reached.
func onSandbox(t *testing.T) (*Hub, *Stream, func() bool, int64, *logBuffer) {
	t.Helper()
	sb, ts := serveSandbox(t, quietSandbox())
	h, logs := newHub(t, sb, ts)
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitState(t, in, StateIdentified)
	waitRecord(t, in.Session(), 0, "GUILD_CREATE from the sandbox", isEvent("GUILD_CREATE"))
	_, mark := in.Session().Bounds()
	inspectorOnSandbox := func() bool {
		for _, c := range sb.Connections() {
			if c.Peer == client.Peer {
				return true
			}
		}
		return false
	}
	return h, in, inspectorOnSandbox, mark, logs
}

// waitFailedAttempt waits until the stream's state reports a failed
// attempt and returns the state.
func waitFailedAttempt(t *testing.T, in *Stream) State {
	t.Helper()
	var st State
	waitFor(t, "a failed attempt", func() bool {
		st = in.Info().State
		return st.Attempt != nil && st.Attempt.Kind == AttemptFailed
	})
	return st
}

func TestUnreachableDiscordKeepsTheSandbox(t *testing.T) {
	for name, base := range map[string]string{
		"refused":      "http://" + closedPort(t) + "/api/v10",
		"no such name": "http://discord.gatewaytour.invalid/api/v10",
	} {
		t.Run(name, func(t *testing.T) {
			h, in, onSandbox, mark, _ := onSandbox(t)
			h.discordREST = base
			if err := h.ConnectDiscord(wrongToken, gateway.IntentGuilds); err != nil {
				t.Fatal(err)
			}
			st := waitFailedAttempt(t, in)
			host, _, _ := strings.Cut(strings.Split(base, "/")[2], ":")
			want := host + " could not be reached from this machine: check your connection"
			if !strings.HasPrefix(st.Attempt.Detail, want) {
				t.Errorf("attempt detail %q, want it to start %q", st.Attempt.Detail, want)
			}
			if strings.Contains(st.Attempt.Detail, "dial tcp") || strings.Contains(st.Attempt.Detail, wrongToken) {
				t.Errorf("attempt detail %q shows a raw error or the token", st.Attempt.Detail)
			}
			if st.Kind != StateIdentified || st.Target != TargetSandbox || st.Attempt.Target != TargetDiscord {
				t.Errorf("state %+v: the sandbox session should still be the stream's", st)
			}
			if !onSandbox() {
				t.Error("the inspector left the sandbox")
			}
			for _, r := range in.Session().Records(mark, 0) {
				if r.Close != nil && r.Dir == gateway.Send {
					t.Errorf("the sandbox connection was closed (%d) for an attempt that failed", r.Close.Code)
				}
			}
			// Going on with the sandbox, the failure is forgotten.
			if err := h.ConnectSandbox(gateway.AllIntents); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the attempt to be cleared", func() bool { return in.Info().State.Attempt == nil })
		})
	}
}

func TestRefusedTokenKeepsTheSandboxAndIsExplained(t *testing.T) {
	h, in, onSandbox, mark, logs := onSandbox(t)
	fakeDiscord(t, h, quietSandbox())
	if err := h.ConnectDiscord(wrongToken, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	st := waitFailedAttempt(t, in)
	if !strings.Contains(st.Attempt.Detail, "4004") || !strings.Contains(st.Attempt.Detail, "Fix:") {
		t.Errorf("attempt detail %q should name 4004 and its fix", st.Attempt.Detail)
	}
	if strings.Contains(st.Attempt.Detail, wrongToken) || strings.Contains(logs.String(), wrongToken) {
		t.Error("the attempt's detail or the log repeats the token")
	}
	if st.Kind != StateIdentified || st.Target != TargetSandbox || !onSandbox() {
		t.Errorf("state %+v: the sandbox session should have stayed", st)
	}
	for _, r := range in.Session().Records(mark, 0) {
		if strings.HasPrefix(r.Source, "inspector.2") {
			t.Errorf("a frame of the failed attempt reached the stream: %s %s", r.Source, r.Summary)
		}
	}
}

func TestAttemptHandsOverOnlyAfterReady(t *testing.T) {
	h, in, onSandbox, mark, _ := onSandbox(t)
	fakeDiscord(t, h, quietSandbox())
	if err := h.ConnectDiscord(sandbox.Token, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	ready := waitRecord(t, in.Session(), mark, "READY from the fake Discord", isEvent("READY"))
	st := waitState(t, in, StateIdentified)
	waitFor(t, "the hand-over", func() bool {
		st = in.Info().State
		return st.Target == TargetDiscord && st.Attempt == nil
	})
	waitFor(t, "the inspector to leave the sandbox", func() bool { return !onSandbox() })
	// The sandbox's frames end with its 1000; the new connection's begin
	// after it, with nothing interleaved.
	var closeAt int64 = -1
	for _, r := range in.Session().Records(mark, int(ready.Index+1-mark)) {
		fromNew := !strings.HasPrefix(r.Source, "inspector.1")
		if r.Close != nil && r.Close.Code == 1000 && r.Dir == gateway.Send && !fromNew {
			closeAt = r.Index
		}
		if fromNew && closeAt < 0 {
			t.Fatalf("frame %d (%s) of the new connection came before the sandbox's 1000", r.Index, r.Summary)
		}
		if !fromNew && closeAt >= 0 && r.Index > closeAt {
			t.Fatalf("frame %d of the sandbox connection after its 1000", r.Index)
		}
	}
	if closeAt < 0 {
		t.Fatal("no 1000 close of the sandbox connection before READY")
	}
	first := in.Session().Records(closeAt+1, 1)
	if len(first) != 1 || first[0].Op == nil || *first[0].Op != gateway.OpHello {
		t.Errorf("the new connection's first record is %+v, want its Hello", first)
	}
}
