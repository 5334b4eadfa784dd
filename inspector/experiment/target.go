package experiment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
)

// InspectorStream is the target meaning "the inspector's own connection".
const InspectorStream = "inspector"

// target is the stream an experiment acts on.
type target struct {
	key, label, stream string
	bot                bool
	// session is the sandbox session the target holds; a bot's resumed
	// connection is found by it, and it changes when the target identifies
	// afresh.
	session string
	peer    string // a bot's library, from its stream's label
}

// inspectorLabel is how a result names the inspector's connection.
const inspectorLabel = "the inspector's own connection"

func (e *Engine) target(stream string) (target, error) {
	if stream == "" {
		stream = InspectorStream
	}
	st, ok := e.hub.Stream(stream)
	if !ok {
		return target{}, fmt.Errorf("there is no stream %q: pick the inspector's own connection or a bot that is connected to the sandbox", stream)
	}
	info := st.Info()
	switch info.Kind {
	case live.KindInspector:
		if info.State.Target != live.TargetSandbox || info.State.Kind != live.StateIdentified || info.State.SessionID == "" {
			return target{}, errors.New("the inspector's own connection is not logged in to the sandbox right now (" + strings.TrimSuffix(info.State.Detail, ".") + "): connect it to the sandbox, wait for READY, and press again")
		}
		return target{key: stream, label: inspectorLabel, stream: stream, session: info.State.SessionID}, nil
	case live.KindSandboxBot:
		tg := target{key: stream, label: info.Label + " (" + stream + ")", stream: stream, bot: true, peer: peerOf(info.Label, stream)}
		// A stream carries on over the new connections its session is
		// resumed on, so the session, not the first connection's id, finds
		// the connection that carries it now.
		for _, c := range e.sb.Connections() {
			if c.SessionID != "" && c.SessionID == info.State.SessionID {
				tg.session = c.SessionID
			}
		}
		if tg.session == "" {
			return target{}, fmt.Errorf("%s is no longer logged in to the sandbox (its connection closed or never identified): pick a bot that is connected now", tg.label)
		}
		return tg, nil
	default:
		return target{}, fmt.Errorf("%q is a %s, not a live connection: experiments act on the inspector's own connection or a bot connected to the sandbox", stream, info.Kind)
	}
}

// conn is the sandbox connection that carries the target's session now.
func (r *run) conn() (string, error) {
	var id string
	for _, c := range r.e.sb.Connections() {
		if c.SessionID == r.tg.session {
			id = c.ID // the newest wins: Connections is oldest first
		}
	}
	if id == "" {
		return "", fmt.Errorf("%s has no live connection to the sandbox any more", r.tg.label)
	}
	return id, nil
}

// inspectorIntents are the intents the inspector's client identified with.
func (e *Engine) inspectorIntents() gateway.Intents {
	st, _ := e.hub.Stream(InspectorStream)
	intents, err := gateway.ParseIntents(strings.Join(st.Info().State.Intents, ","))
	if err != nil || intents == 0 {
		return gateway.AllIntents
	}
	return intents
}

// followed is one stream the watcher reads.
type followed struct {
	id   string
	sess *inspector.Session
	next int64
}

// watcher reads the target's records from the moment the experiment began,
// across the streams a bot comes back on: a resume carries on in its stream,
// a fresh Identify starts the bot's next session in a stream of its own.
type watcher struct {
	e       *Engine
	tg      *target
	streams []*followed
	known   map[string]bool
	before  map[string]bool // streams that existed when the experiment began
}

func newWatcher(e *Engine, tg target) *watcher {
	w := &watcher{e: e, tg: &tg, known: map[string]bool{}, before: map[string]bool{}}
	for _, s := range e.hub.Streams() {
		w.before[s.ID] = true
	}
	w.add(tg.stream, false)
	return w
}

// add follows a stream: from its next record, or from its first when it is
// a connection that appeared during the experiment.
func (w *watcher) add(id string, fromStart bool) {
	st, ok := w.e.hub.Stream(id)
	if !ok || w.known[id] {
		return
	}
	w.known[id] = true
	first, next := st.Session().Bounds()
	if fromStart {
		next = first
	}
	w.streams = append(w.streams, &followed{id: id, sess: st.Session(), next: next})
}

// followResumed picks up the streams of a bot's new connections: those that
// carry its session, and, since a library may have to identify afresh, any
// new stream of a bot with the same name that appeared during the experiment.
func (w *watcher) followResumed() {
	if !w.tg.bot {
		return
	}
	for _, c := range w.e.sb.Connections() {
		if c.SessionID == w.tg.session && !w.known[c.ID] {
			w.add(c.ID, true)
		}
	}
	for _, s := range w.e.hub.Streams() {
		if s.Kind == live.KindSandboxBot && !w.known[s.ID] && !w.before[s.ID] && peerOf(s.Label, s.ID) == w.tg.peer {
			w.add(s.ID, true)
		}
	}
}

// peerOf is the library part of a bot stream's label.
func peerOf(label, id string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(label), "("+id+")"))
}

// errMissing says which expected frame never came.
type errMissing struct{ what, target string }

func (e *errMissing) Error() string {
	return fmt.Sprintf("%s did not show %s in time; the steps above are what it did show", e.target, e.what)
}

// next returns the next record that matches, skipping the others.
func (w *watcher) next(ctx context.Context, what string, match func(inspector.Record) bool) (string, inspector.Record, error) {
	for {
		for _, f := range w.streams {
			for _, rec := range f.sess.Records(f.next, 256) {
				f.next = rec.Index + 1
				if match(rec) {
					return f.id, rec, nil
				}
			}
		}
		w.followResumed()
		select {
		case <-ctx.Done():
			return "", inspector.Record{}, &errMissing{what: what, target: w.tg.label}
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Matchers over records.

func isOp(dir gateway.Direction, op gateway.Opcode) func(inspector.Record) bool {
	return func(r inspector.Record) bool { return r.Dir == dir && r.Op != nil && *r.Op == op }
}

func isEvent(t string) func(inspector.Record) bool {
	return func(r inspector.Record) bool { return r.T != nil && *r.T == t }
}

func isClose(r inspector.Record) bool { return r.Close != nil }

func anyOf(ms ...func(inspector.Record) bool) func(inspector.Record) bool {
	return func(r inspector.Record) bool {
		for _, m := range ms {
			if m(r) {
				return true
			}
		}
		return false
	}
}

// who says which side sent a record.
func who(r inspector.Record) string {
	if r.Dir == gateway.Send {
		return "the client"
	}
	return "the sandbox"
}

// closeText describes a close record from its fields.
func closeText(r inspector.Record) string {
	c := r.Close
	s := fmt.Sprintf("%s closed the websocket with %d", who(r), c.Code)
	if c.Name != "" {
		s += " (" + c.Name + ")"
	}
	if c.CanResume {
		s += ", a code after which the session may be resumed"
	} else if c.Code == gateway.CloseNormal || c.Code == gateway.CloseGoingAway {
		s += ", which ends the session"
	}
	return s
}
