package live

import (
	"encoding/json"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

const (
	// observeBuffer frames may wait for the watcher before the sandbox
	// drops them rather than slow down.
	observeBuffer = 4096
	// A connection's frames wait until it says who it is (Identify names
	// the library; Resume's peer is known once RESUMED goes out), so the
	// inspector's own connection never shows up as somebody else's. A
	// client that stays anonymous gets its stream after pendingFor or
	// pendingMax frames, or when it closes.
	pendingFor = 2 * time.Second
	pendingMax = 32
	// maxClosedBots closed sandbox-bot streams are kept; older ones go.
	maxClosedBots = 32
)

// botWatcher turns the sandbox's observed frames into one stream per bot
// connection. Its maps belong to its one goroutine.
type botWatcher struct {
	hub    *Hub
	cancel func()
	done   chan struct{}

	streams map[string]*botStream
	pending map[string]*pendingConn
	closed  []string // ids of closed bot streams, oldest first
}

type botStream struct {
	stream *Stream
	peer   string
	closed bool
}

type pendingConn struct {
	since  time.Time
	frames []gateway.WireFrame
}

func startBotWatcher(h *Hub, sb *sandbox.Server) *botWatcher {
	frames, cancel := sb.Observe(observeBuffer)
	w := &botWatcher{hub: h, cancel: cancel, done: make(chan struct{}),
		streams: map[string]*botStream{}, pending: map[string]*pendingConn{}}
	go w.run(frames)
	return w
}

func (w *botWatcher) stop() {
	w.cancel()
	<-w.done
}

func (w *botWatcher) run(frames <-chan gateway.WireFrame) {
	defer close(w.done)
	tick := time.NewTicker(pendingFor / 4)
	defer tick.Stop()
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				return
			}
			w.handle(f)
		case now := <-tick.C:
			for id, p := range w.pending {
				if now.Sub(p.since) >= pendingFor {
					w.promote(id, "")
				}
			}
		}
	}
}

func (w *botWatcher) handle(f gateway.WireFrame) {
	if b, ok := w.streams[f.Conn]; ok {
		if b.peer == "" && w.ownedElsewhere(f.Peer) {
			// It waited too long to identify and was shown as an unnamed
			// bot; now it turns out another stream already has it.
			delete(w.streams, f.Conn)
			w.hub.dropStream(f.Conn)
			return
		}
		w.add(b, f)
		return
	}
	switch {
	case w.ownedElsewhere(f.Peer):
		// The inspector's own connection, or an attached source's: their
		// streams already have it.
		delete(w.pending, f.Conn)
	case f.Peer == "":
		p := w.pending[f.Conn]
		if p == nil {
			p = &pendingConn{since: time.Now()}
			w.pending[f.Conn] = p
		}
		p.frames = append(p.frames, f)
		if f.Close != nil || len(p.frames) >= pendingMax {
			w.promote(f.Conn, "")
		}
	default:
		w.add(w.promote(f.Conn, f.Peer), f)
	}
}

// ownedElsewhere reports whether connections named peer already have a
// stream: the inspector's own, or an attached source's.
func (w *botWatcher) ownedElsewhere(peer string) bool {
	return peer != "" && (peer == client.Peer || w.hub.hides(peer))
}

// promote gives a connection its stream and hands it the frames that
// waited.
func (w *botWatcher) promote(id, peer string) *botStream {
	b := &botStream{peer: peer}
	b.stream = w.hub.newStream(id, KindSandboxBot, botLabel(id, peer),
		State{Kind: StateConnecting, Target: TargetSandbox, Detail: "Connected; waiting for Identify."}, 0)
	w.streams[id] = b
	if p := w.pending[id]; p != nil {
		delete(w.pending, id)
		for _, f := range p.frames {
			w.add(b, f)
		}
	}
	return b
}

func botLabel(id, peer string) string {
	if peer == "" {
		return "a bot on the sandbox (" + id + ")"
	}
	return peer + " on the sandbox"
}

// add records one frame and follows the connection's state from it.
func (w *botWatcher) add(b *botStream, f gateway.WireFrame) {
	rec := b.stream.ingest(f)
	if f.Peer != "" && f.Peer != b.peer {
		b.peer = f.Peer
		b.stream.setLabel(botLabel(b.stream.id, f.Peer))
	}
	if b.closed {
		return
	}
	if rec.Close != nil {
		b.closed = true
		cl := *rec.Close
		b.stream.updateState(func(st *State) bool {
			st.Kind, st.Close, st.Detail = StateClosed, &cl, cl.Sentence()
			return true
		})
		w.closed = append(w.closed, b.stream.id)
		if len(w.closed) > maxClosedBots {
			old := w.closed[0]
			w.closed = w.closed[1:]
			delete(w.streams, old)
			w.hub.dropStream(old)
		}
		return
	}
	b.stream.updateState(func(st *State) bool { return followState(st, rec) })
}

// followState moves a bot's state along with the handshake frames.
func followState(st *State, rec inspector.Record) bool {
	if rec.Op == nil {
		return false
	}
	switch {
	case *rec.Op == gateway.OpIdentify && rec.Dir == gateway.Send:
		var p struct {
			D struct {
				Intents gateway.Intents `json:"intents"`
			} `json:"d"`
		}
		if json.Unmarshal(rec.Payload, &p) == nil {
			st.Intents = p.D.Intents.Names()
		}
		st.Kind, st.Detail = StateConnecting, "Identify sent; waiting for READY."
	case *rec.Op == gateway.OpResume && rec.Dir == gateway.Send:
		st.Kind, st.Detail = StateResuming, "Resume sent; waiting for the missed events and RESUMED."
	case rec.T != nil && *rec.T == "READY":
		var p struct {
			D struct {
				SessionID string `json:"session_id"`
			} `json:"d"`
		}
		if json.Unmarshal(rec.Payload, &p) == nil {
			st.SessionID = p.D.SessionID
		}
		st.Kind, st.Detail, st.Close = StateIdentified, "Logged in: READY arrived.", nil
	case rec.T != nil && *rec.T == "RESUMED":
		st.Kind, st.Detail, st.Close = StateIdentified, "Resumed: RESUMED arrived after the missed events.", nil
	default:
		return false
	}
	return true
}
