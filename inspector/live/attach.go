package live

import (
	"strconv"

	"gatewaytour/inspector/gateway"
)

// KindAttached is a stream fed by a source the caller runs itself, such as
// the hello-world walk-through's bot.
const KindAttached = "attached"

// Attach opens a stream for a frame source the caller runs (its gateway
// frames and REST exchanges go to sink, in order, and sink returns each
// one's record index in the stream). The sandbox sees such a
// bot too; its connections with peer name hidePeer are left to this stream
// instead of appearing a second time as a sandbox bot. detach ends the
// stream's life as a live source and stops hiding the peer once no attached
// stream uses it; the records stay readable.
func (h *Hub) Attach(prefix, label, hidePeer string) (info StreamInfo, sink func(gateway.WireFrame) int64, detach func()) {
	h.mu.Lock()
	h.attached++
	id := prefix + "-" + strconv.Itoa(h.attached)
	if hidePeer != "" {
		if h.hidden == nil {
			h.hidden = map[string]int{}
		}
		h.hidden[hidePeer]++
	}
	h.mu.Unlock()

	s := h.newStream(id, KindAttached, label, State{Kind: StateConnecting, Target: TargetSandbox, Detail: "Starting."}, 0)
	sink = func(f gateway.WireFrame) int64 {
		rec := s.ingest(f)
		if rec.Close != nil {
			cl := *rec.Close
			s.updateState(func(st *State) bool {
				st.Kind, st.Close, st.Detail = StateClosed, &cl, cl.Sentence()
				return true
			})
			return rec.Index
		}
		s.updateState(func(st *State) bool { return followState(st, rec) })
		return rec.Index
	}
	var once bool
	detach = func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if once {
			return
		}
		once = true
		if hidePeer != "" {
			if h.hidden[hidePeer]--; h.hidden[hidePeer] <= 0 {
				delete(h.hidden, hidePeer)
			}
		}
	}
	return s.Info(), sink, detach
}

// hides reports whether sandbox connections named peer belong to an
// attached stream.
func (h *Hub) hides(peer string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hidden[peer] > 0
}
