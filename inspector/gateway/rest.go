package gateway

import (
	"encoding/json"
	"strconv"
	"time"
)

// RESTExchange is one HTTP request a bot made and the answer it got. REST
// calls are not gateway frames, but a hello-world bot's life is made of both,
// so an exchange travels in a WireFrame (REST set, Data its JSON) and sits in
// the same stream. Headers are never recorded, so the Authorization header,
// which holds the bot token, cannot reach a view.
type RESTExchange struct {
	// HTTP is the method and path as the bot sent them, e.g.
	// "GET /api/v10/gateway/bot".
	HTTP string `json:"http"`
	// Route is the method and Discord's route template the call matched,
	// e.g. "POST /channels/{channel_id}/messages"; empty for a path Discord
	// does not have.
	Route  string `json:"route,omitempty"`
	Status int    `json:"status"`
	// RateLimit holds the rate-limit headers of the answer (X-RateLimit-*,
	// Retry-After) by their canonical names.
	RateLimit map[string]string `json:"rate_limit,omitempty"`
	// Request is the JSON body the bot sent, if any.
	Request json.RawMessage `json:"request,omitempty"`
	// Body is the JSON answer; a non-JSON answer is kept as a JSON string.
	Body json.RawMessage `json:"body,omitempty"`
}

// Frame wraps e as a client→server WireFrame of connection conn. WireSize is
// the request and response bodies together.
func (e RESTExchange) Frame(conn, peer string, at time.Time) WireFrame {
	e.Request = asJSON(e.Request)
	e.Body = asJSON(e.Body)
	data, _ := json.Marshal(e)
	return WireFrame{Conn: conn, Peer: peer, Time: at, Dir: Send, Data: data, WireSize: len(e.Request) + len(e.Body), REST: &e}
}

// Line is a one-line summary: "GET /api/v10/gateway/bot → 200".
func (e RESTExchange) Line() string {
	return e.HTTP + " → " + strconv.Itoa(e.Status)
}

// IsRESTExchange reports whether a frame's Data is a RESTExchange rather
// than a gateway payload (it has an "http" key and no "op").
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
