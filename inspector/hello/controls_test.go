package hello

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// TestDoubleNextRunsOneStep presses Next twice while step 1 is on the
// wire: both calls get the same step, and the walk performed one.
func TestDoubleNextRunsOneStep(t *testing.T) {
	_, ts := startSandbox(t, quietSandbox())
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	w := New(Config{BaseURL: ts.URL, Sink: func(gateway.WireFrame) int64 {
		once.Do(func() { close(entered); <-release }) // hold step 1 mid-flight
		return -1
	}}, Options{})
	t.Cleanup(func() { _ = w.Close() })

	results := make(chan Step, 2)
	next := func() {
		s, err := w.Next(ctxFor(t))
		if err != nil {
			t.Error(err)
		}
		results <- s
	}
	go next()
	<-entered
	go next()
	waitFor(t, "the second Next to join the first", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.busy != nil && w.busy.joiners == 1
	})
	close(release)
	a, b := <-results, <-results
	if a.N != 1 || b.N != 1 || len(a.Frames) != 1 || a.Frames[0].Time != b.Frames[0].Time {
		t.Fatalf("double Next gave steps %d and %d", a.N, b.N)
	}
	if w.Performed() != 1 {
		t.Fatalf("performed %d steps, want 1", w.Performed())
	}
	mustNext(t, w, 2)
}

// TestBackShowsWithoutRedoing goes back to the start and forward again:
// nothing is sent twice, and Back at the start is a clear no-op.
func TestBackShowsWithoutRedoing(t *testing.T) {
	_, ts := startSandbox(t, quietSandbox())
	w, k := newWalk(t, ts, nil, Options{})
	if s, err := w.Back(ctxFor(t)); !errors.Is(err, ErrAtStart) || s.N != 0 {
		t.Fatalf("Back at the start = %d, %v", s.N, err)
	}
	first := mustNext(t, w, 1)
	mustNext(t, w, 2)
	sent := len(k.All())
	for _, want := range []int{1, 0} {
		if s, err := w.Back(ctxFor(t)); err != nil || s.N != want {
			t.Fatalf("Back = %d, %v; want %d", s.N, err, want)
		}
	}
	if s, err := w.Back(ctxFor(t)); !errors.Is(err, ErrAtStart) || s.N != 0 || w.Current().N != 0 {
		t.Fatalf("Back past the start = %d, %v", s.N, err)
	}
	again := mustNext(t, w, 1)
	if again.Frames[0].Time != first.Frames[0].Time {
		t.Fatal("step 1 was performed again instead of re-shown")
	}
	mustNext(t, w, 2)
	if len(k.All()) != sent || w.Performed() != 2 {
		t.Fatalf("re-showing steps emitted frames or performed steps: %d frames (was %d), %d performed", len(k.All()), sent, w.Performed())
	}
	s3 := mustNext(t, w, 3)
	if payloadOf(t, s3.Frames[0]).Op != gateway.OpHello {
		t.Fatalf("step 3 after going back = %s", s3.Frames[0].Data)
	}
}

// TestRestartLeavesOneConnection restarts an identified walk: the old
// connection closes with 1000 and the new walk is the only one left.
func TestRestartLeavesOneConnection(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, k := newWalk(t, ts, s, Options{})
	for n := 1; n <= 6; n++ {
		mustNext(t, w, n)
	}
	oldConn := connID(w)
	if s0, err := restart(t, w); err != nil || s0.N != 0 || w.Performed() != 0 {
		t.Fatalf("Restart = %d, %v", s0.N, err)
	}
	waitFor(t, "the old connection to go", countConns(s)(0))
	if !sawClientClose(k.All(), oldConn, gateway.CloseNormal) {
		t.Fatalf("no close 1000 from %s in %v", oldConn, names(k.All()))
	}
	for n := 1; n <= 6; n++ {
		mustNext(t, w, n)
	}
	if connID(w) == oldConn {
		t.Fatal("the restarted walk reuses the old connection's name")
	}
	waitFor(t, "exactly one connection", countConns(s)(1))
	if conns := s.Connections(); conns[0].Peer != Peer {
		t.Fatalf("connections = %+v", conns)
	}
	// Restart into the variant while the sandbox watches.
	if _, err := w.RestartWith(ctxFor(t), Options{WithoutMessageContent: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "no connection after the second restart", countConns(s)(0))
	if !w.Options().WithoutMessageContent {
		t.Fatal("RestartWith kept the old options")
	}
}

// TestCloseLeavesNoConnection closes a walk the way a closing tab does.
func TestCloseLeavesNoConnection(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, _ := newWalk(t, ts, s, Options{})
	for n := 1; n <= 3; n++ {
		mustNext(t, w, n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the connection to close", countConns(s)(0))
	if _, err := w.Next(ctxFor(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

// TestCloseCutsAStepShort closes a walk whose step 3 waits for a Hello
// that a silent gateway never sends: Next returns at once and the socket
// is closed.
func TestCloseCutsAStepShort(t *testing.T) {
	hungUp := make(chan struct{})
	mux := http.NewServeMux()
	var ts *httptest.Server
	mux.HandleFunc("/api/v10/gateway/bot", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"url":"ws%s/silent","shards":1,"session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}`, strings.TrimPrefix(ts.URL, "http"))
	})
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				close(hungUp)
				return
			}
		}
	})
	ts = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	w := New(Config{BaseURL: ts.URL, StepTimeout: time.Minute}, Options{})
	mustNext(t, w, 1)
	mustNext(t, w, 2)
	done := make(chan error, 1)
	go func() {
		_, err := w.Next(context.Background())
		done <- err
	}()
	waitFor(t, "step 3 to be waiting", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.busy != nil
	})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Fatal("a step waiting for Hello succeeded after Close")
	}
	<-hungUp
}

// TestWalksCloseIdleWalks abandons a connected walk: the registry closes
// it after the idle timeout and its connection goes.
func TestWalksCloseIdleWalks(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	walks := NewWalks(Config{BaseURL: ts.URL, Sandbox: s}, 300*time.Millisecond)
	t.Cleanup(walks.Close)
	id, w, err := walks.Start(Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := walks.Get(id); !ok || got != w {
		t.Fatal("Get does not find the walk just started")
	}
	mustNext(t, w, 1)
	mustNext(t, w, 2)
	waitFor(t, "the idle walk to be closed", func() bool { return walks.Len() == 0 && len(s.Connections()) == 0 })
	if _, ok := walks.Get(id); ok {
		t.Fatal("an expired walk is still found")
	}
	if _, err := w.Next(ctxFor(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next on an expired walk = %v", err)
	}

	k := &sink{}
	id2, w2, _ := walks.Start(Options{}, k.Store, nil)
	mustNext(t, w2, 1)
	if len(k.All()) != 1 {
		t.Fatalf("the walk's own sink got %d frames, want step 1's", len(k.All()))
	}
	walks.End(id2)
	if _, ok := walks.Get(id2); ok || walks.Len() != 0 {
		t.Fatal("End left the walk registered")
	}
}

// TestHeartbeatsContinueInBackground lingers on steps with a short
// heartbeat interval: the bot keeps beating, the sandbox keeps it, and the
// sink still sees Hello before any beat.
func TestHeartbeatsContinueInBackground(t *testing.T) {
	cfg := quietSandbox()
	cfg.HeartbeatInterval, cfg.HeartbeatGrace = 150*time.Millisecond, 5*time.Second
	s, ts := startSandbox(t, cfg)
	w, k := newWalk(t, ts, s, Options{})
	mustNext(t, w, 1)
	mustNext(t, w, 2)
	// Linger before reading Hello: the keepalive must beat on its own.
	waitFor(t, "background beats before step 3", func() bool { return countOp(k.All(), gateway.OpHeartbeat, gateway.Send) >= 2 })
	if got := names(k.All()); got[2] != "recv:Hello" {
		t.Fatalf("sink order = %v, want Hello before the first beat", got)
	}
	mustNext(t, w, 3)
	mustNext(t, w, 4)
	mustNext(t, w, 5)
	before := countOp(k.All(), gateway.OpHeartbeatACK, gateway.Recv)
	waitFor(t, "ACKs in the background after step 4", func() bool { return countOp(k.All(), gateway.OpHeartbeatACK, gateway.Recv) >= before+3 })
	var lastBeat time.Time
	for _, f := range k.All() {
		if p, err := gateway.DecodePayload(f.Data); err == nil && f.Close == nil {
			switch {
			case p.Op == gateway.OpHeartbeat && f.Dir == gateway.Send:
				lastBeat = f.Time
			case p.Op == gateway.OpHeartbeatACK && f.Time.Before(lastBeat):
				t.Errorf("an ACK is stamped %s before the beat it answers", lastBeat.Sub(f.Time))
			}
		}
	}
	s6 := mustNext(t, w, 6)
	if p := payloadOf(t, s6.Frames[0]); p.T == nil || *p.T != "READY" {
		t.Fatalf("step 6 = %s", s6.Frames[0].Data)
	}
	if len(s.Connections()) != 1 {
		t.Fatalf("the sandbox dropped the bot: %+v", s.Connections())
	}
}

func countOp(fs []gateway.WireFrame, op gateway.Opcode, dir gateway.Direction) int {
	n := 0
	for _, f := range fs {
		if f.Data == nil || f.Dir != dir {
			continue
		}
		if p, err := gateway.DecodePayload(f.Data); err == nil && p.Op == op {
			n++
		}
	}
	return n
}

func sawClientClose(fs []gateway.WireFrame, conn string, code gateway.CloseCode) bool {
	for _, f := range fs {
		if f.Conn == conn && f.Dir == gateway.Send && f.Close != nil && f.Close.Code == code {
			return true
		}
	}
	return false
}
