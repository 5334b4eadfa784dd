package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/live"
)

// repeating yields line over and over, never holding more than one copy.
type repeating struct {
	line []byte
	at   int
}

func (r *repeating) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.line[r.at:])
		n += c
		r.at = (r.at + c) % len(r.line)
	}
	return n, nil
}

// heapPeak samples the heap until stop is called and returns the largest
// size seen above the heap at the start.
func heapPeak() (stop func() int64) {
	// A low GC target keeps garbage from counting as growth: what is left
	// in use is what the import holds, not what the collector has not
	// reached yet on a busy machine.
	gcPercent := debug.SetGCPercent(10)
	start := heapInUse()
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		<-finished
		debug.SetGCPercent(gcPercent)
		return int64(peak.Load()) - int64(start)
	}
}

// rawPost sends a POST by hand, so a refusal can be read before the body
// is sent (or while it still is), and returns the status line and body.
// contentLength < 0 sends the body chunked.
func rawPost(t *testing.T, p *panelServer, path string, contentLength int64, body io.Reader) (status, answer string) {
	t.Helper()
	addr := strings.TrimPrefix(p.ts.URL, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nContent-Type: application/x-ndjson\r\n", path, addr, csrfHeader, p.csrfToken(t))
	if contentLength >= 0 {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", contentLength)
	} else {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	}
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		go func() {
			w := io.Writer(c)
			if contentLength < 0 {
				cw := newChunkedWriter(c)
				defer cw.Close()
				w = cw
			}
			_, _ = io.Copy(w, body) // ends when the server closes the connection
		}()
	}
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.Status, string(b)
}

// chunkedWriter frames writes as HTTP/1.1 chunks.
type chunkedWriter struct{ w io.Writer }

func newChunkedWriter(w io.Writer) *chunkedWriter { return &chunkedWriter{w: w} }

func (c *chunkedWriter) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(c.w, "%x\r\n", len(p)); err != nil {
		return 0, err
	}
	if _, err := c.w.Write(p); err != nil {
		return 0, err
	}
	_, err := io.WriteString(c.w, "\r\n")
	return len(p), err
}

func (c *chunkedWriter) Close() error { _, err := io.WriteString(c.w, "0\r\n\r\n"); return err }

const twoHundredMB = 200 << 20

func TestRecordingImportOf200MBKeepsTheHeapFlat(t *testing.T) {
	p := withTimeouts(t, newPanelServer(t, fixtureCourse(t)), time.Minute)
	good := recordingFile(t, 1, 1000).Bytes()
	cases := []struct {
		name          string
		contentLength int64
		line          []byte
		wantStatus    string
		maxHeap       int64
	}{
		// Said before a byte of the body is read.
		{"declared size", twoHundredMB, nil, "413", 8 << 20},
		// Read until the size bound, holding nothing of what it read.
		{"streamed junk", -1, []byte("not a frame record at all\n"), "413", 16 << 20},
		// Read until the size bound, holding the records until then.
		{"streamed records", -1, good, "413", 3 * live.MaxRecordingBytes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.line != nil {
				body = io.LimitReader(&repeating{line: tc.line}, twoHundredMB)
			}
			peak := heapPeak()
			status, answer := rawPost(t, p, "/panel/recording?name=big.ndjson", tc.contentLength, body)
			grown := peak()
			t.Logf("%s: the heap grew by at most %d MB", tc.name, grown>>20)
			if !strings.HasPrefix(status, tc.wantStatus) || !strings.Contains(answer, fmt.Sprintf("larger than %d MB", live.MaxRecordingBytes>>20)) || len(answer) > 300 {
				t.Errorf("answer %s %q, want %s saying the bound in a short body", status, answer, tc.wantStatus)
			}
			if grown > tc.maxHeap {
				t.Errorf("the heap grew by %d MB during a 200 MB import, want at most %d MB", grown>>20, tc.maxHeap>>20)
			}
		})
	}
	if ids := streamIDsOf(p.hub); len(ids) != 1 {
		t.Errorf("refused imports left streams: %v", ids)
	}
}

func TestRecordingWithManyBadLinesCountsThem(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	file := strings.Repeat("{not json\n", 50_000) + recordingFile(t, 1, 10).String()
	status, _, answer := p.request(t, http.MethodPost, "/panel/recording", file, csrfHeader, p.csrfToken(t))
	if status != http.StatusBadRequest || !strings.Contains(answer, "50000 of 50001 lines are not frame records (the first, line 1:") || len(answer) > 400 {
		t.Errorf("answer %d %q (%d bytes), want 400 counting the bad lines in a short body", status, answer, len(answer))
	}
	long := strings.Repeat("x", live.MaxRecordingLine+10) + "\n" + recordingFile(t, 2, 10).String()
	status, _, answer = p.request(t, http.MethodPost, "/panel/recording", long, csrfHeader, p.csrfToken(t))
	if status != http.StatusBadRequest || !strings.Contains(answer, "1 of 3 lines") || !strings.Contains(answer, fmt.Sprintf("longer than %d MB", live.MaxRecordingLine>>20)) {
		t.Errorf("a line past the bound: %d %q", status, answer)
	}
}

func TestRecordingsAreCappedAndCanBeRemoved(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	token := p.csrfToken(t)
	file := recordingFile(t, 3, 10).String()
	for range live.MaxRecordings {
		if status, _, answer := p.request(t, http.MethodPost, "/panel/recording", file, csrfHeader, token); status != http.StatusOK {
			t.Fatalf("import: %d %q", status, answer)
		}
	}
	status, _, answer := p.request(t, http.MethodPost, "/panel/recording", file, csrfHeader, token)
	if status != http.StatusConflict || !strings.Contains(answer, "remove one before loading another") {
		t.Errorf("one recording too many: %d %q, want 409 saying to remove one", status, answer)
	}

	// Removing is a state change like the others: same origin and the token.
	for _, header := range [][]string{nil, {csrfHeader, strings.Repeat("0", len(token))}, {csrfHeader, token, "Origin", "http://evil.example"}, {csrfHeader, token, "Sec-Fetch-Site", "cross-site"}} {
		if status, _, _ := p.request(t, http.MethodDelete, "/panel/streams/recording-1", "", header...); status != http.StatusForbidden {
			t.Errorf("DELETE with %q: %d, want 403", header, status)
		}
	}
	viewer := openEvents(t, p, "?stream=recording-1")
	viewer.recordsUntil(t, "the recording", func(inspector.Record) bool { return true })
	if status, _, answer := p.request(t, http.MethodDelete, "/panel/streams/recording-1", "", csrfHeader, token); status != http.StatusNoContent || answer != "" {
		t.Errorf("DELETE a recording: %d %q, want 204", status, answer)
	}
	if _, ok := p.hub.Stream("recording-1"); ok {
		t.Error("the removed recording is still listed")
	}
	waitClosed(t, viewer)
	for path, want := range map[string]int{"/panel/streams/recording-1": 404, "/panel/streams/inspector": 409, "/panel/streams/nope": 404} {
		status, _, answer := p.request(t, http.MethodDelete, path, "", csrfHeader, token)
		if status != want || decodeInto[jsonError](t, answer).Error == "" {
			t.Errorf("DELETE %s: %d %q, want %d with a sentence", path, status, answer, want)
		}
	}
	if status, _, answer := p.request(t, http.MethodPost, "/panel/recording", file, csrfHeader, token); status != http.StatusOK {
		t.Errorf("import after a removal: %d %q", status, answer)
	}
}

func TestARemovedRecordingFreesItsMemory(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	before := heapInUse()
	info, err := p.hub.ImportRecording(bytes.NewReader(recordingFile(t, 20_000, 1000).Bytes()), "big")
	if err != nil {
		t.Fatal(err)
	}
	if held := int64(heapInUse()) - int64(before); held < 16<<20 {
		t.Fatalf("a 20 MB recording holds only %d MB: the measure is wrong", held>>20)
	}
	if status, _, answer := p.request(t, http.MethodDelete, "/panel/streams/"+info.ID, "", csrfHeader, p.csrfToken(t)); status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %q", status, answer)
	}
	if held := int64(heapInUse()) - int64(before); held > 4<<20 {
		t.Errorf("after removal the heap still holds %d MB more than before the import", held>>20)
	}
}

func streamIDsOf(h *live.Hub) []string {
	var ids []string
	for _, s := range h.Streams() {
		ids = append(ids, s.ID)
	}
	return ids
}

// waitClosed waits for an event stream to end.
func waitClosed(t *testing.T, s *sseStream) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, open := <-s.events:
			if !open {
				return
			}
		case <-deadline:
			t.Fatal("the event stream stayed open")
		}
	}
}
