package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/sandbox"
)

// TestHelloWalksAreCapped starts walks until the cap: the next start is a
// 503 with a sentence and a Retry-After, and ending a walk makes room.
func TestHelloWalksAreCapped(t *testing.T) {
	p := startPanelServer(t, fixtureCourse(t), func(cfg *Config, base string, sb *sandbox.Server) {
		walks := hello.NewWalks(hello.Config{BaseURL: base, Sandbox: sb, MaxWalks: 2}, time.Minute)
		t.Cleanup(walks.Close)
		cfg.Hello = walks
	})
	token := p.csrfToken(t)
	var first helloStarted
	for i := range 2 {
		status, got := p.helloPost(t, token, "/hello/walks", "")
		if status != http.StatusOK {
			t.Fatalf("walk %d: %d %s", i+1, status, got)
		}
		if i == 0 {
			first = decodeInto[helloStarted](t, got)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/hello/walks", nil)
	req.Header.Set(csrfHeader, token)
	req.Header.Set("Origin", p.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	msg := decodeInto[jsonError](t, string(body)).Error
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(msg, "2 walks are open") || strings.Contains(msg, "hello:") {
		t.Fatalf("a third walk: %d %s (Retry-After %q)", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if p.site.hello.count() != 2 {
		t.Fatalf("%d walks open", p.site.hello.count())
	}
	if status, got := p.helloPost(t, token, "/hello/walks/"+first.Walk+"/end", ""); status != http.StatusOK {
		t.Fatalf("end: %d %s", status, got)
	}
	if status, got := p.helloPost(t, token, "/hello/walks", ""); status != http.StatusOK {
		t.Fatalf("after ending one, a walk starts again: %d %s", status, got)
	}
}
