package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/lessons"
)

// panelServer is the course server as main wires it: the real live hub on a
// real sandbox mounted on the same server, with a short heartbeat so beats
// show within seconds. Its log goes to a buffer the tests can search.
type panelServer struct {
	site *Server
	ts   *httptest.Server
	hub  *live.Hub
	sb   *sandbox.Server
	log  *syncBuffer
	// responses is every response body the server sent, streams included,
	// so a test can prove a secret never left it.
	responses *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	discard bool
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.discard {
		return len(p), nil
	}
	return b.buf.Write(p)
}

// stopKeeping drops what is written from now on: a measurement that
// streams hundreds of megabytes must not measure this buffer growing.
func (b *syncBuffer) stopKeeping() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.discard = true
	b.buf = bytes.Buffer{}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newPanelServer starts the server; configure, if given, adjusts the hub's
// configuration first.
func newPanelServer(t testing.TB, course *lessons.Course, configure ...func(*live.Config)) *panelServer {
	t.Helper()
	return startPanelServer(t, course, nil, configure...)
}

// startPanelServer is newPanelServer whose web.Config, once filled in with
// the server's own address (base, "http://127.0.0.1:PORT"), sandbox and
// hub, adjust may change before the server is built.
func startPanelServer(t testing.TB, course *lessons.Course, adjust func(cfg *Config, base string, sb *sandbox.Server), configure ...func(*live.Config)) *panelServer {
	t.Helper()
	p := &panelServer{log: &syncBuffer{}, responses: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(p.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p.sb = sandbox.New(sandbox.Config{HeartbeatInterval: time.Second, ServerHeartbeatEvery: -1})
	t.Cleanup(p.sb.Close)
	cfg := live.Config{Sandbox: p.sb, Logger: logger}
	for _, c := range configure {
		c(&cfg)
	}
	p.hub = live.New(cfg)
	t.Cleanup(p.hub.Close)
	// The address is known before the server is built, as in main.
	var handler http.Handler
	p.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	base := "http://" + p.ts.Listener.Addr().String()
	webCfg := Config{Course: course, Live: p.hub, Logger: logger}
	if adjust != nil {
		adjust(&webCfg, base, p.sb)
	}
	site, err := New(webCfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(site.CloseStreams)
	p.site = site
	h := p.sb.Handler()
	for _, pattern := range []string{"/api/", "/gateway", "/gateway/", "/sandbox/"} {
		site.Mount(pattern, h)
	}
	handler = teeResponses(site, p.responses)
	p.ts.Start()
	t.Cleanup(p.ts.Close)
	p.hub.SetSandboxREST(p.ts.URL + "/api/v10")
	return p
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([0-9a-f]+)"`)

// csrfToken reads the token from a page, as the panel's script does.
func (p *panelServer) csrfToken(t testing.TB) string {
	t.Helper()
	resp, err := p.ts.Client().Get(p.ts.URL + "/lessons/" + p.site.course.Lessons[0].Slug)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	m := csrfMeta.FindStringSubmatch(body.String())
	if m == nil {
		t.Fatal("the page has no csrf-token meta tag")
	}
	return m[1]
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	Event, ID, Data string
}

// sseStream reads events from GET /panel/events in the background.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
	// pending holds records of the last batch after the one a wait stopped at.
	pending []inspector.Record
}

func openEvents(t testing.TB, p *panelServer, query string, header ...string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.ts.URL+"/panel/events"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := p.ts.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /panel/events: %v", err)
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 1024), cancel: cancel}
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
	})
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Event != "" || ev.Data != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// decodeRecords reads a records event's data: records whose payload
// travels as text (payload_text), put back as the record's payload.
func decodeRecords(t testing.TB, data string) []inspector.Record {
	t.Helper()
	var wire []struct {
		inspector.Record
		PayloadText *string `json:"payload_text"`
	}
	if err := json.Unmarshal([]byte(data), &wire); err != nil {
		t.Fatalf("records event is not a JSON array of records: %v", err)
	}
	batch := make([]inspector.Record, len(wire))
	for i, w := range wire {
		if w.Payload != nil {
			t.Fatalf("record %d carries its payload as an object, not as payload_text", w.Index)
		}
		batch[i] = w.Record
		if w.PayloadText != nil {
			batch[i].Payload = json.RawMessage(*w.PayloadText)
		}
	}
	return batch
}

// records waits for record batches until until returns true for one
// record, and returns every record seen.
func (s *sseStream) recordsUntil(t testing.TB, what string, until func(inspector.Record) bool) []inspector.Record {
	t.Helper()
	var seen []inspector.Record
	for len(s.pending) > 0 {
		r := s.pending[0]
		s.pending = s.pending[1:]
		seen = append(seen, r)
		if until(r) {
			return seen
		}
	}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the event stream ended while waiting for %s", what)
			}
			if ev.Event != "records" {
				continue
			}
			batch := decodeRecords(t, ev.Data)
			if len(batch) == 0 || ev.ID != jsonInt(batch[len(batch)-1].Index) {
				t.Fatalf("batch id %q does not name its last record", ev.ID)
			}
			for i, r := range batch {
				seen = append(seen, r)
				if until(r) {
					s.pending = batch[i+1:]
					return seen
				}
			}
		case <-deadline:
			t.Fatalf("gave up waiting for %s after %d records", what, len(seen))
		}
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func isOp(r inspector.Record, op int) bool { return r.Op != nil && int(*r.Op) == op }

func isEvent(r inspector.Record, t string) bool { return r.T != nil && *r.T == t }

// teeResponses copies every response's headers and body into out.
func teeResponses(next http.Handler, out *syncBuffer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&teeWriter{ResponseWriter: w, out: out}, r)
	})
}

type teeWriter struct {
	http.ResponseWriter
	out *syncBuffer
}

func (t *teeWriter) WriteHeader(status int) {
	for k, v := range t.Header() {
		_, _ = t.out.Write([]byte(k + ": " + strings.Join(v, ",") + "\n"))
	}
	t.ResponseWriter.WriteHeader(status)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	_, _ = t.out.Write(b)
	return t.ResponseWriter.Write(b)
}

// Hijack hands the connection to the sandbox's websocket upgrade; frames
// on the websocket are the gateway's own and not recorded here.
func (t *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(t.ResponseWriter).Hijack()
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
