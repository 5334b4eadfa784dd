// Package inspector turns raw gateway frames into annotated records: what
// each opcode and event means, which intent lets it through, where the guild,
// user and member objects sit, how heartbeats are doing, why a connection
// closed. It also keeps the session: a bounded ring of records that any
// number of viewers can follow, and its NDJSON export.
package inspector

import (
	"bytes"
	"encoding/json"
	"time"

	"gatewaytour/inspector/gateway"
)

// Record is one annotated frame: the frame record of the design, and one
// line of an NDJSON export.
type Record struct {
	// Index is the frame's position in its session; the annotator leaves it
	// zero and the session assigns it.
	Index int64     `json:"index"`
	Time  time.Time `json:"time"`
	// Dir is "recv" (server→client) or "send" (client→server).
	Dir gateway.Direction `json:"dir"`
	// Op is nil for a websocket close and for a frame with no readable op.
	Op     *gateway.Opcode `json:"op"`
	OpName string          `json:"op_name"`
	T      *string         `json:"t"`
	S      *int64          `json:"s"`
	// Size is the number of bytes on the wire (compressed when compression
	// was on); DecodedSize is the length of the decoded text.
	Size        int    `json:"size"`
	DecodedSize int    `json:"decoded_size"`
	Source      string `json:"source"`
	Peer        string `json:"peer,omitempty"`
	// Payload is the decoded frame with the token redacted; a frame that is
	// not JSON is kept as a JSON string of its text.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Summary is one short line for list views ("alice: hello").
	Summary   string     `json:"summary,omitempty"`
	Notes     []string   `json:"notes,omitempty"`
	Terms     []Term     `json:"terms,omitempty"`
	Heartbeat *Heartbeat `json:"heartbeat,omitempty"`
	Close     *Close     `json:"close,omitempty"`
	// Error says why the frame could not be decoded ("not JSON: …").
	Error string `json:"error,omitempty"`
}

// timeLayout is RFC 3339 with every fractional digit written out, so each
// time in an export has the same shape and reads back exactly.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// MarshalJSON writes the record with its time at full precision and
// payload text untouched (no HTML escaping of "<@123>" mentions).
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record // the same fields without this method
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Index int64  `json:"index"`
		Time  string `json:"time"`
		plain
	}{r.Index, r.Time.Format(timeLayout), plain(r)})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// Heartbeat is the timing picture on Hello (op 10), Heartbeat (op 1) and
// Heartbeat ACK (op 11) frames. Durations are milliseconds with microsecond
// precision; absent fields were not knowable for this frame.
type Heartbeat struct {
	IntervalMS int64 `json:"interval_ms"`
	// JitterMS is, on the first beat of a connection, how long after Hello it
	// went out: the random delay clients wait before their first beat.
	JitterMS *float64 `json:"jitter_ms,omitempty"`
	// SinceLastMS is the time since the previous beat (on a beat) or the
	// previous ACK (on an ACK).
	SinceLastMS *float64 `json:"since_last_ms,omitempty"`
	// AckRTTMS is, on an ACK, the time since the beat it answers.
	AckRTTMS *float64 `json:"ack_rtt_ms,omitempty"`
	// NextDueMS and DueAt say when the next beat must go out at the latest.
	NextDueMS *float64   `json:"next_due_ms,omitempty"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	// Late is set on a beat sent later than the interval (plus a little
	// slack) after the previous one, or, for the first, after Hello.
	Late bool `json:"late,omitempty"`
	// MissedAcks counts beats in a row sent while the one before was still
	// unacknowledged: the sign of a zombie connection.
	MissedAcks int `json:"missed_acks,omitempty"`
}

// Close explains a websocket close.
type Close struct {
	Code      gateway.CloseCode `json:"code"`
	Name      string            `json:"name"`
	Reason    string            `json:"reason,omitempty"`
	Meaning   string            `json:"meaning"`
	CanResume bool              `json:"can_resume"`
	Reconnect bool              `json:"reconnect"`
	Fix       string            `json:"fix,omitempty"`
}
