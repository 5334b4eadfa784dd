package proxy

import (
	"encoding/json"
	"fmt"
	"time"

	"gatewaytour/inspector/gateway"
)

// RESTExchange is one HTTP request and its answer, carried in a WireFrame's
// Data so REST calls can sit in the same stream as gateway frames. It has an
// "http" key and no "op": that is how a reader tells it from a gateway
// payload. Headers are never recorded, so an Authorization header (the bot
// token) cannot reach a view.
type RESTExchange struct {
	// HTTP is the method and path as the bot sent them, e.g.
	// "GET /api/v10/gateway/bot".
	HTTP   string `json:"http"`
	Status int    `json:"status"`
	// Request is the JSON body the bot sent, if any.
	Request json.RawMessage `json:"request,omitempty"`
	// Body is the JSON answer; a non-JSON answer is kept as a JSON string.
	Body json.RawMessage `json:"body,omitempty"`
}

// Frame wraps e as a client→server WireFrame of connection conn. WireSize is
// the request and response bodies together.
func (e RESTExchange) Frame(conn, peer string, at time.Time) gateway.WireFrame {
	e.Request = asJSON(e.Request)
	e.Body = asJSON(e.Body)
	data, _ := json.Marshal(e)
	return gateway.WireFrame{Conn: conn, Peer: peer, Time: at, Dir: gateway.Send, Data: data, WireSize: len(e.Request) + len(e.Body)}
}

// IsRESTExchange reports whether a frame's Data is a RESTExchange rather
// than a gateway payload.
func IsRESTExchange(data []byte) bool {
	var probe struct {
		HTTP *string         `json:"http"`
		Op   json.RawMessage `json:"op"`
	}
	return json.Unmarshal(data, &probe) == nil && probe.HTTP != nil && probe.Op == nil
}

// asJSON keeps b when it is JSON and quotes it as a string otherwise, so an
// exchange always marshals.
func asJSON(b []byte) json.RawMessage {
	if len(b) == 0 || json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// ExchangeLine is a one-line description of a REST exchange frame for a
// terminal, e.g. "REST ↑ GET /api/v10/gateway/bot → 200 (245 B)"; ok is
// false when the frame is not one.
func ExchangeLine(f gateway.WireFrame) (line string, ok bool) {
	if !IsRESTExchange(f.Data) {
		return "", false
	}
	var e RESTExchange
	if json.Unmarshal(f.Data, &e) != nil {
		return "", false
	}
	return fmt.Sprintf("REST ↑ %s → %d (%d B)", e.HTTP, e.Status, f.WireSize), true
}
