package sandbox

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
)

// timeOut makes the only connection's heartbeat deadline pass now, so the
// sandbox closes it with 4009 exactly as it closes a client that went
// silent, without the test waiting a whole heartbeat interval.
func timeOut(t *testing.T, s *Server) string {
	t.Helper()
	conns := s.Connections()
	if len(conns) != 1 {
		t.Fatalf("want one connection, have %+v", conns)
	}
	s.mu.Lock()
	c := s.conns[conns[0].ID]
	s.mu.Unlock()
	// A heartbeat arriving meanwhile moves the deadline on again, so set it
	// until the sandbox has acted on it.
	waitFor(t, "the sandbox to time the client out", func() bool {
		_ = c.ws.SetReadDeadline(time.Now())
		return c.closing.Load()
	})
	return conns[0].SessionID
}

// recoversWithIdentify waits for the library to be back on a new session
// and checks, in the observed frames, the way there: the sandbox's 4009, the
// library's Resume answered with op 9 false, then a fresh Identify.
func recoversWithIdentify(t *testing.T, s *Server, frames <-chan gateway.WireFrame, oldSession string) {
	t.Helper()
	waitFor(t, "the library to identify again", func() bool {
		now := s.Connections()
		return len(now) == 1 && now[0].SessionID != "" && now[0].SessionID != oldSession
	})
	steps := []string{"4009", "Resume", "op 9 false", "Identify"}
	next := 0
	for next < len(steps) {
		f := nextFrame(t, frames)
		p, _ := gateway.DecodePayload(f.Data)
		switch {
		case f.Close != nil && f.Close.Code == gateway.CloseSessionTimedOut && f.Dir == gateway.Recv:
			next = max(next, 1)
		case next == 1 && f.Dir == gateway.Send && p.Op == gateway.OpResume:
			next = 2
		case next == 2 && f.Dir == gateway.Recv && p.Op == gateway.OpInvalidSession && string(p.D) == "false":
			next = 3
		case next == 3 && f.Dir == gateway.Send && p.Op == gateway.OpIdentify:
			next = 4
		}
	}
}

// TestDiscordgoRecoversFrom4009 runs the real discordgo through a 4009: it
// tries to resume, is told the session is gone, and identifies again.
func TestDiscordgoRecoversFrom4009(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	testkit.PointDiscordgoAt(t, ts.URL)
	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsGuilds
	readies := make(chan string, 4)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { readies <- r.SessionID })
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	defer dg.Close()
	first := <-readies
	frames, cancel := s.Observe(1024)
	defer cancel()
	if old := timeOut(t, s); old != first {
		t.Fatalf("the connection's session %q is not discordgo's %q", old, first)
	}
	recoversWithIdentify(t, s, frames, first)
	select {
	case again := <-readies:
		if again == first {
			t.Fatal("discordgo's new READY carries the old session")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("discordgo saw no second READY")
	}
}

// TestDiscordPyRecoversFrom4009 does the same with the real discord.py: its
// on_ready runs again for the new session, and nothing raises.
func TestDiscordPyRecoversFrom4009(t *testing.T) {
	needDiscordPy(t)
	s, ts := startSandbox(t, testConfig())
	bot := startPyBot(t, ts.URL)
	bot.waitLine(t, "READY")
	waitFor(t, "discord.py's session", func() bool {
		c := s.Connections()
		return len(c) == 1 && c[0].SessionID != ""
	})
	frames, cancel := s.Observe(1024)
	defer cancel()
	recoversWithIdentify(t, s, frames, timeOut(t, s))
	bot.waitLine(t, "READY")
	bot.checkNoTraceback(t)
}
