package live

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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

	streams map[string]*botStream // by connection id: a resumed session's connections share one
	pending map[string]*pendingConn
	closed  []string // ids of closed bot streams, oldest first
	// sessions finds a bot's stream by the session id READY gave it, so a
	// Resume on a new connection continues the same stream.
	sessions map[string]*botStream
	// peerSessions counts the fresh sessions of each peer, to tell a second
	// discord.py session from the first.
	peerSessions map[string]int
}

type botStream struct {
	stream *Stream
	peer   string
	closed bool
	// session numbers this stream among its peer's (1, 2, …); 0 until the
	// peer is known.
	session   int
	sessionID string
	lastClose *inspector.Close
	// resumed is set while a resumed connection replays missed events.
	resumed *replay
}

// replay follows a Resume on a new connection until RESUMED.
type replay struct {
	after    *inspector.Close // how the previous connection ended
	from     int64            // the new connection's first record
	replayed int
}

type pendingConn struct {
	since  time.Time
	frames []gateway.WireFrame
}

func startBotWatcher(h *Hub, sb *sandbox.Server) *botWatcher {
	frames, cancel := sb.Observe(observeBuffer)
	w := &botWatcher{hub: h, cancel: cancel, done: make(chan struct{}),
		streams: map[string]*botStream{}, pending: map[string]*pendingConn{},
		sessions: map[string]*botStream{}, peerSessions: map[string]int{}}
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
// waited. A connection that resumed a session already shown continues that
// session's stream instead.
func (w *botWatcher) promote(id, peer string) *botStream {
	p := w.pending[id]
	delete(w.pending, id)
	b := w.resumedStream(p)
	if b == nil {
		b = &botStream{}
		b.stream = w.hub.newStream(id, KindSandboxBot, botLabel(id, "", 0),
			State{Kind: StateConnecting, Target: TargetSandbox, Detail: "Connected; waiting for Identify."}, 0)
		w.name(b, peer)
	}
	w.streams[id] = b
	if p != nil {
		for _, f := range p.frames {
			w.add(b, f)
		}
	}
	return b
}

// resumedStream finds the stream of the session a pending connection's
// Resume names, and reopens it.
func (w *botWatcher) resumedStream(p *pendingConn) *botStream {
	if p == nil {
		return nil
	}
	for _, f := range p.frames {
		sid, ok := resumeSessionID(f)
		if !ok {
			continue
		}
		b := w.sessions[sid]
		if b == nil {
			return nil
		}
		_, next := b.stream.session.Bounds()
		b.resumed = &replay{after: b.lastClose, from: next}
		if b.closed {
			b.closed = false
			w.closed = slices.DeleteFunc(w.closed, func(id string) bool { return id == b.stream.id })
		}
		return b
	}
	return nil
}

// resumeSessionID reads the session id of a Resume the bot sent.
func resumeSessionID(f gateway.WireFrame) (string, bool) {
	if f.Dir != gateway.Send || f.Data == nil {
		return "", false
	}
	var p struct {
		Op gateway.Opcode `json:"op"`
		D  struct {
			SessionID string `json:"session_id"`
		} `json:"d"`
	}
	if json.Unmarshal(f.Data, &p) != nil || p.Op != gateway.OpResume || p.D.SessionID == "" {
		return "", false
	}
	return p.D.SessionID, true
}

// name labels a stream once its peer is known: the first session of a
// peer is "discord.py on the sandbox", the next fresh Identify "… session 2".
func (w *botWatcher) name(b *botStream, peer string) {
	if peer == "" || peer == b.peer {
		return
	}
	b.peer = peer
	if b.session == 0 {
		w.peerSessions[peer]++
		b.session = w.peerSessions[peer]
	}
	b.stream.setLabel(botLabel(b.stream.id, peer, b.session))
}

func botLabel(id, peer string, session int) string {
	switch {
	case peer == "":
		return "a bot on the sandbox (" + id + ")"
	case session > 1:
		return fmt.Sprintf("%s on the sandbox, session %d", peer, session)
	}
	return peer + " on the sandbox"
}

// add records one frame and follows the connection's state from it.
func (w *botWatcher) add(b *botStream, f gateway.WireFrame) {
	rec := b.stream.ingest(f)
	w.name(b, f.Peer)
	if b.closed {
		return
	}
	if rec.Close != nil {
		b.closed = true
		cl := *rec.Close
		b.lastClose = &cl
		b.stream.updateState(func(st *State) bool {
			st.Kind, st.Close, st.Detail = StateClosed, &cl, cl.Sentence()
			return true
		})
		w.closed = append(w.closed, b.stream.id)
		if len(w.closed) > maxClosedBots {
			w.forget(w.closed[0])
			w.closed = w.closed[1:]
		}
		return
	}
	b.stream.updateState(func(st *State) bool { return followState(st, rec) })
	w.followReplay(b, rec)
	if sid := b.stream.currentState().SessionID; sid != "" && sid != b.sessionID {
		b.sessionID = sid
		w.sessions[sid] = b
	}
}

// followReplay counts the events a resumed connection replays and, at
// RESUMED, marks where the stream carried on.
func (w *botWatcher) followReplay(b *botStream, rec inspector.Record) {
	r := b.resumed
	if r == nil || rec.Dir != gateway.Recv || rec.T == nil {
		return
	}
	if *rec.T != "RESUMED" {
		r.replayed++
		return
	}
	b.resumed = nil
	after := "a dropped connection"
	if r.after != nil {
		after = strconv.Itoa(int(r.after.Code))
	}
	text := fmt.Sprintf("Resumed after %s: %d event(s) replayed.", after, r.replayed)
	b.stream.addDivider(Divider{Index: r.from, Text: text})
	b.stream.updateState(func(st *State) bool {
		st.Detail = text
		return true
	})
}

// forget drops a closed stream for good, with every connection and
// session that led to it.
func (w *botWatcher) forget(id string) {
	for conn, b := range w.streams {
		if b.stream.id == id {
			delete(w.streams, conn)
			if b.sessionID != "" {
				delete(w.sessions, b.sessionID)
			}
		}
	}
	w.hub.dropStream(id)
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
