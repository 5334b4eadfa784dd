package web

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"gatewaytour/inspector"
)

// The live stream to the browser is Server-Sent Events. Records go out in
// batches, each an "event: records" whose data is a JSON array of
// inspector.Record (each with its payload as text: see recordsJSON) and
// whose id is the index of the batch's last record.
// The page's reader (static/sse.js, as EventSource would) reconnects on its
// own after a dropped connection or a laptop's sleep and sends that id back
// as Last-Event-ID, so the stream resumes at the next index and nothing is
// lost while the session's ring still holds it.
// When the ring no longer does, an "event: gap" says how many were missed.
// "event: streams" carries the list of streams (and their connection state)
// whenever it changes; "event: reset" says the stream starts over (the
// browser's last id came from before a restart of the program).
const (
	// flushEvery bounds how often batches go out under load: 100 writes a
	// second carry thousands of frames a second cheaply, and keep a frame's
	// wait (this, plus one animation frame to draw it) inside the panel's
	// 50 ms frame-to-screen goal. A lone frame still goes out at once.
	flushEvery = 10 * time.Millisecond
	// maxBatch keeps one event small enough to parse in one short task
	// (a backlog or a recording goes out in many such events).
	maxBatch = 200
	// keepAliveEvery sends a comment so proxies and the browser notice a
	// dead connection.
	keepAliveEvery = 15 * time.Second
	// reconnectMS is the retry delay the page's reader uses after a drop.
	reconnectMS = 1000
	// eventWriteTimeout cuts off a viewer that stops reading (a frozen
	// tab, a suspended laptop, a client that never reads): each write
	// must be taken within this long, or the connection is closed and
	// what the handler held is freed. The browser comes back on its own
	// and resumes from Last-Event-ID.
	eventWriteTimeout = 10 * time.Second
)

type gapEvent struct {
	Missed int64 `json:"missed"`
	Resume int64 `json:"resume"`
}

// batch is what the reader hands to the writer: records, or a gap.
type batch struct {
	records []inspector.Record
	gap     *inspector.GapError
}

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	if id := r.URL.Query().Get("stream"); id == "" || id == inspectorStream {
		// The first time a reader opens the panel, it watches the sandbox.
		if err := h.EnsureSandbox(); err != nil && s.log != nil {
			s.log.Warn("the panel could not connect to the sandbox", "err", err)
		}
	}
	st, ok := s.stream(w, r)
	if !ok {
		return
	}
	streamID := st.Info().ID
	from, err := resumeFrom(r)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	// The stream outlives the server's write timeout (its read timeout
	// ends once the request is read): each write gets a deadline of its
	// own instead.
	rc := http.NewResponseController(w)
	writeTimeout := cmp.Or(s.eventWriteTimeout, eventWriteTimeout)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	// An id from before a restart of the program can lie beyond this
	// stream's end; start over from its beginning and say so.
	restart := false
	if oldest, next := st.Session().Bounds(); from > next {
		from, restart = oldest, true
	}
	ctx := r.Context()
	batches := make(chan batch, 1)
	go readBatches(ctx, st.Session(), from, batches)
	changes, stopWatching := h.WatchStreams()
	defer stopWatching()

	out := &eventWriter{out: bufio.NewWriterSize(w, 64<<10), rc: rc, timeout: writeTimeout}
	out.event("", "", []byte("retry: "+strconv.Itoa(reconnectMS)))
	out.event("streams", "", mustJSON(streamsAnswer{Streams: h.Streams()}))
	if restart {
		out.event("reset", "", []byte(`{}`))
	}
	if !out.send() {
		return
	}
	keepAlive := time.NewTicker(keepAliveEvery)
	defer keepAlive.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.streamsDone:
			return
		case b := <-batches:
			// A batch ends at a gap, so its records came before it.
			if n := len(b.records); n > 0 {
				out.event("records", strconv.FormatInt(b.records[n-1].Index, 10), recordsJSON(b.records))
			}
			if b.gap != nil {
				out.event("gap", strconv.FormatInt(b.gap.Resume-1, 10), mustJSON(gapEvent{Missed: b.gap.Missed, Resume: b.gap.Resume}))
			}
		case _, open := <-changes:
			if !open {
				changes = nil
				continue
			}
			if _, still := h.Stream(streamID); !still {
				return // the stream was removed: nothing more will come
			}
			out.event("streams", "", mustJSON(streamsAnswer{Streams: h.Streams()}))
		case <-keepAlive.C:
			out.event("", "", []byte(": keep-alive"))
		}
		if !out.send() {
			return
		}
	}
}

// eventWriter writes events to one viewer, each within the write timeout.
// The deadline starts when an event's (already encoded) bytes start going
// out, so it measures the viewer's reading, not our encoding. A
// ResponseWriter without deadlines (ErrNotSupported) streams unbounded.
type eventWriter struct {
	out     *bufio.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (e *eventWriter) event(event, id string, data []byte) {
	_ = e.rc.SetWriteDeadline(time.Now().Add(e.timeout))
	writeEvent(e.out, event, id, data)
}

// send pushes what was written to the viewer; false when it has gone or
// fell too far behind.
func (e *eventWriter) send() bool {
	return e.out.Flush() == nil && e.rc.Flush() == nil
}

// resumeFrom is where the stream starts: after Last-Event-ID on a
// reconnect, else ?from=N, else the oldest record held.
func resumeFrom(r *http.Request) (int64, error) {
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < -1 {
			return 0, errors.New("Last-Event-ID must be a frame index")
		}
		return n + 1, nil
	}
	if from := r.URL.Query().Get("from"); from != "" {
		n, err := strconv.ParseInt(from, 10, 64)
		if err != nil || n < 0 {
			return 0, errors.New("from must be a frame index (0 or more)")
		}
		return n, nil
	}
	return 0, nil
}

// readBatches follows the session and hands records over in batches: it
// waits for one record, then takes whatever else is already there, and
// after a batch waits out the rest of flushEvery so a flood costs at most 100
// events a second; a backlog goes out in full batches without waiting. It blocks while the writer is busy, which is fine: the
// session keeps the records, the subscription only holds a cursor.
func readBatches(ctx context.Context, sess *inspector.Session, from int64, out chan<- batch) {
	sub := sess.Subscribe(from)
	for {
		var b batch
		rec, err := sub.Next(ctx)
		if !collect(&b, rec, err) {
			return
		}
		_, next := sess.Bounds()
		for b.gap == nil && sub.Position() < next && len(b.records) < maxBatch {
			rec, err := sub.Next(ctx)
			if !collect(&b, rec, err) {
				return
			}
		}
		started := time.Now()
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		// A full batch means a backlog (a reader catching up, a recording):
		// send the next at once. Otherwise let frames gather a moment.
		if len(b.records) >= maxBatch {
			continue
		}
		if wait := flushEvery - time.Since(started); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}
}

// collect adds a record or a gap to b; false when the viewer has gone.
func collect(b *batch, rec inspector.Record, err error) bool {
	var gap *inspector.GapError
	switch {
	case err == nil:
		b.records = append(b.records, rec)
	case errors.As(err, &gap):
		b.gap = gap
	default:
		return false
	}
	return true
}

// writeEvent writes one Server-Sent Event. data never holds a newline: it
// is compact JSON (or, when event is "", a retry line or a comment).
func writeEvent(w *bufio.Writer, event, id string, data []byte) {
	if event == "" {
		_, _ = w.Write(data)
		_, _ = w.WriteString("\n\n")
		return
	}
	_, _ = w.WriteString("event: " + event + "\n")
	if id != "" {
		_, _ = w.WriteString("id: " + id + "\n")
	}
	_, _ = w.WriteString("data: ")
	_, _ = w.Write(data)
	_, _ = w.WriteString("\n\n")
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Records and stream lists are plain data; this cannot fail.
		panic("web: encode panel event: " + err.Error())
	}
	return b
}
