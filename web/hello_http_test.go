package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/lessons"
)

// newHelloServer is the panel server with the hello-world stepper wired as
// main wires it; idle is the walks' idle timeout.
func newHelloServer(t testing.TB, course *lessons.Course, idle time.Duration) *panelServer {
	t.Helper()
	return startPanelServer(t, course, func(cfg *Config, base string, sb *sandbox.Server) {
		walks := hello.NewWalks(hello.Config{BaseURL: base, Sandbox: sb}, idle)
		t.Cleanup(walks.Close)
		cfg.Hello = walks
	})
}

// helloPost sends a stepper request as the page's script does.
func (p *panelServer) helloPost(t *testing.T, token, path, body string) (int, string) {
	t.Helper()
	header := []string{csrfHeader, token, "Origin", p.ts.URL, "Sec-Fetch-Site", "same-origin"}
	if body != "" {
		header = append(header, "Content-Type", "application/json")
	}
	status, _, got := p.request(t, http.MethodPost, path, body, header...)
	return status, got
}

func decodeInto[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer %q is not the expected JSON: %v", body, err)
	}
	return v
}

func TestHelloRoutesRefuseOtherSitesAndMissingTokens(t *testing.T) {
	p := newHelloServer(t, fixtureCourse(t), 0)
	token := p.csrfToken(t)
	paths := []string{"/hello/walks", "/hello/walks/abc/next", "/hello/walks/abc/back", "/hello/walks/abc/restart", "/hello/walks/abc/end"}
	cases := []struct {
		name   string
		header []string
		says   string
	}{
		{"no token", nil, "X-CSRF-Token"},
		{"wrong token", []string{csrfHeader, strings.Repeat("0", len(token))}, "X-CSRF-Token"},
		{"another origin", []string{csrfHeader, token, "Origin", "http://evil.example"}, "cross-origin"},
		{"another site", []string{csrfHeader, token, "Sec-Fetch-Site", "cross-site"}, "cross-origin"},
	}
	for _, tc := range cases {
		for _, path := range paths {
			status, _, got := p.request(t, http.MethodPost, path, "", tc.header...)
			if status != http.StatusForbidden || !strings.Contains(got, tc.says) {
				t.Errorf("%s: POST %s: %d %q, want 403 saying %q", tc.name, path, status, got, tc.says)
			}
		}
	}
	for _, path := range paths {
		if status, _, _ := p.request(t, http.MethodGet, path, ""); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want the not-found page", path, status)
		}
	}
}

func TestHelloRoutesAnswerJSONErrors(t *testing.T) {
	p := newHelloServer(t, fixtureCourse(t), 0)
	token := p.csrfToken(t)
	for _, action := range []string{"next", "back", "restart", "end"} {
		status, got := p.helloPost(t, token, "/hello/walks/00112233445566778899aabbccddeeff/"+action, "")
		if status != http.StatusNotFound || decodeInto[jsonError](t, got).Error == "" {
			t.Errorf("%s on an unknown walk: %d %q, want 404 with a JSON error", action, status, got)
		}
	}
	for _, body := range []string{`{"without_message_content":"yes"}`, `[1,2]`, `not json`} {
		status, got := p.helloPost(t, token, "/hello/walks", body)
		if status != http.StatusBadRequest || decodeInto[jsonError](t, got).Error == "" {
			t.Errorf("start with %s: %d %q, want 400 with a JSON error", body, status, got)
		}
	}
	status, _, got := p.request(t, http.MethodPost, "/hello/walks", `{}`, csrfHeader, token, "Content-Type", "text/plain")
	if status != http.StatusUnsupportedMediaType {
		t.Errorf("start as text/plain: %d %q, want 415", status, got)
	}
	if hasHelloConn(p.sb) || p.site.hello.count() != 0 {
		t.Errorf("refused requests started a walk")
	}
}

// TestHelloWalkOverHTTP walks the first steps over HTTP and checks that
// each answer names the step, its code lines and its records in the walk's
// own stream, that Back at the start is harmless, and that End closes the
// bot's connection and forgets the walk.
func TestHelloWalkOverHTTP(t *testing.T) {
	p := newHelloServer(t, fixtureCourse(t), 0)
	token := p.csrfToken(t)
	status, got := p.helloPost(t, token, "/hello/walks", "")
	if status != http.StatusOK {
		t.Fatalf("start: %d %q", status, got)
	}
	started := decodeInto[helloStarted](t, got)
	if len(started.Walk) != 32 || !strings.HasPrefix(started.Stream, "hello-") || started.Step.N != 0 {
		t.Fatalf("start answered %+v", started)
	}
	walkURL := "/hello/walks/" + started.Walk
	status, got = p.helloPost(t, token, walkURL+"/back", "")
	if status != http.StatusOK || decodeInto[helloStep](t, got).N != 0 {
		t.Errorf("back at the start: %d %q, want step 0 again", status, got)
	}
	st, ok := p.hub.Stream(started.Stream)
	if !ok {
		t.Fatalf("the walk's stream %q is not in the hub", started.Stream)
	}
	for n := 1; n <= 3; n++ {
		status, got = p.helloPost(t, token, walkURL+"/next", "")
		step := decodeInto[helloStep](t, got)
		if status != http.StatusOK || step.N != n || step.Title == "" || step.Explanation == "" ||
			len(step.CodeLines["python"]) == 0 || len(step.CodeLines["go"]) == 0 || step.Performed != n {
			t.Fatalf("next to step %d: %d %q", n, status, got)
		}
		if n != 2 && len(step.Frames) == 0 {
			t.Errorf("step %d names none of its records", n)
		}
		for _, i := range step.Frames {
			rec, ok := st.Session().Get(i)
			if !ok {
				t.Errorf("step %d names record %d, which its stream does not hold", n, i)
			}
			if n == 3 && !isOp(rec, 10) {
				t.Errorf("step 3 names record %d, %s, not Hello", i, rec.OpName)
			}
		}
	}
	// Back re-shows step 2, Next re-shows step 3 with the same records.
	status, got = p.helloPost(t, token, walkURL+"/back", "")
	if status != http.StatusOK || decodeInto[helloStep](t, got).N != 2 {
		t.Errorf("back from 3: %d %q", status, got)
	}
	status, got = p.helloPost(t, token, walkURL+"/next", "")
	again := decodeInto[helloStep](t, got)
	if status != http.StatusOK || again.N != 3 || again.Performed != 3 || len(again.Frames) == 0 {
		t.Errorf("next after back: %d %q, want step 3 shown again with its records", status, got)
	}
	if !hasHelloConn(p.sb) {
		t.Errorf("after step 3 the walk's bot is not connected to the sandbox")
	}
	status, got = p.helloPost(t, token, walkURL+"/restart", `{"without_message_content":true}`)
	restarted := decodeInto[helloStep](t, got)
	if status != http.StatusOK || restarted.N != 0 || !restarted.WithoutMessageContent {
		t.Errorf("restart without MESSAGE_CONTENT: %d %q", status, got)
	}
	if status, got = p.helloPost(t, token, walkURL+"/end", ""); status != http.StatusOK {
		t.Errorf("end: %d %q", status, got)
	}
	if status, _ = p.helloPost(t, token, walkURL+"/next", ""); status != http.StatusNotFound {
		t.Errorf("next after end: %d, want 404", status)
	}
	waitFor(t, "no walk connection is left", func() bool { return !hasHelloConn(p.sb) })
}

// hasHelloConn reports whether a hello-world bot is connected.
func hasHelloConn(sb *sandbox.Server) bool { return walkConns(sb) > 0 }

// walkConns counts the sandbox's connections that are hello-world bots:
// named so once identified, unnamed before (the panel's own connection
// identifies at once).
func walkConns(sb *sandbox.Server) int {
	n := 0
	for _, c := range sb.Connections() {
		if c.Peer == hello.Peer || c.Peer == "" {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHelloIdleWalkLetsItsStreamGo checks that a tab gone quiet loses its
// walk: the bot's connection closes and the walk's id is unknown.
func TestHelloIdleWalkLetsItsStreamGo(t *testing.T) {
	p := newHelloServer(t, fixtureCourse(t), 300*time.Millisecond)
	token := p.csrfToken(t)
	_, got := p.helloPost(t, token, "/hello/walks", "")
	walk := decodeInto[helloStarted](t, got).Walk
	for range 2 {
		if status, got := p.helloPost(t, token, "/hello/walks/"+walk+"/next", ""); status != http.StatusOK {
			t.Fatalf("next: %d %q", status, got)
		}
	}
	waitFor(t, "the idle walk is closed", func() bool { return !hasHelloConn(p.sb) })
	waitFor(t, "the idle walk is forgotten", func() bool { return p.site.hello.count() == 0 })
	if status, _ := p.helloPost(t, token, "/hello/walks/"+walk+"/back", ""); status != http.StatusNotFound {
		t.Errorf("back on the idle walk: %d, want 404", status)
	}
}

// TestHelloNextTwiceAtOnce sends two Next requests together, as a
// double-click from a page without the script's guard would: the walk
// shows step 1, and step 2 only if the second came after the first was
// done; it never skips a step or performs one it does not show.
func TestHelloNextTwiceAtOnce(t *testing.T) {
	p := newHelloServer(t, fixtureCourse(t), 0)
	token := p.csrfToken(t)
	_, got := p.helloPost(t, token, "/hello/walks", "")
	walk := decodeInto[helloStarted](t, got).Walk
	type answer struct {
		status int
		step   helloStep
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/hello/walks/"+walk+"/next", nil)
			req.Header.Set(csrfHeader, token)
			resp, err := p.ts.Client().Do(req)
			if err != nil {
				answers <- answer{}
				return
			}
			defer resp.Body.Close()
			var step helloStep
			_ = json.NewDecoder(resp.Body).Decode(&step)
			answers <- answer{resp.StatusCode, step}
		}()
	}
	a, b := <-answers, <-answers
	if a.status != http.StatusOK || b.status != http.StatusOK {
		t.Fatalf("two Next at once answered %d and %d", a.status, b.status)
	}
	lo, hi := min(a.step.N, b.step.N), max(a.step.N, b.step.N)
	if lo != 1 || hi > 2 {
		t.Errorf("two Next at once showed steps %d and %d, want 1 and 1 or 1 and 2", lo, hi)
	}
	_, got = p.helloPost(t, token, "/hello/walks/"+walk+"/back", "")
	if performed := decodeInto[helloStep](t, got).Performed; performed != hi {
		t.Errorf("the walk performed %d steps but showed at most step %d", performed, hi)
	}
}
