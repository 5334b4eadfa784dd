package lessons

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// The checkable convention behind "every watch-for is backed": in a lesson's
// "Watch for it in the panel" section, every frame link and every **bold**
// span that names a frame (an "op N", a dispatch event name, a 4xxx close
// code) is a claim that the reader can see that frame. A claim is backed
// when the live sandbox produces the frame by itself for a bot that merely
// logs in (observed below, not listed by hand), or when an ```experiment
// block in the same lesson lists it among what it produces (the experiment
// package's own test checks that each experiment really does).

var (
	boldSpan      = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	frameLinkSpec = regexp.MustCompile(`\]\(frame:([^)]+)\)`)
	opMention     = regexp.MustCompile(`\bop (\d+)\b`)
	closeMention  = regexp.MustCompile(`\b(4\d{3})\b`)
	eventMention  = regexp.MustCompile(`\b[A-Z][A-Z_]{3,}\b`)
	experimentUse = regexp.MustCompile("(?m)^```experiment\\n([a-z-]+)")
)

// watchForClaims lists the frames a lesson's watch-for section names, in
// the experiment catalogue's terms ("op=7", "t=RESUMED", "close=4014").
func watchForClaims(src string) []string {
	_, section, ok := strings.Cut(src, "\n## Watch for it in the panel\n")
	if !ok {
		return nil
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var out []string
	for _, m := range frameLinkSpec.FindAllStringSubmatch(section, -1) {
		out = append(out, strings.Split(m[1], "&")...)
	}
	for _, m := range boldSpan.FindAllStringSubmatch(section, -1) {
		span := m[1]
		for _, op := range opMention.FindAllStringSubmatch(span, -1) {
			out = append(out, "op="+op[1])
		}
		for _, code := range closeMention.FindAllStringSubmatch(span, -1) {
			out = append(out, "close="+code[1])
		}
		for _, name := range eventMention.FindAllString(span, -1) {
			if _, known := gateway.LookupEvent(name); known {
				out = append(out, "t="+name)
			}
		}
	}
	return out
}

func TestWatchForClaimsAreRead(t *testing.T) {
	src := "intro **op 9** outside\n## Watch for it in the panel\nSee [Hello](frame:op=10), then **op 6 Resume**, **RESUMED** and a close with **4014**; **bold words** are not frames.\n## Next\n**op 7**"
	got := watchForClaims(src)
	want := []string{"op=10", "op=6", "t=RESUMED", "close=4014"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("claims = %v, want %v", got, want)
	}
}

// routineFrames logs a client in to a live sandbox with a short heartbeat and
// has a member post, and lists what it saw in the catalogue's terms.
func routineFrames(t *testing.T) map[string]bool {
	t.Helper()
	sb := sandbox.New(sandbox.Config{HeartbeatInterval: 600 * time.Millisecond, ServerHeartbeatEvery: -1})
	ts := httptest.NewServer(sb.Handler())
	defer func() {
		sb.Close()
		ts.Close()
	}()
	var mu sync.Mutex
	seen := map[string]bool{}
	cl, err := client.New(client.Config{RESTBase: ts.URL + "/api/v10", Token: sandbox.Token, Intents: gateway.AllIntents, Sink: func(f gateway.WireFrame) {
		p, err := gateway.DecodePayload(f.Data)
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		seen[fmt.Sprintf("op=%d", p.Op)] = true
		if p.T != nil {
			seen["t="+*p.T] = true
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = cl.Run(ctx) }()
	defer func() { cancel(); <-done }()
	has := func(keys ...string) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			if !seen[k] {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(15 * time.Second)
	for !has("t=GUILD_CREATE") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Post(ts.URL+"/sandbox/messages", "application/json", strings.NewReader(`{"content":"a routine message"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for !has("op=1", "op=11", "t=MESSAGE_CREATE") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	out := map[string]bool{}
	for k := range seen {
		out[k] = true
	}
	return out
}

func TestEveryWatchForIsBacked(t *testing.T) {
	routine := routineFrames(t)
	for _, must := range []string{"op=10", "op=2", "op=1", "op=11", "op=0", "t=READY", "t=GUILD_CREATE", "t=MESSAGE_CREATE"} {
		if !routine[must] {
			t.Fatalf("a bot logging in to the sandbox did not see %s; it saw %v", must, routine)
		}
	}
	names, err := fs.Glob(embedded, "[0-9]*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		raw, _ := fs.ReadFile(embedded, name)
		src := string(raw)
		backed := map[string][]string{}
		for _, m := range experimentUse.FindAllStringSubmatch(src, -1) {
			spec, _ := experiment.Lookup(m[1])
			for _, p := range spec.Produces {
				backed[p] = append(backed[p], spec.Name)
			}
		}
		for _, claim := range watchForClaims(src) {
			if !routine[claim] && len(backed[claim]) == 0 {
				t.Errorf("lessons/%s tells the reader to watch for %s, but no frame link or experiment in the lesson produces it in the sandbox", name, claim)
			}
		}
	}
}

func TestEveryExperimentIsInALesson(t *testing.T) {
	used := map[string]bool{}
	names, _ := fs.Glob(embedded, "[0-9]*.md")
	for _, name := range names {
		raw, _ := fs.ReadFile(embedded, name)
		for _, m := range experimentUse.FindAllStringSubmatch(string(raw), -1) {
			used[m[1]] = true
		}
	}
	var missing []string
	for _, n := range experiment.Names() {
		if !used[n] {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("experiments no lesson offers: %v", missing)
	}
}

func TestExperimentBlockRendersAButtonAndItsPromise(t *testing.T) {
	fsys := fstest.MapFS{
		"glossary.md": {Data: []byte("")},
		"01-one.md":   {Data: []byte("---\ntitle: One\norder: 10\nsummary: s\n---\n# One\n\n```experiment\ndisallowed-intents\nportal\n```\n")},
	}
	c, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	body := string(c.Lessons[0].HTML)
	spec, _ := experiment.Lookup("disallowed-intents")
	for _, want := range []string{`data-experiment="disallowed-intents"`, `<button type="button" class="button experiment-run">`, spec.Title, `data-portal="message_content"`, `class="experiment-steps"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("rendered experiment lacks %q:\n%s", want, body)
		}
	}
	for _, bad := range []string{"no-such-experiment", "zombie\nloud"} {
		fsys["01-one.md"] = &fstest.MapFile{Data: []byte("---\ntitle: One\norder: 10\nsummary: s\n---\n# One\n\n```experiment\n" + bad + "\n```\n")}
		if _, err := LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "experiment") {
			t.Fatalf("%q: load error %v", bad, err)
		}
	}
}
