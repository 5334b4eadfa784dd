package sandbox

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
)

// TestDiscordgoHelloBot runs the hello-world bot of the lessons with the
// real discordgo library: it logs in, a member says !hello, the bot answers.
func TestDiscordgoHelloBot(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	testkit.PointDiscordgoAt(t, ts.URL)

	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent
	ready := make(chan *discordgo.Ready, 1)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.ID == s.State.User.ID {
			return
		}
		if m.Content == "!hello" {
			_, _ = s.ChannelMessageSend(m.ChannelID, "Hello, "+m.Author.Username+"!")
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatalf("discordgo could not open a session: %v", err)
	}
	defer dg.Close()
	r := <-ready
	if r.User.ID != BotID.String() || r.SessionID == "" {
		t.Fatalf("READY as discordgo saw it: user %q session %q", r.User.ID, r.SessionID)
	}

	if _, err := s.Post(BotCommandsID, DefaultMemberID, "!hello"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bot's reply", func() bool {
		for _, m := range s.Messages(BotCommandsID) {
			if m.Author.ID == BotID && m.Content == "Hello, ada!" {
				return true
			}
		}
		return false
	})
	reconnectAndWaitForResume(t, s) // op 7: discordgo closes with 1012 and resumes
	conns := s.Connections()
	if len(conns) != 1 || !strings.HasPrefix(conns[0].Peer, "DiscordGo") {
		t.Fatalf("connections = %+v, want one DiscordGo peer", conns)
	}
	if want := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent; conns[0].Intents != want {
		t.Fatalf("intents = %v, want %v", conns[0].Intents, want)
	}
}

// discordgoErrors receives what discordgo logs at error level while a test
// captures it. discordgo.Logger is a package variable its goroutines read
// at any time, even after Session.Close returns, so it is set once, before
// any test runs, and never written again: tests swap the sink under a lock.
var discordgoErrors struct {
	mu   sync.Mutex
	sink *lockedBuffer
}

func init() {
	discordgo.Logger = func(level, _ int, format string, a ...any) {
		if level > discordgo.LogError {
			return
		}
		discordgoErrors.mu.Lock()
		defer discordgoErrors.mu.Unlock()
		if discordgoErrors.sink != nil {
			fmt.Fprintf(discordgoErrors.sink, format+"\n", a...)
		}
	}
}

// captureDiscordgoErrors collects discordgo's errors until the test ends.
func captureDiscordgoErrors(t *testing.T) *lockedBuffer {
	buf := &lockedBuffer{}
	discordgoErrors.mu.Lock()
	discordgoErrors.sink = buf
	discordgoErrors.mu.Unlock()
	t.Cleanup(func() {
		discordgoErrors.mu.Lock()
		discordgoErrors.sink = nil
		discordgoErrors.mu.Unlock()
	})
	return buf
}

// TestDiscordgoFollowsTheLivingWorld lets discordgo, with every intent,
// unmarshal the scripted activity and checks each kind of event arrived and
// nothing failed to decode.
func TestDiscordgoFollowsTheLivingWorld(t *testing.T) {
	cfg := testConfig()
	cfg.Activity, cfg.ActivityEvery = true, 30*time.Millisecond
	s, ts := startSandbox(t, cfg)
	testkit.PointDiscordgoAt(t, ts.URL)
	logged := captureDiscordgoErrors(t)

	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.SyncEvents = true // discordgo updates a presence in its state while an async handler reads it: a race in the library, not here
	dg.Identify.Intents = discordgo.IntentsAll
	var joins, leaves, presences, typing, messages atomic.Int64
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberAdd) {
		if e.User != nil && e.GuildID == GuildID.String() {
			joins.Add(1)
		}
	})
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.GuildMemberRemove) { leaves.Add(1) })
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.PresenceUpdate) {
		if e.User != nil && e.User.ID != "" {
			presences.Add(1)
		}
	})
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.TypingStart) { typing.Add(1) })
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) {
		if !e.Timestamp.IsZero() {
			messages.Add(1)
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	defer dg.Close()
	waitFor(t, "every kind of scripted event", func() bool {
		return joins.Load() > 0 && leaves.Load() > 0 && presences.Load() > 0 && typing.Load() > 0 && messages.Load() > 0
	})
	if logged.String() != "" {
		t.Fatalf("discordgo logged errors:\n%s", logged.String())
	}
	if len(s.Connections()) != 1 {
		t.Fatalf("discordgo disconnected: %+v", s.Connections())
	}
}
