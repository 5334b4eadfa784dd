package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"gatewaytour/inspector"
)

// request sends one request to the panel server and returns the status,
// the Content-Type and the body.
func (p *panelServer) request(t *testing.T, method, path, body string, header ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, p.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := p.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestPanelReadsRefuseOtherSites(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	for _, path := range []string{"/panel/streams", "/panel/events", "/panel/export", "/panel/frame?index=0"} {
		for _, h := range [][]string{
			{"Origin", "http://evil.example"},
			{"Origin", "null"},
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"}, // another port on 127.0.0.1
		} {
			status, _, body := p.request(t, http.MethodGet, path, "", h...)
			if status != http.StatusForbidden || !strings.Contains(body, "cross-origin") {
				t.Errorf("GET %s with %s: %s: status %d %q, want 403", path, h[0], h[1], status, body)
			}
		}
	}
	status, ctype, body := p.request(t, http.MethodGet, "/panel/streams", "", "Origin", p.ts.URL, "Sec-Fetch-Site", "same-origin")
	if status != http.StatusOK || ctype != "application/json" || !strings.Contains(body, `"streams"`) {
		t.Errorf("same-origin GET /panel/streams: %d %q %q", status, ctype, body)
	}
}

func TestPanelWritesNeedTheCSRFToken(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	token := p.csrfToken(t)
	const body = `{"mode":"sandbox"}`
	cases := []struct {
		name   string
		header []string
		status int
		says   string
	}{
		{"no token", []string{"Content-Type", "application/json"}, 403, "X-CSRF-Token"},
		{"wrong token", []string{"Content-Type", "application/json", csrfHeader, strings.Repeat("0", len(token))}, 403, "X-CSRF-Token"},
		{"token but another origin", []string{"Content-Type", "application/json", csrfHeader, token, "Origin", "http://evil.example"}, 403, "cross-origin"},
		{"token but another site", []string{"Content-Type", "application/json", csrfHeader, token, "Sec-Fetch-Site", "cross-site"}, 403, "cross-origin"},
		{"a form's content type", []string{"Content-Type", "text/plain", csrfHeader, token}, 415, "application/json"},
	}
	for _, tc := range cases {
		for _, path := range []string{"/panel/connect", "/panel/disconnect", "/panel/recording"} {
			if tc.name == "a form's content type" && path != "/panel/connect" {
				continue
			}
			status, _, got := p.request(t, http.MethodPost, path, body, tc.header...)
			if status != tc.status || !strings.Contains(got, tc.says) {
				t.Errorf("%s: POST %s: %d %q, want %d mentioning %q", tc.name, path, status, got, tc.status, tc.says)
			}
		}
	}
	status, ctype, got := p.request(t, http.MethodPost, "/panel/connect", body, "Content-Type", "application/json", csrfHeader, token, "Origin", p.ts.URL)
	if status != http.StatusOK || ctype != "application/json" || !strings.Contains(got, `"stream":"inspector"`) {
		t.Errorf("a proper connect: %d %q %q", status, ctype, got)
	}
}

func TestPanelConnectExplainsBadInput(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	token := p.csrfToken(t)
	cases := []struct{ body, says string }{
		{`not json`, "not a JSON object"},
		{`{"mode":"sandbox","extra":1}`, "not a JSON object"},
		{`{"mode":"telepathy"}`, `mode must be "sandbox" or "discord"`},
		{`{"mode":"sandbox","intents":["GUILDS","NOPE"]}`, `"NOPE" is not an intent name`},
		{`{"mode":"sandbox","token":"abc"}`, "the sandbox needs no token"},
		{`{"mode":"discord"}`, "paste the bot token"},
		{`{"mode":"discord","token":"has space.in.it"}`, "no spaces"},
		{`{"mode":"discord","token":"` + strings.Repeat("x", 300) + `"}`, "too long"},
		{`{"mode":"discord","token":"client-secret-not-a-token"}`, "three parts joined by dots"},
		{`{"mode":"discord","token":"a..c"}`, "three parts joined by dots"},
	}
	for _, tc := range cases {
		status, ctype, got := p.request(t, http.MethodPost, "/panel/connect", tc.body, "Content-Type", "application/json", csrfHeader, token)
		var answer jsonError
		if err := json.Unmarshal([]byte(got), &answer); err != nil || ctype != "application/json" {
			t.Errorf("%s: answer %q (%s) is not a JSON error", tc.body, got, ctype)
		}
		if status != http.StatusBadRequest || !strings.Contains(answer.Error, tc.says) {
			t.Errorf("%s: %d %q, want 400 saying %q", tc.body, status, answer.Error, tc.says)
		}
	}
}

func TestPanelEventsStreamTheSandboxAndResume(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	first := openEvents(t, p, "")
	if ct := first.resp.Header.Get("Content-Type"); first.resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("GET /panel/events: %d %q", first.resp.StatusCode, ct)
	}
	seen := first.recordsUntil(t, "the first heartbeat ACK", func(r inspector.Record) bool { return isOp(r, 11) })
	if !isOp(seen[0], 10) || seen[0].Index != 0 {
		t.Errorf("the stream starts with op %v at index %d, want Hello at 0", seen[0].Op, seen[0].Index)
	}
	var ready bool
	for i, r := range seen {
		if r.Index != int64(i) {
			t.Fatalf("record %d has index %d: the stream skipped or repeated", i, r.Index)
		}
		ready = ready || isEvent(r, "READY")
	}
	if !ready {
		t.Error("no READY before the first ACK")
	}
	first.cancel()

	// A reconnect names the last id it saw; the stream resumes right after.
	resumeAt := seen[len(seen)/2].Index
	again := openEvents(t, p, "", "Last-Event-ID", strconv.FormatInt(resumeAt, 10))
	next := again.recordsUntil(t, "one record", func(inspector.Record) bool { return true })
	if next[0].Index != resumeAt+1 {
		t.Errorf("after Last-Event-ID %d the stream resumed at %d", resumeAt, next[0].Index)
	}
	fromQuery := openEvents(t, p, "?from=2")
	if got := fromQuery.recordsUntil(t, "one record", func(inspector.Record) bool { return true }); got[0].Index != 2 {
		t.Errorf("?from=2 started at %d", got[0].Index)
	}

	for _, bad := range []struct{ query, header, says string }{
		{"?from=-4", "", "from must be a frame index"},
		{"?from=x", "", "from must be a frame index"},
		{"", "nope", "Last-Event-ID must be a frame index"},
		{"?stream=nosuch", "", `there is no stream \"nosuch\"`},
	} {
		h := []string{}
		if bad.header != "" {
			h = []string{"Last-Event-ID", bad.header}
		}
		status, _, body := p.request(t, http.MethodGet, "/panel/events"+bad.query, "", h...)
		if status/100 != 4 || !strings.Contains(body, bad.says) {
			t.Errorf("GET /panel/events%s (Last-Event-ID %q): %d %q, want 4xx saying %q", bad.query, bad.header, status, body, bad.says)
		}
	}
}

func TestPanelExportFrameAndRecording(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	openEvents(t, p, "").recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") })

	resp, err := p.ts.Client().Get(p.ts.URL + "/panel/export?stream=inspector")
	if err != nil {
		t.Fatal(err)
	}
	export, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("export Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=gatewaytour-inspector-") || !strings.HasSuffix(cd, ".ndjson") {
		t.Errorf("export Content-Disposition %q", cd)
	}
	records, err := inspector.ImportNDJSON(strings.NewReader(string(export)))
	if err != nil || len(records) < 2 || !isOp(records[0], 10) {
		t.Fatalf("the export does not read back as records from Hello on: %d records, %v", len(records), err)
	}

	status, ctype, body := p.request(t, http.MethodGet, "/panel/frame?stream=inspector&index=0&pretty=1", "")
	if status != 200 || ctype != "application/json" || !strings.Contains(body, "\n  \"index\": 0,") {
		t.Errorf("pretty frame 0: %d %q %q", status, ctype, body)
	}
	for _, q := range []string{"index=x", "index=-1", ""} {
		if status, _, body := p.request(t, http.MethodGet, "/panel/frame?"+q, ""); status != 400 || !strings.Contains(body, "index must be a frame number") {
			t.Errorf("/panel/frame?%s: %d %q", q, status, body)
		}
	}
	if status, _, body := p.request(t, http.MethodGet, "/panel/frame?index=99999999", ""); status != 404 || !strings.Contains(body, "is not held") {
		t.Errorf("a frame beyond the stream: %d %q", status, body)
	}

	token := p.csrfToken(t)
	status, ctype, body = p.request(t, http.MethodPost, "/panel/recording?name=mine.ndjson", string(export), csrfHeader, token, "Content-Type", "application/x-ndjson")
	var info struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Next int64  `json:"next"`
	}
	if err := json.Unmarshal([]byte(body), &info); status != 200 || ctype != "application/json" || err != nil || info.Kind != "recording" {
		t.Fatalf("POST /panel/recording: %d %q %q", status, ctype, body)
	}
	replay := openEvents(t, p, "?stream="+info.ID)
	got := replay.recordsUntil(t, "the whole recording", func(r inspector.Record) bool { return r.Index == records[len(records)-1].Index })
	if len(got) != len(records) {
		t.Errorf("the recording streams %d records, the export had %d", len(got), len(records))
	}

	status, _, body = p.request(t, http.MethodPost, "/panel/recording", "{\"index\":0}\nnot json\n", csrfHeader, token)
	if status != 400 || !strings.Contains(body, "line 2") {
		t.Errorf("a broken recording: %d %q, want 400 naming line 2", status, body)
	}
}

func TestLessonPartialIsTheLessonColumnAlone(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	resp, body := get(t, ts.Client(), ts.URL+"/lessons/second?partial=1")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("partial: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(body, `<main id="main"`) || strings.Contains(body, "<html") || strings.Contains(body, `id="panel"`) {
		t.Errorf("the partial is not just the lesson column: %.200q", body)
	}
	for _, want := range []string{`data-slug="second"`, `data-title="Second &lt;look&gt; · gatewaytour"`, `rel="prev" href="/lessons/first"`} {
		if !strings.Contains(body, want) {
			t.Errorf("partial lacks %q", want)
		}
	}
	if resp, _ := get(t, ts.Client(), ts.URL+"/lessons/nosuch?partial=1"); resp.StatusCode != 404 {
		t.Errorf("partial of an unknown lesson: %d", resp.StatusCode)
	}
}

func TestLessonPagesCarryThePanelWhenThereIsAHub(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	status, _, body := p.request(t, http.MethodGet, "/lessons/first", "")
	for _, want := range []string{`<aside id="panel"`, `id="frame-list"`, `id="connect-dialog"`, `type="password"`,
		`value="GUILD_MEMBERS" data-privileged="true"`, `value="GUILDS" data-privileged="false"`, "/static/panel-core.js?v="} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("the lesson page (%d) lacks %q", status, want)
		}
	}
	_, ts := newTestServer(t, fixtureCourse(t))
	if _, body := get(t, ts.Client(), ts.URL+"/lessons/first"); strings.Contains(body, `id="panel"`) || strings.Contains(body, "panel-core.js") {
		t.Error("a server without a hub still shows the panel")
	}
}

func TestPanelWithoutHubSaysSo(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	for _, path := range []string{"/panel/streams", "/panel/events", "/panel/export"} {
		resp, body := get(t, ts.Client(), ts.URL+path)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "without the live panel") {
			t.Errorf("GET %s without a hub: %d %q", path, resp.StatusCode, body)
		}
	}
}
