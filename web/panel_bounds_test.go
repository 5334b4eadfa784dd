package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/httpserver"
	"gatewaytour/inspector/sandbox"
)

// withTimeouts serves p's site on a second loopback server built as every
// command builds its own (internal/httpserver: the Host guard, and read,
// write and idle timeouts, here all d), without the response tee. The
// returned copy of p talks to it.
func withTimeouts(t *testing.T, p *panelServer, d time.Duration) *panelServer {
	t.Helper()
	return serveAgain(t, p, d, 0)
}

// serveAgain is withTimeouts whose connections, when sendBuffer > 0, have
// a send buffer that small: a viewer that stops reading then blocks the
// server after kilobytes rather than the megabytes the kernel would buffer.
func serveAgain(t *testing.T, p *panelServer, d time.Duration, sendBuffer int) *panelServer {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	if sendBuffer > 0 {
		ts.Listener = smallSendBuffers{ts.Listener, sendBuffer}
	}
	srv, err := httpserver.New(httpserver.Config{Handler: p.site, Listener: ts.Listener,
		Timeouts: &httpserver.Timeouts{ReadHeader: d, Read: d, Write: d, Idle: d}})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config = srv
	ts.Start()
	t.Cleanup(ts.Close)
	q := *p
	q.ts = ts
	return &q
}

type smallSendBuffers struct {
	net.Listener
	size int
}

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tcp, ok := c.(*net.TCPConn); ok {
		_ = tcp.SetWriteBuffer(l.size)
	}
	return c, err
}

func TestEventStreamOutlivesTheServersTimeouts(t *testing.T) {
	p := withTimeouts(t, newPanelServer(t, fixtureCourse(t)), 300*time.Millisecond)
	s := openEvents(t, p, "")
	s.recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") })
	// Well past the read and write timeouts, the stream still carries news.
	time.Sleep(time.Second)
	if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "still there?"); err != nil {
		t.Fatal(err)
	}
	s.recordsUntil(t, "the message", func(r inspector.Record) bool { return isEvent(r, "MESSAGE_CREATE") })
}

// recordingFile is an NDJSON export of n MESSAGE_CREATE records whose
// content is pad bytes long.
func recordingFile(t testing.TB, n, pad int) *bytes.Buffer {
	t.Helper()
	op, event := gateway.Opcode(0), "MESSAGE_CREATE"
	content := strings.Repeat("x", pad)
	var file bytes.Buffer
	for i := range n {
		seq := int64(i + 1)
		r := inspector.Record{
			Index: int64(i), Time: time.Unix(1700000000, int64(i)*1e6).UTC(), Dir: gateway.Recv, Op: &op, OpName: "Dispatch",
			T: &event, S: &seq, Size: pad + 100, Summary: "ada: " + content[:min(pad, 20)],
			Payload: json.RawMessage(`{"op":0,"s":` + strconv.Itoa(i+1) + `,"t":"MESSAGE_CREATE","d":{"content":"` + content + `"}}`),
		}
		if err := inspector.WriteRecord(&file, r); err != nil {
			t.Fatal(err)
		}
	}
	return &file
}

// heapInUse is the live heap after full collections (two: sync.Pool keeps
// what it held until the second).
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// 200 viewers that open the stream of a large recording and never read
// must not pin the server's memory: each is cut off at its write deadline,
// and a viewer that comes back resumes from the last event it received.
func TestStuckViewersAreCutOffAndResume(t *testing.T) {
	const viewers, records, writeTimeout = 200, 3000, 500 * time.Millisecond
	p := startPanelServer(t, fixtureCourse(t), func(cfg *Config, _ string, _ *sandbox.Server) { cfg.eventWriteTimeout = writeTimeout })
	p = serveAgain(t, p, time.Minute, 16<<10)
	info, err := p.hub.ImportRecording(recordingFile(t, records, 100), "big.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(p.ts.URL, "http://")
	request := "GET /panel/events?stream=" + info.ID + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"
	heapBefore, goroutinesBefore := heapInUse(), runtime.NumGoroutine()

	// One viewer reads the first batch of records, then stops reading like
	// the rest.
	first := dialStuck(t, addr, request, false)
	resp, err := http.ReadResponse(bufio.NewReader(first), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the stream answered %v, %v", resp, err)
	}
	firstReader := bufio.NewReader(resp.Body)
	var seen strings.Builder
	for lastCompleteID(seen.String()) < 0 {
		line, err := firstReader.ReadString('\n')
		if err != nil {
			t.Fatalf("the stream ended before its first batch: %v; read %.300q", err, seen.String())
		}
		seen.WriteString(line)
	}
	for range viewers - 1 {
		dialStuck(t, addr, request, true)
	}
	// Wait for every viewer to be cut off, the first one too: a slack of
	// a few goroutines would let the wait end while the first viewer's
	// last write is still within its timeout (the server is slow to reach
	// it while it writes to 199 others), and reading it below would then
	// let that write through and the stream carry on.
	deadline := time.Now().Add(60 * time.Second)
	for runtime.NumGoroutine() > goroutinesBefore+1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still running (%d before the stuck viewers came): stuck viewers were not cut off",
				runtime.NumGoroutine(), goroutinesBefore)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if grown := int64(heapInUse()) - int64(heapBefore); grown > 16<<20 {
		t.Errorf("the heap grew by %d MB after %d stuck viewers were cut off", grown>>20, viewers)
	}

	// The first viewer reads what reached it, then the server's close.
	rest, err := io.ReadAll(firstReader)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) { // cut off mid-chunk
		t.Fatalf("reading what the cut-off viewer was sent: %v", err)
	}
	last := lastCompleteID(seen.String() + string(rest))
	if last < 0 || last >= records-1 {
		t.Fatalf("the cut-off viewer's last complete event id is %d; want one within the recording's %d records", last, records)
	}
	again := openEvents(t, p, "?stream="+info.ID, "Last-Event-ID", fmt.Sprint(last))
	if got := again.recordsUntil(t, "a record", func(inspector.Record) bool { return true }); got[0].Index != last+1 {
		t.Errorf("the viewer that came back resumed at %d, want %d", got[0].Index, last+1)
	}
}

// dialStuck sends request on a connection that then never reads; tiny
// makes its receive buffer as small as the kernel allows (draining such a
// connection later takes minutes, so the viewer that reads again has a
// small one that still drains at once).
func dialStuck(t *testing.T, addr, request string, tiny bool) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tcp := c.(*net.TCPConn)
	if tiny {
		_ = tcp.SetReadBuffer(1024)
	} else {
		_ = tcp.SetReadBuffer(64 << 10)
	}
	t.Cleanup(func() { tcp.Close() })
	if _, err := io.WriteString(tcp, request); err != nil {
		t.Fatal(err)
	}
	return tcp
}

// lastCompleteID is the id of the last event that arrived whole (ended by
// a blank line) in an event stream's text; -1 when none did. Text after
// the last newline is a line still arriving.
func lastCompleteID(raw string) int64 {
	last := int64(-1)
	id := int64(-1)
	lines := strings.Split(raw, "\n")
	for _, line := range lines[:len(lines)-1] {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
		case line == "" && id >= 0:
			last, id = id, -1
		}
	}
	return last
}
