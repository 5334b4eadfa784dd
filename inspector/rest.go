package inspector

import (
	"strings"

	"gatewaytour/inspector/gateway"
)

// restOpName is the op_name of records that are REST calls, not frames.
const restOpName = "REST"

// annotateREST describes an HTTP exchange a bot made beside the gateway.
func annotateREST(r *Record, e *gateway.RESTExchange, data []byte) {
	r.OpName = restOpName
	r.Payload = compactIfNeeded(data)
	r.Summary = e.Line()
	r.Notes = append(r.Notes, "A REST call over HTTPS, beside the gateway: this is how a bot acts (sends messages, reads data). Headers are not recorded, so the Authorization header and its token never appear here.")
	if note := restEndpointNote(e.HTTP); note != "" {
		r.Notes = append(r.Notes, note)
	}
	switch {
	case e.Status == 101:
		r.Notes = append(r.Notes, "101 Switching Protocols: the HTTP request became the gateway websocket.")
	case e.Status == 401:
		r.Notes = append(r.Notes, "401 Unauthorized: the token is missing or wrong; the bot cannot act until it has a valid one.")
	case e.Status == 429:
		r.Notes = append(r.Notes, "429 Too Many Requests: a rate limit was hit; the body's retry_after (and the Retry-After header) says how long to wait.")
	case e.Status >= 400:
		r.Notes = append(r.Notes, "An error: Discord's body says what went wrong as {\"code\", \"message\"}.")
	}
}

// restEndpointNote explains the endpoints a hello-world bot touches.
func restEndpointNote(call string) string {
	method, path, _ := strings.Cut(call, " ")
	path, _, _ = strings.Cut(path, "?")
	switch {
	case method == "GET" && strings.HasSuffix(path, "/gateway/bot"):
		return "GET /gateway/bot: where to connect, how many shards to use, and how many session starts (identifies) are left today."
	case method == "GET" && strings.HasSuffix(path, "/gateway"):
		return "GET /gateway: the websocket URL, needing no token."
	case method == "GET" && strings.HasSuffix(path, "/users/@me"):
		return "GET /users/@me: the bot's own user; libraries call it to check the token at login."
	case method == "POST" && strings.Contains(path, "/channels/") && strings.HasSuffix(path, "/messages"):
		return "POST /channels/{id}/messages: sends a message. Discord answers with the message object and also dispatches it as MESSAGE_CREATE to every bot that can see the channel, the sender included."
	}
	return ""
}
