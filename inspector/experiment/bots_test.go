package experiment

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// botStream waits for a discordgo bot's stream to be logged in.
func botStream(t *testing.T, w *world) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range w.hub.Streams() {
			if s.Kind == live.KindSandboxBot && s.State.Kind == live.StateIdentified && strings.Contains(s.Label, "DiscordGo") {
				return s.ID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no discordgo stream: %+v", w.hub.Streams())
	return ""
}

// TestExperimentsOnALearnersBot aims experiments at a real discordgo bot on
// the sandbox: it follows the bot onto the connection it resumes on, refuses
// what cannot be done to someone else's bot, and says so when the bot left.
func TestExperimentsOnALearnersBot(t *testing.T) {
	w := newWorld(t)
	testkit.PointDiscordgoAt(t, w.ts.URL)
	dg, err := discordgo.New("Bot " + sandbox.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsAll
	if err := dg.Open(); err != nil {
		t.Fatal(err)
	}
	defer dg.Close()
	stream := botStream(t, w)

	for _, name := range []string{"reconnect", "zombie"} {
		res, err := w.eng.Run(context.Background(), name, stream)
		if err != nil {
			t.Fatalf("%s on the bot: %v; steps: %s", name, err, res.Summary)
		}
		if !strings.Contains(res.Target, "DiscordGo") {
			t.Fatalf("the result does not name the bot: %q", res.Target)
		}
		last := res.Steps[len(res.Steps)-1]
		// discordgo resumes after op 7; after a zombie it closes with 1000,
		// which ends its session, so its Resume gets op 9 and it identifies
		// afresh on that connection: both ways back are followed to the end.
		if !strings.Contains(last.Text, "RESUMED") && !strings.Contains(last.Text, "READY") {
			t.Fatalf("%s: the bot's way back was not followed: %+v", name, res.Steps)
		}
		stream = botStream(t, w)
	}
	if _, err := w.eng.Run(context.Background(), "message-content-off", stream); err == nil || !strings.Contains(err.Error(), "inspector's own connection only") {
		t.Fatalf("an inspector-only experiment on a bot: %v", err)
	}
	_ = dg.Close()
	deadline := time.Now().Add(10 * time.Second)
	for len(w.sb.Connections()) > 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := w.eng.Run(context.Background(), "reconnect", stream); err == nil || !strings.Contains(err.Error(), "no longer logged in") {
		t.Fatalf("a bot that left: %v", err)
	}
}
