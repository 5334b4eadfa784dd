package live

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"sync"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// A reader who switches the panel from the sandbox to Discord (or to the
// sandbox with other intents) keeps watching the sandbox until the new
// connection is logged in: a mistyped token or a machine without network
// must not cost them the session they had. So while the current connection
// is identified, a new one is an attempt. Its frames and state changes are
// held back, the stream's State carries its progress as an Attempt, and
// only its READY hands the stream over: the old connection closes with
// 1000 on the record, then the held frames follow. A failed attempt is
// explained in the Attempt and nothing else changes.

// Attempt kinds.
const (
	AttemptConnecting = "connecting"
	AttemptFailed     = "failed"
)

// maxHeldFrames bounds what an attempt keeps before READY. Hello, Identify,
// heartbeats and READY are a handful; a server that floods frames before
// READY is cut off here (the attempt fails).
const maxHeldFrames = 1024

// Attempt is a connection tried while another one keeps the stream.
type Attempt struct {
	// ID numbers attempts, so a page can dismiss one failure and still
	// hear of the next.
	ID     int    `json:"id"`
	Target string `json:"target"`
	// Kind is "connecting" or "failed".
	Kind string `json:"kind"`
	// Detail is a sentence for the reader; it never holds a token.
	Detail string `json:"detail"`
}

// held is an attempt's backlog. While on, frames and states wait here.
type held struct {
	mu     sync.Mutex
	on     bool
	id     int // the Attempt's ID
	frames []gateway.WireFrame
	states []client.State
}

// hold keeps f back if c is still an attempt; it reports whether it did.
func (c *connection) hold(f gateway.WireFrame) bool {
	c.held.mu.Lock()
	defer c.held.mu.Unlock()
	if !c.held.on {
		return false
	}
	if len(c.held.frames) < maxHeldFrames {
		c.held.frames = append(c.held.frames, f)
	} else if !c.retired.Load() {
		c.cancel()
	}
	return true
}

// holdState handles a state change of an attempt; it reports false when c
// is no attempt (any more) and the change is the stream's.
func (h *Hub) holdState(c *connection, s client.State) bool {
	c.held.mu.Lock()
	defer c.held.mu.Unlock()
	if !c.held.on {
		return false
	}
	switch s.Kind {
	case client.StateReady:
		c.held.states = append(c.held.states, s)
		go h.promote(c)
	case client.StateClosed, client.StateWaiting, client.StateStopped:
		// Anything but READY after connecting means this attempt failed:
		// say why, and let the current connection carry on.
		c.retired.Store(true)
		c.cancel()
		detail := h.attemptFailure(c, s)
		h.setAttempt(&Attempt{ID: c.held.id, Target: c.target, Kind: AttemptFailed, Detail: detail})
		h.log.Info("inspector attempt failed; the current connection stays", "target", c.target)
		go h.forgetAttempt(c)
	default:
		c.held.states = append(c.held.states, s)
	}
	return true
}

// promote hands the stream to an attempt that reached READY: the old
// connection closes (its 1000 is recorded), then the attempt's held frames
// and states are replayed in order, and frames flow straight in from then
// on.
func (h *Hub) promote(c *connection) {
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	if h.pending != c || c.retired.Load() {
		return
	}
	h.pending = nil
	if old := h.conn; old != nil {
		old.stop()
	}
	h.conn = c
	h.inspector.setLabel(inspectorLabel(c.target))
	h.setAttempt(nil)
	c.held.mu.Lock()
	defer c.held.mu.Unlock()
	for _, f := range c.held.frames {
		h.record(c, f)
	}
	c.held.on = false
	for _, s := range c.held.states {
		h.applyState(c, s)
	}
	c.held.frames, c.held.states = nil, nil
}

// stopAttempt ends the attempt, if any, and forgets it. The caller holds
// connectMu.
func (h *Hub) stopAttempt() {
	c := h.pending
	if c == nil {
		h.setAttempt(nil)
		return
	}
	h.pending = nil
	c.stop()
	h.setAttempt(nil)
}

// forgetAttempt drops a failed attempt once it has been explained.
func (h *Hub) forgetAttempt(c *connection) {
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	if h.pending == c {
		h.pending = nil
	}
}

func (h *Hub) setAttempt(a *Attempt) {
	h.inspector.updateState(func(st *State) bool {
		if st.Attempt == nil && a == nil {
			return false
		}
		st.Attempt = a
		return true
	})
}

func attemptConnecting(target string) string {
	return "Connecting to " + targetName(target) + "; the panel stays on its current connection until READY arrives."
}

// attemptFailure says why an attempt ended before READY.
func (h *Hub) attemptFailure(c *connection, s client.State) string {
	prefix := "Could not log in to " + targetName(c.target) + ": "
	if s.Err != nil {
		if why, ok := unreachable(s.Err, h.targetHost(c.target)); ok {
			return why
		}
	}
	switch {
	case s.Kind == client.StateClosed && s.Code != 0:
		return prefix + closeSentence(c.closeFor(s))
	case s.Err != nil && !errors.Is(s.Err, context.Canceled):
		var ce *client.CloseError
		if errors.As(s.Err, &ce) {
			return prefix + closeSentence(c.closeFor(client.State{Code: ce.Code}))
		}
		return prefix + c.scrub(s.Err.Error())
	case s.Kind == client.StateWaiting:
		return prefix + "the connection was lost before READY."
	}
	return prefix + "it stopped before READY."
}

// targetHost names the machine a target lives on, for sentences.
func (h *Hub) targetHost(target string) string {
	base := h.discordREST
	if target == TargetSandbox {
		h.mu.Lock()
		base = h.sandboxREST
		h.mu.Unlock()
	}
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "the server"
}

// unreachable turns a failure to reach a host (no such name, refused,
// unreachable network, timeout) into a sentence for the reader; ok is false
// for every other error.
func unreachable(err error, host string) (sentence string, ok bool) {
	var dns *net.DNSError
	var op *net.OpError
	why := ""
	switch {
	case errors.As(err, &dns):
		why = "its name could not be looked up"
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		why = "it did not answer in time"
	case errors.As(err, &op):
		why = "the connection was refused or the network is unreachable"
	default:
		return "", false
	}
	return host + " could not be reached from this machine: check your connection (" + why + ").", true
}
