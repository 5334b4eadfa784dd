package web

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"gatewaytour/lessons"
)

func get(t *testing.T, client *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp, string(body)
}

// noRedirects lets a test look at a redirect instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

func TestRoutes(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	tests := []struct {
		path        string
		status      int
		contentType string
		contains    []string
	}{
		{"/lessons/first", 200, "text/html; charset=utf-8", []string{
			"<title>First steps · gatewaytour</title>", "Lesson 1 of 3", `id="the-envelope"`,
			`class="term"`, `aria-current="page"`, `rel="next" href="/lessons/second"`,
			`<meta name="csrf-token" content="`, `id="mark-done"`, `data-lesson="first"`,
		}},
		{"/lessons/second", 200, "text/html; charset=utf-8", []string{
			"Second &lt;look&gt;", "The middle &amp; more.", `rel="prev" href="/lessons/first"`,
			`rel="next" href="/lessons/third"`,
		}},
		{"/lessons/third", 200, "text/html; charset=utf-8", []string{"Lesson 3 of 3", `rel="prev"`}},
		{"/search.json", 200, "application/json", []string{`"slug":"first"`}},
		{"/healthz", 200, "text/plain; charset=utf-8", []string{"ok"}},
		{"/static/app.css", 200, "text/css; charset=utf-8", []string{"--measure"}},
		{"/static/app.js", 200, "text/javascript; charset=utf-8", []string{"ArrowRight"}},
		{"/static/search.js", 200, "text/javascript; charset=utf-8", []string{"/search.json"}},
		{"/static/theme.js", 200, "text/javascript; charset=utf-8", []string{"data", "theme"}},
		{"/static/favicon.svg", 200, "image/svg+xml", []string{"<svg"}},
		{"/static/highlight.css", 200, "text/css; charset=utf-8", []string{lessons.HighlightCSS()}},
		{"/static/static.go", 404, "", nil},
		{"/static/nothing.css", 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, ts.Client(), ts.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.contentType != "" && resp.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tt.contentType)
			}
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
		})
	}
}

func TestLessonEndsHaveOnlyOneNeighbour(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	_, first := get(t, ts.Client(), ts.URL+"/lessons/first")
	if strings.Contains(first, `rel="prev"`) {
		t.Error("the first lesson links to a previous lesson")
	}
	_, last := get(t, ts.Client(), ts.URL+"/lessons/third")
	if strings.Contains(last, `rel="next"`) {
		t.Error("the last lesson links to a next lesson")
	}
}

func TestStartRedirectsToFirstLesson(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	resp, _ := get(t, noRedirects, ts.URL+"/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Location"), "/lessons/first?from=start"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	// Followed, it lands on the first lesson.
	resp, body := get(t, ts.Client(), ts.URL+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<h1>First steps</h1>") {
		t.Errorf("following / gave %d without the first lesson", resp.StatusCode)
	}
}

func TestUnknownPagesAreNotFoundWithContents(t *testing.T) {
	course := fixtureCourse(t)
	_, ts := newTestServer(t, course)
	for _, path := range []string{"/lessons/nope", "/lessons/", "/elsewhere", "/lessons/first/extra"} {
		t.Run(path, func(t *testing.T) {
			resp, body := get(t, ts.Client(), ts.URL+path)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !strings.Contains(body, "There is no such page") {
				t.Error("the page does not say it was not found")
			}
			for _, l := range course.Lessons {
				if !strings.Contains(body, `href="/lessons/`+l.Slug+`"`) {
					t.Errorf("the contents lack a link to %q", l.Slug)
				}
			}
			if !strings.Contains(body, "Where the tour starts.") {
				t.Error("the contents lack the lesson summaries")
			}
		})
	}
}

func TestSearchIndexListsEveryLesson(t *testing.T) {
	course := fixtureCourse(t)
	_, ts := newTestServer(t, course)
	resp, body := get(t, ts.Client(), ts.URL+"/search.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	var index []struct {
		Slug     string `json:"slug"`
		Title    string `json:"title"`
		Headings []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"headings"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &index); err != nil {
		t.Fatalf("search.json is not the index: %v", err)
	}
	var got, want []string
	for _, e := range index {
		got = append(got, e.Slug)
	}
	for _, l := range course.Lessons {
		want = append(want, l.Slug)
	}
	if !slices.Equal(got, want) {
		t.Errorf("index slugs = %v, want %v", got, want)
	}
	if len(index) > 0 && (len(index[0].Headings) == 0 || !strings.Contains(index[0].Text, "quokka")) {
		t.Errorf("the first entry lacks headings or text: %+v", index[0])
	}
}

func TestHeadServesHeadersWithoutBody(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	resp, err := ts.Client().Head(ts.URL + "/lessons/first")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength <= 0 {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
}

func TestNewRefusesAnEmptyCourse(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a course succeeded")
	}
	if _, err := New(Config{Course: &lessons.Course{}}); err == nil {
		t.Error("New with no lessons succeeded")
	}
}

func TestProductNameIsConfigurable(t *testing.T) {
	site, err := New(Config{Course: fixtureCourse(t), Product: "Bot School"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(site.pages["first"]), "<title>First steps · Bot School</title>") {
		t.Error("the product name is not in the title")
	}
}

func TestEveryRealLessonRenders(t *testing.T) {
	course, err := lessons.Load()
	if err != nil {
		t.Fatalf("lessons.Load: %v", err)
	}
	ts := newPanelServer(t, course).ts
	for _, l := range course.Lessons {
		resp, body := get(t, ts.Client(), ts.URL+"/lessons/"+l.Slug)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", l.Slug, resp.StatusCode)
			continue
		}
		if !strings.Contains(body, `data-lesson="`+l.Slug+`"`) || !strings.Contains(body, `<aside id="panel"`) {
			t.Errorf("%s: the page lacks the lesson marker or the panel", l.Slug)
		}
	}
}
