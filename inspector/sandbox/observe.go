package sandbox

import (
	"sync"
	"sync/atomic"

	"gatewaytour/inspector/gateway"
)

// observers fan every frame out to subscribers without ever waiting for
// them: a subscriber whose buffer is full loses the frame, and the loss is
// counted.
type observers struct {
	mu      sync.RWMutex
	subs    map[*observer]struct{}
	dropped atomic.Uint64
}

type observer struct {
	ch chan gateway.WireFrame
}

// Observe subscribes to every frame the sandbox exchanges with every client,
// both directions, decoded text plus the size on the wire. buffer frames can
// wait; beyond that frames are dropped (see Dropped) rather than slowing the
// sandbox. cancel ends the subscription and closes the channel.
func (s *Server) Observe(buffer int) (frames <-chan gateway.WireFrame, cancel func()) {
	if buffer < 1 {
		buffer = 1
	}
	o := &observer{ch: make(chan gateway.WireFrame, buffer)}
	s.obs.mu.Lock()
	if s.obs.subs == nil {
		s.obs.subs = map[*observer]struct{}{}
	}
	s.obs.subs[o] = struct{}{}
	s.obs.mu.Unlock()
	var once sync.Once
	return o.ch, func() {
		once.Do(func() {
			s.obs.mu.Lock()
			delete(s.obs.subs, o)
			s.obs.mu.Unlock()
			close(o.ch)
		})
	}
}

// Dropped is how many frames observers have lost, in total, because their
// buffers were full.
func (s *Server) Dropped() uint64 { return s.obs.dropped.Load() }

// publish hands a frame to every observer. data is shared, never modified.
func (s *Server) publish(c *conn, dir gateway.Direction, data []byte, wireSize int, cf *gateway.CloseFrame) {
	s.obs.mu.RLock()
	defer s.obs.mu.RUnlock()
	if len(s.obs.subs) == 0 {
		return
	}
	f := gateway.WireFrame{Conn: c.id, Peer: *c.peer.Load(), Time: s.now(), Dir: dir, Data: data, WireSize: wireSize, Close: cf}
	for o := range s.obs.subs {
		select {
		case o.ch <- f:
		default:
			s.obs.dropped.Add(1)
		}
	}
}

// active reports whether anyone is watching, so work done only for
// observers can be skipped.
func (o *observers) active() bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return len(o.subs) > 0
}

// publishFrame hands a ready-made frame (a REST exchange) to every observer.
func (s *Server) publishFrame(f gateway.WireFrame) {
	s.obs.mu.RLock()
	defer s.obs.mu.RUnlock()
	for o := range s.obs.subs {
		select {
		case o.ch <- f:
		default:
			s.obs.dropped.Add(1)
		}
	}
}
