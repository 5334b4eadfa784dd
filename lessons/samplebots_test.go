package lessons

import (
	"bufio"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// lessonAddress is how the lessons write the sandbox's address; the tests
// put their own sandbox's address in its place.
const lessonAddress = "127.0.0.1:8080"

// exchange is a command a lesson's bot answers: when its code matches
// trigger, ada (the sandbox's default member) says say in channel, and the
// bot must reply with reply.
type exchange struct {
	trigger *regexp.Regexp
	say     string
	reply   string
	channel gateway.Snowflake
}

var exchanges = []exchange{
	{regexp.MustCompile(`"!ping"`), "!ping", "pong", sandbox.GeneralChannelID},
	{regexp.MustCompile(`"!hello"|command_prefix="!"[\s\S]*def hello\(`), "!hello", "Hello, ada!", sandbox.BotCommandsID},
}

// runLine is the line before which a redirect goes: where the bot connects.
var runLine = map[string]*regexp.Regexp{
	"python": regexp.MustCompile(`^\s*(bot|client)\.run\(`),
	"go":     regexp.MustCompile(`^\s*if err := dg\.Open\(\); err != nil`),
}

// pointAtSandbox turns a lesson bot into one that talks to addr: a bot
// without its own redirect gets the course's redirect lines inserted where
// it connects (what the lessons tell the reader to do), and the lessons'
// placeholder address becomes the test sandbox's. It refuses a program that
// would still reach anything else.
func pointAtSandbox(t *testing.T, bot sample, samples []sample, addr string) string {
	t.Helper()
	code := bot.Code
	if marker := redirectMarkers[bot.Lang]; marker != "" && !strings.Contains(code, marker) {
		redirect := redirectFor(t, samples, bot.Lang).Code
		lines := strings.Split(code, "\n")
		inserted := false
		for i, line := range lines {
			if runLine[bot.Lang].MatchString(line) {
				indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
				var block []string
				for _, r := range strings.Split(strings.TrimRight(redirect, "\n"), "\n") {
					block = append(block, indent+r)
				}
				lines = append(lines[:i], append(block, lines[i:]...)...)
				inserted = true
				break
			}
		}
		if !inserted {
			t.Fatalf("%s: found no line where the bot connects (%s) to put the redirect before", bot.where(), runLine[bot.Lang])
		}
		code = strings.Join(lines, "\n")
	}
	code = strings.ReplaceAll(code, lessonAddress, addr)
	if !strings.Contains(code, addr) || strings.Contains(code, "discord.com") || strings.Contains(code, "discord.gg") {
		t.Fatalf("%s: after pointing it at the sandbox the program would still reach something else; refusing to run it:\n%s", bot.where(), code)
	}
	return code
}

// TestLessonBotsRunAgainstTheSandbox starts every bot of the course, with
// its real library, against an in-process sandbox: it must log in, print
// what the lesson says it prints, and answer its command.
func TestLessonBotsRunAgainstTheSandbox(t *testing.T) {
	samples := courseSamples(t)
	for _, bot := range samples {
		if bot.Kind != kindBot {
			continue
		}
		t.Run(strings.TrimPrefix(bot.where(), "lessons/"), func(t *testing.T) {
			runLessonBot(t, bot, samples)
		})
	}
}

func runLessonBot(t *testing.T, bot sample, samples []sample) {
	s := sandbox.New(sandbox.Config{ServerHeartbeatEvery: -1}) // the real 41.25 s interval: no beat is due during a test
	ts := httptest.NewServer(s.Handler())
	defer func() {
		s.Close()
		ts.Close()
	}()
	code := pointAtSandbox(t, bot, samples, ts.Listener.Addr().String())
	cmd := programCommand(t, bot.Lang, code)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "DISCORD_TOKEN="+sandbox.Token, "SANDBOX_TOKEN="+sandbox.Token, "PYTHONUNBUFFERED=1")
	out := startLogged(t, cmd)
	defer out.stop(t, cmd)

	waitUntil(t, out, "the bot to identify with the sandbox", func() bool {
		for _, c := range s.Connections() {
			if c.SessionID != "" {
				return true
			}
		}
		return false
	})
	if strings.Contains(bot.Code, "Logged in as") {
		want := "Logged in as Tour Bot"
		waitUntil(t, out, "the bot to print "+want, func() bool { return strings.Contains(out.String(), want) })
	}
	answered := 0
	for _, ex := range exchanges {
		if !ex.trigger.MatchString(bot.Code) {
			continue
		}
		answered++
		if _, err := s.Post(ex.channel, sandbox.DefaultMemberID, ex.say); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, out, "the bot to answer "+ex.say+" with "+ex.reply, func() bool {
			for _, m := range s.Messages(ex.channel) {
				if m.Author.ID == sandbox.BotID && m.Content == ex.reply {
					return true
				}
			}
			return false
		})
	}
	answered += runSlashExchanges(t, bot, out, ts.URL)
	if answered == 0 && !strings.Contains(bot.Code, "Logged in as") {
		t.Errorf("%s: the bot neither prints that it logged in nor answers a command the tests know, so nothing checks what it does", bot.where())
	}
	if strings.Contains(out.String(), "Traceback") || strings.Contains(out.String(), "panic:") {
		t.Errorf("%s: the bot failed while running:\n%s", bot.where(), out.String())
	}
}

// logged is a running program's combined output.
type logged struct {
	mu   sync.Mutex
	buf  strings.Builder
	done chan struct{}
}

func (l *logged) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startLogged(t *testing.T, cmd *exec.Cmd) *logged {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	l := &logged{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l.mu.Lock()
			l.buf.WriteString(sc.Text() + "\n")
			l.mu.Unlock()
		}
		r.Close()
	}()
	return l
}

// stop asks the program to end the way its lesson does (Ctrl-C), then
// makes sure it has.
func (l *logged) stop(t *testing.T, cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGINT)
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
	<-l.done
	if t.Failed() {
		t.Logf("the program's output:\n%s", l.String())
	}
}

// waitUntil polls cond for up to a minute; bots on a loaded machine are slow
// to start, but one that never gets there fails with its output.
func waitUntil(t *testing.T, out *logged, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; the program printed:\n%s", what, out.String())
		}
		select {
		case <-out.done:
			if !cond() {
				t.Fatalf("the program exited before %s; it printed:\n%s", what, out.String())
			}
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
