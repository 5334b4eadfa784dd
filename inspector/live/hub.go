// Package live is the hub between frame sources and viewers. It runs the
// inspector's own gateway client (to the in-process sandbox, or to Discord
// with a reader's token), watches every other bot connected to the sandbox,
// and loads recordings; each source becomes a Stream whose annotated records
// any number of viewers (the browser panel, the terminal) can follow.
//
// Streams are "inspector" (the inspector's own connection, whichever target
// it is pointed at; reconnecting carries on in the same stream with
// increasing indexes), one per other sandbox connection ("sandbox-7"), and
// "recording-1"… for imported exports.
//
// The sandbox names a connection only once it identifies, so a
// connection's first frames wait (up to two seconds) until it does: that is
// how the inspector's own connection (peer client.Peer) is kept out of the
// bot streams. Any client calling itself client.Peer, such as a second
// gatewaytour watching the sandbox, is hidden the same way. A bot that
// resumes on a new connection shows up as a new stream, since the sandbox
// numbers connections, not sessions; the 32 most recent closed bot streams
// are kept.
package live

import (
	"cmp"
	"errors"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/sandbox"
)

// Config wires the hub to the rest of the program.
type Config struct {
	// Sandbox is the in-process sandbox; nil means no sandbox streams.
	Sandbox *sandbox.Server
	// SandboxREST is the sandbox's REST base, e.g.
	// "http://127.0.0.1:8080/api/v10"; it may be set later with
	// SetSandboxREST, once the program knows its port.
	SandboxREST string
	// Capacity is the number of records kept per stream
	// (inspector.DefaultCapacity if 0).
	Capacity int
	// Logger never receives a token.
	Logger *slog.Logger
	// DiscordREST is the "real Discord" REST base: client.DefaultRESTBase
	// when empty. Tests point it at a second local sandbox, since they must
	// never reach discord.com.
	DiscordREST string
}

// ErrClosed is returned by every action on a hub after Close. Other errors
// are sentences meant for the reader, without a package prefix.
var ErrClosed = errors.New("the inspector is shutting down")

// Hub owns the streams. It is safe for concurrent use.
type Hub struct {
	cfg         Config
	log         *slog.Logger
	discordREST string

	mu          sync.Mutex
	closed      bool
	sandboxREST string
	streams     map[string]*Stream
	order       []string // stream ids, oldest first
	recordings  int
	attached    int            // attached streams so far, to name them
	hidden      map[string]int // peer names left to attached streams
	watchers    map[chan struct{}]struct{}

	inspector *Stream
	// connectMu serialises connecting and disconnecting, so a new
	// connection only starts once the previous one has fully stopped.
	connectMu sync.Mutex
	conn      *connection // the inspector's current client, nil when none
	pending   *connection // a client tried while conn keeps the stream (attempt.go)
	conns     int         // clients started so far, to name connections
	connected atomic.Bool // something was connected at least once

	bots *botWatcher
}

// New builds a hub and, when there is a sandbox, starts watching the bots
// connected to it.
func New(cfg Config) *Hub {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Hub{
		cfg:         cfg,
		log:         log,
		discordREST: cmp.Or(strings.TrimRight(cfg.DiscordREST, "/"), client.DefaultRESTBase),
		sandboxREST: strings.TrimRight(cfg.SandboxREST, "/"),
		streams:     map[string]*Stream{},
		watchers:    map[chan struct{}]struct{}{},
	}
	h.inspector = h.newStream(inspectorID, KindInspector, "the inspector's own connection", State{Kind: StateIdle, Detail: "Not connected yet."}, 0)
	if cfg.Sandbox != nil {
		h.bots = startBotWatcher(h, cfg.Sandbox)
	}
	return h
}

// SetSandboxREST tells the hub where the sandbox's REST API is served.
func (h *Hub) SetSandboxREST(base string) {
	h.mu.Lock()
	h.sandboxREST = strings.TrimRight(base, "/")
	h.mu.Unlock()
}

// Close stops the inspector's client and the sandbox watcher and waits for
// their goroutines to end. Streams stay readable.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.connectMu.Lock()
	if h.stopConnection() {
		h.inspector.updateState(func(st *State) bool {
			st.Kind, st.Detail, st.SessionID = StateStopped, "Stopped: the program is shutting down.", ""
			return true
		})
	}
	h.connectMu.Unlock()
	if h.bots != nil {
		h.bots.stop()
	}
}

func (h *Hub) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// Streams lists every stream, the inspector's first, then in the order
// they appeared.
func (h *Hub) Streams() []StreamInfo {
	h.mu.Lock()
	list := make([]*Stream, 0, len(h.order))
	for _, id := range h.order {
		list = append(list, h.streams[id])
	}
	h.mu.Unlock()
	infos := make([]StreamInfo, len(list))
	for i, s := range list {
		infos[i] = s.Info()
	}
	sort.SliceStable(infos, func(i, j int) bool {
		return infos[i].Kind == KindInspector && infos[j].Kind != KindInspector
	})
	return infos
}

// Stream finds a stream by id.
func (h *Hub) Stream(id string) (*Stream, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.streams[id]
	return s, ok
}

// WatchStreams fires when a stream appears, disappears or changes state or
// label. Notifications are coalesced: a slow reader gets one for many
// changes, and the hub never waits for it. The channel is never closed;
// call cancel when done.
func (h *Hub) WatchStreams() (changes <-chan struct{}, cancel func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.watchers[ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.watchers, ch)
			h.mu.Unlock()
		})
	}
}

// notify tells every watcher something changed, without waiting.
func (h *Hub) notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.watchers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// newStream registers a stream and tells the watchers.
func (h *Hub) newStream(id, kind, label string, st State, capacity int) *Stream {
	return h.newStreamWith(id, kind, label, st, capacity, nil)
}

// newStreamWith lets fill load the session before the stream is
// registered, so no viewer ever sees it half loaded. It returns nil when
// fill fails.
func (h *Hub) newStreamWith(id, kind, label string, st State, capacity int, fill func(*Stream) error) *Stream {
	if capacity <= 0 {
		capacity = h.cfg.Capacity
	}
	s := &Stream{
		hub:       h,
		id:        id,
		kind:      kind,
		label:     label,
		state:     st,
		session:   inspector.NewSession(capacity),
		annotator: inspector.NewAnnotator(),
	}
	if fill != nil && fill(s) != nil {
		return nil
	}
	h.mu.Lock()
	h.streams[id] = s
	h.order = append(h.order, id)
	h.mu.Unlock()
	h.notify()
	return s
}

// dropStream forgets a stream (old sandbox-bot streams beyond the limit).
func (h *Hub) dropStream(id string) {
	h.mu.Lock()
	delete(h.streams, id)
	for i, o := range h.order {
		if o == id {
			h.order = append(h.order[:i], h.order[i+1:]...)
			break
		}
	}
	h.mu.Unlock()
	h.notify()
}
