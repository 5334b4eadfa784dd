package sandbox

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
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

	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "testdata/hello_bot.py", ts.URL, Token)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY") {
				ready <- sc.Text()
			}
		}
		close(ready)
	}()
	line, ok := <-ready
	if !ok {
		t.Fatalf("the bot exited before READY; stderr:\n%s", stderr.String())
	}
	if want := "READY " + BotID.String() + " 1"; line != want {
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

	if strings.Contains(stderr.String(), "Traceback") {
		t.Fatalf("discord.py raised while handling the sandbox's payloads:\n%s", stderr.String())
	}
	conns := s.Connections()
	if len(conns) != 1 || conns[0].Peer != "discord.py" || !conns[0].Zlib {
		t.Fatalf("connections = %+v, want one discord.py peer on zlib-stream", conns)
	}
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

// lockedBuffer collects a child's stderr while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

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
