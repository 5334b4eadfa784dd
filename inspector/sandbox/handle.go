package sandbox

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// gatewaySendLimit client frames per gatewaySendWindow are allowed on one
// connection; the next one is closed with 4008.
const (
	gatewaySendLimit  = 120
	gatewaySendWindow = 60 * time.Second
)

// handleFrame acts on one client frame. It returns a close code (and its
// reason) when the frame breaks a rule, or 0 when the connection goes on;
// every answer is queued on the connection.
func (c *conn) handleFrame(frame []byte) (gateway.CloseCode, string) {
	if len(frame) > gateway.MaxClientFrame {
		return gateway.CloseDecodeError, "frame larger than 4096 bytes"
	}
	if !c.countSend() {
		return gateway.CloseRateLimited, "more than 120 payloads in 60 seconds"
	}
	p, err := gateway.DecodePayload(frame)
	if err != nil {
		return gateway.CloseDecodeError, "frame is not a JSON payload with a numeric op"
	}
	if !p.Op.ClientMaySend() {
		return gateway.CloseUnknownOpcode, "op " + p.Op.Name() + " is not an opcode a client may send"
	}
	switch p.Op {
	case gateway.OpHeartbeat:
		return c.heartbeat(p.D)
	case gateway.OpIdentify:
		return c.srv.identify(c, p.D)
	case gateway.OpResume:
		return c.srv.resume(c, p.D)
	}
	if !c.isIdentified() {
		return gateway.CloseNotAuthenticated, "op " + p.Op.Name() + " before Identify"
	}
	switch p.Op {
	case gateway.OpRequestGuildMembers:
		return c.srv.requestMembers(c, p.D)
	default:
		// Presence, voice state, soundboard and channel-info requests are
		// accepted; the sandbox has no voice servers or soundboards to answer
		// with, so it stays quiet, as Discord does for no-op updates.
		if !isJSONObject(p.D) {
			return gateway.CloseUnknownOpcode, "op " + p.Op.Name() + " needs an object as d"
		}
		return 0, ""
	}
}

// countSend records a client frame and reports whether it is within the
// gateway's 120-per-60-seconds limit.
func (c *conn) countSend() bool {
	now := c.srv.now()
	if len(c.recent) == gatewaySendLimit {
		if now.Sub(c.recent[0]) < gatewaySendWindow {
			return false
		}
		copy(c.recent, c.recent[1:])
		c.recent = c.recent[:gatewaySendLimit-1]
	}
	c.recent = append(c.recent, now)
	return true
}

func (c *conn) isIdentified() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.identified
}

// heartbeat answers op 1 with op 11 (unless PauseACKs holds them back to let
// the inspector show a zombie connection) and restarts the heartbeat clock.
func (c *conn) heartbeat(d json.RawMessage) (gateway.CloseCode, string) {
	d = bytes.TrimSpace(d)
	if len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		var seq int64
		if err := json.Unmarshal(d, &seq); err != nil {
			return gateway.CloseUnknownOpcode, "heartbeat d must be the last sequence number or null"
		}
	}
	c.extendDeadline()
	if !c.pausedACKs.Load() {
		c.enqueue(heartbeatACKFrame)
	}
	return 0, ""
}

func isJSONObject(d json.RawMessage) bool {
	d = bytes.TrimSpace(d)
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	var m map[string]json.RawMessage
	return json.Unmarshal(d, &m) == nil
}

// tokenMatches accepts the sandbox token bare or with the "Bot " prefix
// discordgo users put in front of it.
func tokenMatches(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == Token
}
