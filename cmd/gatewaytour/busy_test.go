package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector/sandbox"
)

// lockedBuffer collects a command's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveCourse runs the course on a free loopback port until the test ends
// and returns its address (host:port) and start-up output.
func serveCourse(t *testing.T) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	exit := make(chan int, 1)
	go func() { exit <- serve(ctx, []string{"-addr", "127.0.0.1:0", "-quiet"}, out, errs) }()
	t.Cleanup(func() {
		cancel()
		<-exit
	})
	pattern := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	end := time.Now().Add(30 * time.Second)
	for {
		if m := pattern.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "discord.js") {
			return m[1], out
		}
		if time.Now().After(end) {
			t.Fatalf("the course printed no address; stderr: %s", errs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeStartUpLinesTellHowToJoin(t *testing.T) {
	addr, out := serveCourse(t)
	base := "http://" + addr
	for _, want := range []string{
		base + "/api/v10",
		"ws://" + addr + "/gateway",
		sandbox.Token,
		"discord.py", "discordgo", "discord.js",
		`rest: { api: "` + base + `/api" }`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the start-up lines lack %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "sandbox -h") {
		t.Error("the start-up lines still send the reader to sandbox -h")
	}
}

func TestSandboxOnTheCoursePortSaysSo(t *testing.T) {
	addr, _ := serveCourse(t)
	var out, errs strings.Builder
	code := runSandbox([]string{"-addr", addr}, &out, &errs)
	if code == 0 {
		t.Fatal("a second sandbox on the course's port exited 0")
	}
	msg := errs.String()
	for _, want := range []string{
		addr + " is already in use by the course: gatewaytour already serves a sandbox there",
		"http://" + addr + "/api/v10", sandbox.Token, "discord.js",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "bind:") {
		t.Errorf("the message shows the raw error: %s", msg)
	}
}

func TestSandboxOnAPortHeldByAnotherProgram(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	addr := strings.TrimPrefix(other.URL, "http://")
	var out, errs strings.Builder
	if code := runSandbox([]string{"-addr", addr}, &out, &errs); code == 0 {
		t.Fatal("listening on a busy port exited 0")
	}
	want := addr + " is already in use by another program: pick another port with -addr 127.0.0.1:PORT."
	if !strings.Contains(errs.String(), want) || strings.Contains(errs.String(), sandbox.Token) {
		t.Errorf("message %q, want %q and no recipe", errs.String(), want)
	}
	// A port held by a standalone sandbox is named as one.
	sb := sandbox.New(sandbox.Config{})
	defer sb.Close()
	alone := httptest.NewServer(sb.Handler())
	defer alone.Close()
	addr = strings.TrimPrefix(alone.URL, "http://")
	errs.Reset()
	runSandbox([]string{"-addr", addr}, &out, &errs)
	if !strings.Contains(errs.String(), "already in use by another gatewaytour sandbox") {
		t.Errorf("a standalone sandbox's port: %q", errs.String())
	}
	if _, err := net.Dial("tcp", addr); err != nil {
		t.Errorf("the probe broke the sandbox it found: %v", err)
	}
}
