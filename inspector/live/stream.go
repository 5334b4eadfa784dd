package live

import (
	"slices"
	"sync"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// Stream kinds.
const (
	KindInspector  = "inspector"
	KindSandboxBot = "sandbox-bot"
	KindRecording  = "recording"
)

// State kinds.
const (
	StateIdle       = "idle"
	StateConnecting = "connecting"
	StateIdentified = "identified"
	StateResuming   = "resuming"
	StateClosed     = "closed"
	StateStopped    = "stopped"
	StateRecording  = "recording"
)

// Targets of the inspector's connection.
const (
	TargetSandbox = "sandbox"
	TargetDiscord = "discord"
)

const inspectorID = "inspector"

// StreamInfo describes a stream for a list view.
type StreamInfo struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Kind  string `json:"kind"` // "inspector" | "sandbox-bot" | "recording"
	State State  `json:"state"`
	First int64  `json:"first"` // oldest index held
	Next  int64  `json:"next"`  // index the next record will get
}

// State is where a stream's connection stands.
type State struct {
	// Kind is "idle", "connecting", "identified", "resuming", "closed",
	// "stopped" or "recording".
	Kind string `json:"kind"`
	// Detail is a sentence for the reader; it never holds a token.
	Detail string `json:"detail,omitempty"`
	// Target is "sandbox" or "discord".
	Target  string   `json:"target,omitempty"`
	Intents []string `json:"intents,omitempty"`
	// Close is the last close, with its meaning and fix.
	Close     *inspector.Close `json:"close,omitempty"`
	SessionID string           `json:"session_id,omitempty"`
	// Attempt is a connection being tried, or that failed, while this
	// one kept the stream (see attempt.go).
	Attempt *Attempt `json:"attempt,omitempty"`
}

func (st State) clone() State {
	st.Intents = slices.Clone(st.Intents)
	if st.Close != nil {
		c := *st.Close
		st.Close = &c
	}
	if st.Attempt != nil {
		a := *st.Attempt
		st.Attempt = &a
	}
	return st
}

// Stream is one source of frames and the session its records go to.
type Stream struct {
	hub       *Hub
	id, kind  string
	session   *inspector.Session
	annotator *inspector.Annotator

	// ingestMu keeps the session's order equal to the annotation order.
	ingestMu sync.Mutex

	mu    sync.Mutex
	label string
	state State
}

// Info describes the stream as it is now.
func (s *Stream) Info() StreamInfo {
	s.mu.Lock()
	info := StreamInfo{ID: s.id, Label: s.label, Kind: s.kind, State: s.state.clone()}
	s.mu.Unlock()
	info.First, info.Next = s.session.Bounds()
	return info
}

// Session holds the stream's records: Subscribe, Records, ExportNDJSON,
// Bounds.
func (s *Stream) Session() *inspector.Session { return s.session }

// ingest annotates one frame and stores it.
func (s *Stream) ingest(f gateway.WireFrame) inspector.Record {
	s.ingestMu.Lock()
	defer s.ingestMu.Unlock()
	return s.session.Add(s.annotator.Annotate(f))
}

// setState replaces the state and tells the hub's watchers.
func (s *Stream) setState(st State) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.hub.notify()
}

// updateState changes the state in place; watchers hear of it only when
// change reports a change.
func (s *Stream) updateState(change func(*State) bool) {
	s.mu.Lock()
	changed := change(&s.state)
	s.mu.Unlock()
	if changed {
		s.hub.notify()
	}
}

func (s *Stream) setLabel(label string) {
	s.mu.Lock()
	changed := s.label != label
	s.label = label
	s.mu.Unlock()
	if changed {
		s.hub.notify()
	}
}

func (s *Stream) currentState() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.clone()
}
