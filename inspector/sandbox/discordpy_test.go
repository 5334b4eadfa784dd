package sandbox

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
)

// needDiscordPy skips when the Debian python3-discord package is missing,
// except in CI, where its absence is a failure.
func needDiscordPy(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import discord, yarl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("discord.py is required in CI: /usr/bin/python3 -c 'import discord': %v", err)
		}
		t.Skipf("discord.py not available (/usr/bin/python3 with the discord module): %v", err)
	}
}

// TestDiscordPyHelloBot runs testdata/hello_bot.py with the real discord.py
// library: it logs in (REST login, zlib-stream gateway), a member says
// !hello, and the bot's reply lands in the channel.
func TestDiscordPyHelloBot(t *testing.T) {
	needDiscordPy(t)
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(4096)
	defer cancel()

	bot := startPyBot(t, ts.URL)
	line := bot.waitLine(t, "READY")
	if want := "READY " + BotID.String() + " 2"; line != want { // two guilds
		t.Fatalf("bot printed %q, want %q", line, want)
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

	bot.checkNoTraceback(t)
	conns := s.Connections()
	if len(conns) != 1 || conns[0].Peer != "discord.py" || !conns[0].Zlib {
		t.Fatalf("connections = %+v, want one discord.py peer on zlib-stream", conns)
	}
	reconnectAndWaitForResume(t, s) // op 7: discord.py closes with 4000 and resumes
	bot.checkNoTraceback(t)

	// discord.py beats before it identifies; the sandbox must have ACKed it.
	var sawBeatBeforeIdentify bool
	for f := range drain(frames) {
		if f.Dir == gateway.Send && f.Data != nil {
			p, _ := gateway.DecodePayload(f.Data)
			if p.Op == gateway.OpIdentify {
				break
			}
			sawBeatBeforeIdentify = sawBeatBeforeIdentify || p.Op == gateway.OpHeartbeat
		}
	}
	if !sawBeatBeforeIdentify {
		t.Error("no heartbeat from discord.py before Identify was observed")
	}
}

// pyBot is testdata/hello_bot.py running under discord.py.
type pyBot struct {
	lines  chan string
	stderr *lockedBuffer
}

func startPyBot(t *testing.T, baseURL string, args ...string) *pyBot {
	t.Helper()
	return startPyScript(t, "testdata/hello_bot.py", baseURL, args...)
}

// startPyScript runs one of testdata's discord.py bots against baseURL.
func startPyScript(t *testing.T, script, baseURL string, args ...string) *pyBot {
	t.Helper()
	ctx, stop := context.WithTimeout(context.Background(), 90*time.Second)
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", append([]string{script, baseURL, Token}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	bot := &pyBot{lines: make(chan string, 1024), stderr: &lockedBuffer{}}
	cmd.Stderr = bot.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		stop()
	})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case bot.lines <- sc.Text():
			default: // the test stopped listening
			}
		}
		close(bot.lines)
	}()
	return bot
}

// waitLine returns the first printed line starting with prefix.
func (b *pyBot) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	for line := range b.lines {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	t.Fatalf("the bot exited before printing %s; stderr:\n%s", prefix, b.stderr.String())
	return ""
}

func (b *pyBot) checkNoTraceback(t *testing.T) {
	t.Helper()
	if strings.Contains(b.stderr.String(), "Traceback") {
		t.Fatalf("discord.py raised while handling the sandbox's payloads:\n%s", b.stderr.String())
	}
}

// TestDiscordPyFollowsTheLivingWorld lets discord.py, with every intent,
// parse the scripted activity (typing, presences, joins, leaves, messages)
// and checks it understood the joins and raised nothing.
func TestDiscordPyFollowsTheLivingWorld(t *testing.T) {
	needDiscordPy(t)
	cfg := testConfig()
	cfg.Activity, cfg.ActivityEvery = true, 40*time.Millisecond
	s, ts := startSandbox(t, cfg)
	bot := startPyBot(t, ts.URL, "all")
	bot.waitLine(t, "READY")
	bot.waitLine(t, "JOIN")
	bot.waitLine(t, "LEAVE")
	waitFor(t, "more scripted activity", func() bool { return s.activityEvents.Load() >= 40 })
	bot.checkNoTraceback(t)
	if len(s.Connections()) != 1 {
		t.Fatalf("discord.py disconnected: %+v\n%s", s.Connections(), bot.stderr.String())
	}
}

// lockedBuffer collects a child's stderr while the test may read it.
type lockedBuffer = testkit.Buffer

// drain returns what is buffered in frames without waiting for more.
func drain(frames <-chan gateway.WireFrame) <-chan gateway.WireFrame {
	out := make(chan gateway.WireFrame, len(frames))
	for {
		select {
		case f := <-frames:
			out <- f
		default:
			close(out)
			return out
		}
	}
}
