package proxy

import (
	"bufio"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
)

// TestDiscordgoThroughTheProxy runs the lesson's discordgo bot through the
// proxy into the sandbox: it logs in, answers !hello, and resumes through
// the proxy after an op 7.
func TestDiscordgoThroughTheProxy(t *testing.T) {
	s, front, k := setup(t)
	testkit.PointDiscordgoAt(t, front.URL)
	dg, err := discordgo.New("Bot " + sandbox.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent
	dg.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author.ID != s.State.User.ID && m.Content == "!hello" {
			_, _ = s.ChannelMessageSend(m.ChannelID, "Hello, "+m.Author.Username+"!")
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatalf("discordgo could not log in through the proxy: %v", err)
	}
	defer dg.Close()
	if _, err := s.Post(sandbox.BotCommandsID, sandbox.DefaultMemberID, "!hello"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply in the sandbox", func() bool { return botSaid(s, "Hello, ada!") })
	assertBotSeen(t, k, front)

	conns := s.Connections()
	if len(conns) != 1 || !strings.HasPrefix(conns[0].Peer, "DiscordGo") {
		t.Fatalf("sandbox connections = %+v", conns)
	}
	if err := s.Reconnect(conns[0].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a RESUMED through the proxy's resume address", func() bool {
		_, ok := k.find(dispatch("RESUMED"))
		return ok
	})
	if _, ok := k.find(sent(gateway.OpResume)); !ok {
		t.Fatal("no Resume in the sink")
	}
}

// TestDiscordPyThroughTheProxy runs the sandbox's discord.py hello bot
// (zlib-stream, so the proxy must re-compress after rewriting READY)
// through the proxy.
func TestDiscordPyThroughTheProxy(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import discord, yarl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("discord.py is required in CI: %v", err)
		}
		t.Skipf("discord.py not available: %v", err)
	}
	s, front, k := setup(t)
	lines, stderr := startPyBot(t, front)
	waitLine(t, lines, stderr, "READY")
	conns := s.Connections()
	if len(conns) != 1 || conns[0].Peer != "discord.py" {
		t.Fatalf("sandbox connections = %+v", conns)
	}
	if _, err := s.Post(sandbox.BotCommandsID, sandbox.DefaultMemberID, "!hello"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply in the sandbox", func() bool { return botSaid(s, "Hello, ada!") })
	assertBotSeen(t, k, front)
	if strings.Contains(stderr.String(), "Traceback") {
		t.Fatalf("discord.py raised:\n%s", stderr.String())
	}
}

func startPyBot(t *testing.T, front *httptest.Server) (<-chan string, *lockedBuffer) {
	t.Helper()
	ctx, stop := context.WithTimeout(context.Background(), 90*time.Second)
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "../sandbox/testdata/hello_bot.py", front.URL, sandbox.Token)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		stop()
	})
	return lines, stderr
}

func waitLine(t *testing.T, lines <-chan string, stderr *lockedBuffer, prefix string) {
	t.Helper()
	for line := range lines {
		if strings.HasPrefix(line, prefix) {
			return
		}
	}
	t.Fatalf("the bot exited before printing %s", prefix)
}

// lockedBuffer collects a child's stderr while the test may read it.
type lockedBuffer = testkit.Buffer
