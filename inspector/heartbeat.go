package inspector

import (
	"fmt"
	"time"
)

// connState is what the annotator remembers about one connection.
type connState struct {
	peer     string
	interval time.Duration
	helloAt  time.Time
	beats    int
	lastBeat time.Time
	pending  time.Time // the unacknowledged beat, zero when none
	lastAck  time.Time
	missed   int
	lastS    int64
	haveS    bool
}

// lateSlack is how much later than the interval a beat may go out before it
// is called late: a twentieth of the interval, at least 50 ms.
func lateSlack(interval time.Duration) time.Duration {
	return max(interval/20, 50*time.Millisecond)
}

func millis(d time.Duration) *float64 {
	ms := float64(d.Microseconds()) / 1000
	return &ms
}

func (cs *connState) hello(r *Record, interval time.Duration) {
	now := r.Time
	cs.interval, cs.helloAt = interval, now
	cs.beats, cs.lastBeat, cs.pending, cs.lastAck, cs.missed = 0, time.Time{}, time.Time{}, time.Time{}, 0
	hb := &Heartbeat{IntervalMS: interval.Milliseconds()}
	if interval > 0 {
		due := now.Add(interval)
		hb.NextDueMS, hb.DueAt = millis(interval), &due
	}
	r.Heartbeat = hb
	r.Summary = fmt.Sprintf("beat every %s", fmtDuration(interval))
	r.Notes = append(r.Notes, fmt.Sprintf("The client must beat every %s; its first beat should wait a random fraction of that (jitter) so reconnecting bots do not all beat at once.", fmtDuration(interval)))
}

// beat handles a client heartbeat (op 1 sent) whose d is seq.
func (cs *connState) beat(r *Record, seq *int64, seqNull bool) {
	now := r.Time
	hb := &Heartbeat{IntervalMS: cs.interval.Milliseconds()}
	slack := lateSlack(cs.interval)
	switch {
	case cs.helloAt.IsZero():
		r.Notes = append(r.Notes, "No Hello was seen on this connection yet, so the beat cannot be timed.")
	case cs.beats == 0:
		wait := now.Sub(cs.helloAt)
		hb.JitterMS = millis(wait)
		if cs.interval > 0 && wait > cs.interval+slack {
			hb.Late = true
			r.Notes = append(r.Notes, fmt.Sprintf("Late: the first beat came %s after Hello, past the %s interval.", fmtDuration(wait), fmtDuration(cs.interval)))
		}
	default:
		since := now.Sub(cs.lastBeat)
		hb.SinceLastMS = millis(since)
		if cs.interval > 0 && since > cs.interval+slack {
			hb.Late = true
			r.Notes = append(r.Notes, fmt.Sprintf("Late: %s since the previous beat, for a %s interval. The gateway disconnects a client that misses its deadline.", fmtDuration(since), fmtDuration(cs.interval)))
		}
	}
	if !cs.pending.IsZero() {
		cs.missed++
		hb.MissedAcks = cs.missed
		r.Notes = append(r.Notes, "The previous beat was never acknowledged: the connection may be a zombie. A client should close with a code other than 1000 and resume.")
	}
	switch {
	case seqNull && cs.haveS:
		r.Notes = append(r.Notes, fmt.Sprintf("d is null, but the last sequence received was %d; d should carry it.", cs.lastS))
	case seq != nil && cs.haveS && *seq != cs.lastS:
		r.Notes = append(r.Notes, fmt.Sprintf("d is %d, but the last sequence received was %d.", *seq, cs.lastS))
	}
	cs.beats++
	cs.lastBeat, cs.pending = now, now
	if cs.interval > 0 {
		due := now.Add(cs.interval)
		hb.NextDueMS, hb.DueAt = millis(cs.interval), &due
	}
	r.Heartbeat = hb
	if seq != nil {
		r.Summary = fmt.Sprintf("beat, last s=%d", *seq)
	} else {
		r.Summary = "beat, no sequence yet"
	}
}

// ack handles a Heartbeat ACK (op 11 received).
func (cs *connState) ack(r *Record) {
	now := r.Time
	hb := &Heartbeat{IntervalMS: cs.interval.Milliseconds()}
	if !cs.lastAck.IsZero() {
		hb.SinceLastMS = millis(now.Sub(cs.lastAck))
	}
	if cs.pending.IsZero() {
		r.Summary = "ACK"
		r.Notes = append(r.Notes, "No heartbeat was waiting for this ACK.")
	} else {
		rtt := now.Sub(cs.pending)
		hb.AckRTTMS = millis(rtt)
		r.Summary = "ACK after " + fmtDuration(rtt)
	}
	cs.pending, cs.missed, cs.lastAck = time.Time{}, 0, now
	r.Heartbeat = hb
}

// serverBeat handles op 1 from the server: a request to beat now.
func (cs *connState) serverBeat(r *Record) {
	hb := &Heartbeat{IntervalMS: cs.interval.Milliseconds()}
	if !cs.lastBeat.IsZero() {
		hb.SinceLastMS = millis(r.Time.Sub(cs.lastBeat))
	}
	r.Heartbeat = hb
	r.Summary = "server asks for a beat now"
	r.Notes = append(r.Notes, "The server wants a heartbeat right away: the client must send op 1 at once, without waiting for its timer.")
}

// sequence tracks s on dispatches and notes gaps within the connection.
func (cs *connState) sequence(r *Record, s int64) {
	if cs.haveS && s != cs.lastS+1 && s > cs.lastS {
		r.Notes = append(r.Notes, fmt.Sprintf("The sequence jumped from %d to %d on this connection.", cs.lastS, s))
	}
	if !cs.haveS || s > cs.lastS {
		cs.lastS, cs.haveS = s, true
	}
}

func fmtDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.3f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%d µs", d.Microseconds())
}
