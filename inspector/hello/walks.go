package hello

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxWalks is how many walks a registry keeps open at once unless
// Config.MaxWalks says otherwise: each holds a gateway connection, and one
// reader has a few tabs, not hundreds.
const DefaultMaxWalks = 32

// ErrTooManyWalks is Start's answer when the registry is full; errors.Is
// finds it in the error Start returns, whose text says what to do.
var ErrTooManyWalks = errors.New("hello: too many walks are open")

// Walks is the one owner of the walks in progress: one per browser tab,
// under an opaque id. It closes walks nobody has touched for the idle
// timeout, so a tab that went away without saying so leaves no connection
// open for long, and it holds at most Config.MaxWalks at once.
type Walks struct {
	cfg  Config
	idle time.Duration

	mu     sync.Mutex
	walks  map[string]*entry
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// entry is one walk and what to do once it ends.
type entry struct {
	walk  *Walk
	onEnd func()
}

// end closes the walk, then tells its owner.
func (e *entry) end() {
	_ = e.walk.Close()
	if e.onEnd != nil {
		e.onEnd()
	}
}

// NewWalks starts a registry whose walks use cfg. idle ≤ 0 means 15 minutes.
func NewWalks(cfg Config, idle time.Duration) *Walks {
	if idle <= 0 {
		idle = 15 * time.Minute
	}
	ws := &Walks{cfg: cfg.withDefaults(), idle: idle, walks: map[string]*entry{}, stop: make(chan struct{}), done: make(chan struct{})}
	go ws.sweepLoop()
	return ws
}

// Start creates a walk and returns its id, 128 random bits in hex. sink,
// if not nil, replaces the registry's Config.Sink for this walk (one stream
// per tab, say); onEnd, if not nil, runs once the walk has ended, however it
// ends (End, the idle sweep, Close). When MaxWalks walks are open already,
// Start makes none and returns an error wrapping ErrTooManyWalks.
func (ws *Walks) Start(opts Options, sink Sink, onEnd func()) (string, *Walk, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	id := hex.EncodeToString(b[:])
	cfg := ws.cfg
	if sink != nil {
		cfg.Sink = sink
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	switch {
	case ws.closed:
		return "", nil, ErrClosed
	case len(ws.walks) >= ws.cfg.MaxWalks:
		return "", nil, fmt.Errorf("%w: %d walks are open, the most this server keeps; end one in another tab, or wait: a walk left alone ends after %s", ErrTooManyWalks, len(ws.walks), ws.idle.Round(time.Second))
	}
	w := New(cfg, opts)
	ws.walks[id] = &entry{walk: w, onEnd: onEnd}
	return id, w, nil
}

// Get returns the walk with id, if it is still open.
func (ws *Walks) Get(id string) (*Walk, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	e, ok := ws.walks[id]
	if !ok {
		return nil, false
	}
	e.walk.touch()
	return e.walk, true
}

// End closes and forgets the walk with id (the tab went away); it reports
// whether there was one.
func (ws *Walks) End(id string) bool {
	ws.mu.Lock()
	e, ok := ws.walks[id]
	delete(ws.walks, id)
	ws.mu.Unlock()
	if ok {
		e.end()
	}
	return ok
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
	ws.walks = map[string]*entry{}
	ws.mu.Unlock()
	close(ws.stop)
	<-ws.done
	for _, e := range all {
		e.end()
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
	var stale []*entry
	ws.mu.Lock()
	for id, e := range ws.walks {
		if last, idle := e.walk.idleSince(); idle && now.Sub(last) > ws.idle {
			stale = append(stale, e)
			delete(ws.walks, id)
		}
	}
	ws.mu.Unlock()
	for _, e := range stale {
		e.end()
	}
}
