package experiment

import (
	"fmt"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// zombieInterval is the heartbeat_interval the zombie experiment asks the
// sandbox to offer: two unanswered beats then take seconds, not minutes.
const zombieInterval = 2 * time.Second

// runZombie stops the ACKs on a connection. It first has the client
// reconnect (op 7) to a Hello with a short heartbeat_interval, so the client
// notices the silence quickly; the connection it comes back on afterwards
// gets the ordinary interval again.
func runZombie(r *run) error {
	id, err := r.conn()
	if err != nil {
		return err
	}
	if err := r.e.sb.OfferHeartbeatInterval(zombieInterval); err != nil {
		return err
	}
	if err := r.e.sb.Reconnect(id); err != nil {
		return err
	}
	if _, err := r.see("op 7 Reconnect", isOp(gateway.Recv, gateway.OpReconnect), func(inspector.Record) string {
		return fmt.Sprintf("to make this quick, the sandbox sent op 7 so the client comes back to a Hello with heartbeat_interval %d ms", zombieInterval.Milliseconds())
	}); err != nil {
		return err
	}
	closed, err := r.seeClose()
	if err != nil {
		return err
	}
	if _, err := r.comeback(closed); err != nil {
		return err
	}
	if id, err = r.conn(); err != nil {
		return err
	}
	r.e.sb.PauseACKs(id, true)
	defer r.e.sb.PauseACKs(id, false) // if the client never gives up, the deadline must not leave it paused

	// Count the beats that go unanswered until the connection ends.
	var beats []inspector.Record
	var end inspector.Record
	for {
		stream, rec, err := r.w.next(r.ctx, "the client giving up on the silent connection", anyOf(isOp(gateway.Send, gateway.OpHeartbeat), isOp(gateway.Recv, gateway.OpHeartbeatACK), isClose))
		if err != nil {
			return err
		}
		if rec.Op != nil && *rec.Op == gateway.OpHeartbeatACK {
			// A beat that reached the sandbox just before the pause took
			// hold was answered: the silence starts after it.
			if len(beats) > 0 {
				r.steps = r.steps[:len(r.steps)-1]
			}
			beats = beats[:0]
			continue
		}
		if rec.Close == nil {
			if len(beats) == 0 {
				r.step(stream, rec.Index, "the sandbox stopped answering heartbeats: this beat (op 1, d = %s) gets no op 11 ACK", payloadD(rec))
			}
			beats = append(beats, rec)
			continue
		}
		end = rec
		text := closeText(rec)
		if len(beats) > 0 {
			text = fmt.Sprintf("%.1f s after the unanswered beat, the client called the connection a zombie: %s", rec.Time.Sub(beats[0].Time).Seconds(), text)
			if len(beats) > 1 {
				text += fmt.Sprintf(" (it sent %d beats without an ACK)", len(beats))
			}
		}
		r.step(stream, rec.Index, "%s", text)
		break
	}
	_, err = r.comeback(end)
	return err
}

// runHeartbeatRequest sends op 1 from the server, which asks the client for
// a beat right away.
func runHeartbeatRequest(r *run) error {
	id, err := r.conn()
	if err != nil {
		return err
	}
	if err := r.e.sb.RequestHeartbeat(id); err != nil {
		return err
	}
	asked, err := r.see("op 1 from the sandbox", isOp(gateway.Recv, gateway.OpHeartbeat), func(inspector.Record) string {
		return "the sandbox sent op 1 Heartbeat: a request for a beat now, not at the next interval"
	})
	if err != nil {
		return err
	}
	beat, err := r.see("the client's answering beat", isOp(gateway.Send, gateway.OpHeartbeat), func(rec inspector.Record) string {
		return fmt.Sprintf("the client answered with its own op 1 (d = %s) %d ms later", payloadD(rec), rec.Time.Sub(asked.Time).Milliseconds())
	})
	if err != nil {
		return err
	}
	_, err = r.see("op 11", isOp(gateway.Recv, gateway.OpHeartbeatACK), func(rec inspector.Record) string {
		return fmt.Sprintf("op 11 ACK %d ms after that beat; the regular rhythm goes on", rec.Time.Sub(beat.Time).Milliseconds())
	})
	return err
}
