package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Payload is the envelope every gateway frame uses, in both directions.
// S and T are set only on dispatches (op 0); the server writes them as
// explicit nulls otherwise, which is why they are pointers without omitempty.
type Payload struct {
	Op Opcode          `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// MaxClientFrame is the largest frame a client may send; anything larger is
// closed with CloseDecodeError.
const MaxClientFrame = 4096

// DecodePayload parses one JSON frame into the envelope. It rejects frames
// that are not a JSON object with a numeric "op", which the gateway treats as
// a decode error. The envelope's keys match exactly, as the gateway reads
// them: encoding/json on its own would also take "OP" or "Op" for op.
func DecodePayload(frame []byte) (Payload, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(frame, &m); err != nil {
		return Payload{}, fmt.Errorf("gateway: frame is not a JSON payload: %w", err)
	}
	rawOp, ok := m["op"]
	if !ok || string(rawOp) == "null" {
		return Payload{}, fmt.Errorf("gateway: payload has no \"op\"")
	}
	var p Payload
	for _, f := range []struct {
		key string
		to  any
	}{{"op", &p.Op}, {"s", &p.S}, {"t", &p.T}} {
		if raw, ok := m[f.key]; ok {
			if err := json.Unmarshal(raw, f.to); err != nil {
				return Payload{}, fmt.Errorf("gateway: frame is not a JSON payload: %w", err)
			}
		}
	}
	p.D = m["d"]
	return p, nil
}

// NewPayload builds a non-dispatch payload with d marshalled to JSON.
func NewPayload(op Opcode, d any) (Payload, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return Payload{}, err
	}
	return Payload{Op: op, D: raw}, nil
}

// NewDispatch builds an op 0 payload for event t with sequence s.
func NewDispatch(t string, s int64, d any) (Payload, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return Payload{}, err
	}
	return Payload{Op: OpDispatch, D: raw, S: &s, T: &t}, nil
}

// Hello is op 10's d.
type Hello struct {
	HeartbeatInterval int `json:"heartbeat_interval"`
}

// IdentifyProperties describes the connecting client. Older clients (discordgo)
// still send the "$os" spelling, which Discord honours; UnmarshalJSON accepts both.
type IdentifyProperties struct {
	OS      string `json:"os"`
	Browser string `json:"browser"`
	Device  string `json:"device"`
}

func (p *IdentifyProperties) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	pick := func(key string) string {
		for _, k := range []string{key, "$" + key} {
			if s, ok := m[k].(string); ok {
				return s
			}
		}
		return ""
	}
	p.OS, p.Browser, p.Device = pick("os"), pick("browser"), pick("device")
	return nil
}

// Identify is op 2's d.
type Identify struct {
	Token          string             `json:"token"`
	Properties     IdentifyProperties `json:"properties"`
	Intents        Intents            `json:"intents"`
	Compress       bool               `json:"compress,omitempty"`
	LargeThreshold int                `json:"large_threshold,omitempty"`
	Shard          *[2]int            `json:"shard,omitempty"`
	Presence       json.RawMessage    `json:"presence,omitempty"`
}

// Resume is op 6's d.
type Resume struct {
	Token     string `json:"token"`
	SessionID string `json:"session_id"`
	Seq       int64  `json:"seq"`
}

// RequestGuildMembers is op 8's d. Some libraries send guild_id as a JSON
// number, so it is a Snowflake, which accepts both forms.
type RequestGuildMembers struct {
	GuildID   Snowflake   `json:"guild_id"`
	Query     *string     `json:"query,omitempty"`
	Limit     int         `json:"limit"`
	Presences bool        `json:"presences,omitempty"`
	UserIDs   []Snowflake `json:"user_ids,omitempty"`
	Nonce     string      `json:"nonce,omitempty"`
}

// UnavailableGuild is how READY lists guilds before GUILD_CREATE fills them in.
type UnavailableGuild struct {
	ID          Snowflake `json:"id"`
	Unavailable bool      `json:"unavailable"`
}

// PartialApplication is READY's application field.
type PartialApplication struct {
	ID    Snowflake `json:"id"`
	Flags int       `json:"flags"`
}

// Ready is the READY dispatch's d.
type Ready struct {
	V                int                `json:"v"`
	User             User               `json:"user"`
	Guilds           []UnavailableGuild `json:"guilds"`
	SessionID        string             `json:"session_id"`
	ResumeGatewayURL string             `json:"resume_gateway_url"`
	Shard            *[2]int            `json:"shard,omitempty"`
	Application      PartialApplication `json:"application"`
	PrivateChannels  []json.RawMessage  `json:"private_channels"`
}

// GatewayBot is the body of GET /gateway/bot.
type GatewayBot struct {
	URL               string            `json:"url"`
	Shards            int               `json:"shards"`
	SessionStartLimit SessionStartLimit `json:"session_start_limit"`
}

// SessionStartLimit counts identifies left in the current window.
type SessionStartLimit struct {
	Total          int `json:"total"`
	Remaining      int `json:"remaining"`
	ResetAfter     int `json:"reset_after"`
	MaxConcurrency int `json:"max_concurrency"`
}

// JSONProblem says what is wrong with a payload's JSON in the protocol's own
// terms, for a close reason or an error a bot author reads: which field
// holds what, never Go's type names (an encoding/json error names the Go
// struct and type it was decoding into, which mean nothing outside this code).
func JSONProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		want := "of another type"
		if te.Type != nil {
			want = jsonKind(te.Type)
		}
		got := map[string]string{"string": "a string", "number": "a number", "bool": "a boolean",
			"array": "an array", "object": "an object"}[te.Value]
		if got == "" {
			got = te.Value // "number 1.5": a number out of the field's range
		}
		if te.Field == "" {
			return "the value must be " + want + ", not " + got
		}
		return "field " + te.Field + " must be " + want + ", not " + got
	case errors.As(err, &se):
		return "not valid JSON at byte " + strconv.FormatInt(se.Offset, 10)
	case err == nil:
		return ""
	}
	return strings.TrimPrefix(err.Error(), "gateway: ")
}

// jsonKind names the JSON a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "of another type"
}
