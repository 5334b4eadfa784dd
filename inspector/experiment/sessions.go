package experiment

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// see waits for a record and reports it as a step built by describe.
func (r *run) see(what string, match func(inspector.Record) bool, describe func(inspector.Record) string) (inspector.Record, error) {
	stream, rec, err := r.w.next(r.ctx, what, match)
	if err != nil {
		return rec, err
	}
	r.step(stream, rec.Index, "%s", describe(rec))
	return rec, nil
}

// seeClose waits for the first close, from either side.
func (r *run) seeClose() (inspector.Record, error) {
	return r.see("the connection closing", isClose, closeText)
}

// comeback follows a client back after its connection ended: Hello on the new
// socket, then Resume (the replayed events, RESUMED) or Identify (READY).
// It returns how many dispatches were replayed, -1 after an Identify.
func (r *run) comeback(after inspector.Record) (replayed []int64, err error) {
	if _, err := r.see("Hello on a new connection", isOp(gateway.Recv, gateway.OpHello), func(rec inspector.Record) string {
		text := "a new connection: Hello"
		if rec.Heartbeat != nil {
			text += fmt.Sprintf(" with heartbeat_interval %d ms", rec.Heartbeat.IntervalMS)
		}
		if gap := rec.Time.Sub(after.Time); gap >= 500*time.Millisecond {
			text += fmt.Sprintf(", %.1f s after", gap.Seconds())
		}
		return text
	}); err != nil {
		return nil, err
	}
	login, err := r.see("Resume or Identify", anyOf(isOp(gateway.Send, gateway.OpResume), isOp(gateway.Send, gateway.OpIdentify)), describeLogin)
	if err != nil {
		return nil, err
	}
	identified := *login.Op == gateway.OpIdentify
	for {
		stream, rec, err := r.w.next(r.ctx, "RESUMED or READY", anyOf(isOp(gateway.Recv, gateway.OpDispatch), isOp(gateway.Recv, gateway.OpInvalidSession), isOp(gateway.Send, gateway.OpIdentify)))
		if err != nil {
			return replayed, err
		}
		switch {
		case *rec.Op == gateway.OpInvalidSession:
			r.step(stream, rec.Index, "op 9 Invalid Session with d: %s: the session cannot be resumed, so the client must identify afresh", payloadD(rec))
		case *rec.Op == gateway.OpIdentify:
			identified = true
			r.step(stream, rec.Index, "%s", describeLogin(rec))
		case *rec.T == "READY" && identified:
			r.step(stream, rec.Index, "READY (s %d): logged in again with a fresh session_id", deref(rec.S))
			r.tg.session = sessionIDOf(rec)
			r.w.tg.session = r.tg.session
			return nil, nil
		case *rec.T == "RESUMED":
			r.step(stream, rec.Index, "%s", resumedText(replayed))
			return replayed, nil
		case !identified:
			replayed = append(replayed, deref(rec.S))
			r.step(stream, rec.Index, "replayed: %s with its original s %d", *rec.T, deref(rec.S))
		}
	}
}

func describeLogin(rec inspector.Record) string {
	if *rec.Op == gateway.OpIdentify {
		return "the client sent Identify (op 2): a new session, the old one's events are gone"
	}
	return fmt.Sprintf("the client sent Resume (op 6) with seq %d, the last s it had", resumeSeq(rec))
}

func resumedText(replayed []int64) string {
	switch len(replayed) {
	case 0:
		return "RESUMED: the session goes on, and nothing happened meanwhile, so nothing was replayed"
	case 1:
		return fmt.Sprintf("RESUMED, after the 1 event it missed was replayed (s %d)", replayed[0])
	default:
		return fmt.Sprintf("RESUMED, after the %d events it missed were replayed (s %d to %d)", len(replayed), replayed[0], replayed[len(replayed)-1])
	}
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// dOf decodes a record's d as T.
func dOf[T any](rec inspector.Record) T {
	var p struct {
		D T `json:"d"`
	}
	_ = json.Unmarshal(rec.Payload, &p)
	return p.D
}

func resumeSeq(rec inspector.Record) int64 { return dOf[gateway.Resume](rec).Seq }

func sessionIDOf(rec inspector.Record) string { return dOf[gateway.Ready](rec).SessionID }

func runReconnect(r *run) error {
	id, err := r.conn()
	if err != nil {
		return err
	}
	if err := r.e.sb.Reconnect(id); err != nil {
		return err
	}
	if _, err := r.see("op 7 Reconnect", isOp(gateway.Recv, gateway.OpReconnect), func(inspector.Record) string {
		return "the sandbox sent op 7 Reconnect"
	}); err != nil {
		return err
	}
	closed, err := r.seeClose()
	if err != nil {
		return err
	}
	_, err = r.comeback(closed)
	return err
}

func runInvalidSession(resumable bool) func(*run) error {
	return func(r *run) error {
		id, err := r.conn()
		if err != nil {
			return err
		}
		if err := r.e.sb.InvalidateSession(id, resumable); err != nil {
			return err
		}
		op9, err := r.see("op 9 Invalid Session", isOp(gateway.Recv, gateway.OpInvalidSession), func(rec inspector.Record) string {
			d := payloadD(rec)
			if d == "true" {
				return "the sandbox sent op 9 Invalid Session with d: true (the session may be resumed)"
			}
			return "the sandbox sent op 9 Invalid Session with d: " + d + " (the session is gone)"
		})
		if err != nil {
			return err
		}
		if _, err := r.seeClose(); err != nil {
			return err
		}
		_, err = r.comeback(op9)
		return err
	}
}

// payloadD is a record's d as JSON text.
func payloadD(rec inspector.Record) string {
	return strings.TrimSpace(string(dOf[json.RawMessage](rec)))
}

// missedEvents is how many messages the drop experiment posts while the
// connection is down.
const missedEvents = 3

func runDrop(r *run) error {
	id, err := r.conn()
	if err != nil {
		return err
	}
	if err := r.e.sb.DropConnection(id, missedEvents); err != nil {
		return err
	}
	closed, err := r.see("the connection dropping", isClose, func(rec inspector.Record) string {
		return fmt.Sprintf("the TCP connection dropped without a close frame (recorded as %d) while %d messages were posted in #general", rec.Close.Code, missedEvents)
	})
	if err != nil {
		return err
	}
	replayed, err := r.comeback(closed)
	if err != nil {
		return err
	}
	if len(replayed) < missedEvents { // the scripted chatter may add some
		return fmt.Errorf("%d events were replayed, but %d happened while the connection was down", len(replayed), missedEvents)
	}
	return nil
}
