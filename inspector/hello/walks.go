package hello

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"gatewaytour/inspector/gateway"
)

// Walks keeps one walk per browser tab, under an opaque id, and closes
// walks nobody has touched for the idle timeout: a tab that went away
// without saying so leaves no connection open for long.
type Walks struct {
	cfg  Config
	idle time.Duration

	mu     sync.Mutex
	walks  map[string]*Walk
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// NewWalks starts a registry whose walks use cfg. idle ≤ 0 means 15 minutes.
func NewWalks(cfg Config, idle time.Duration) *Walks {
	if idle <= 0 {
		idle = 15 * time.Minute
	}
	ws := &Walks{cfg: cfg, idle: idle, walks: map[string]*Walk{}, stop: make(chan struct{}), done: make(chan struct{})}
	go ws.sweepLoop()
	return ws
}

// Start creates a walk and returns its id, 128 random bits in hex. sink,
// if not nil, replaces the registry's Config.Sink for this walk (one stream
// per tab, say).
func (ws *Walks) Start(opts Options, sink func(gateway.WireFrame)) (string, *Walk, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	id := hex.EncodeToString(b[:])
	cfg := ws.cfg
	if sink != nil {
		cfg.Sink = sink
	}
	w := New(cfg, opts)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed {
		_ = w.Close()
		return "", nil, ErrClosed
	}
	ws.walks[id] = w
	return id, w, nil
}

// Get returns the walk with id, if it is still open.
func (ws *Walks) Get(id string) (*Walk, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	w, ok := ws.walks[id]
	if ok {
		w.touch()
	}
	return w, ok
}

// End closes and forgets the walk with id (the tab went away).
func (ws *Walks) End(id string) {
	ws.mu.Lock()
	w, ok := ws.walks[id]
	delete(ws.walks, id)
	ws.mu.Unlock()
	if ok {
		_ = w.Close()
	}
}

// Len is how many walks are open.
func (ws *Walks) Len() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.walks)
}

// Close ends every walk and the sweeper.
func (ws *Walks) Close() {
	ws.mu.Lock()
	if ws.closed {
		ws.mu.Unlock()
		return
	}
	ws.closed = true
	all := ws.walks
	ws.walks = map[string]*Walk{}
	ws.mu.Unlock()
	close(ws.stop)
	<-ws.done
	for _, w := range all {
		_ = w.Close()
	}
}

func (ws *Walks) sweepLoop() {
	defer close(ws.done)
	every := max(min(ws.idle/4, 30*time.Second), 5*time.Millisecond)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ws.stop:
			return
		case now := <-ticker.C:
			ws.sweep(now)
		}
	}
}

// sweep closes walks idle for longer than the timeout; a walk in the middle
// of a step is never idle.
func (ws *Walks) sweep(now time.Time) {
	var stale []*Walk
	ws.mu.Lock()
	for id, w := range ws.walks {
		if last, idle := w.idleSince(); idle && now.Sub(last) > ws.idle {
			stale = append(stale, w)
			delete(ws.walks, id)
		}
	}
	ws.mu.Unlock()
	for _, w := range stale {
		_ = w.Close()
	}
}
