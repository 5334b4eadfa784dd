package gateway

import "strconv"

// CloseCode is a websocket close code as the gateway uses it.
type CloseCode int

const (
	CloseNormal               CloseCode = 1000
	CloseGoingAway            CloseCode = 1001
	CloseUnknownError         CloseCode = 4000
	CloseUnknownOpcode        CloseCode = 4001
	CloseDecodeError          CloseCode = 4002
	CloseNotAuthenticated     CloseCode = 4003
	CloseAuthenticationFailed CloseCode = 4004
	CloseAlreadyAuthenticated CloseCode = 4005
	CloseInvalidSeq           CloseCode = 4007
	CloseRateLimited          CloseCode = 4008
	CloseSessionTimedOut      CloseCode = 4009
	CloseInvalidShard         CloseCode = 4010
	CloseShardingRequired     CloseCode = 4011
	CloseInvalidAPIVersion    CloseCode = 4012
	CloseInvalidIntents       CloseCode = 4013
	CloseDisallowedIntents    CloseCode = 4014
)

// CloseInfo explains a close code: what it means, whether a client may
// reconnect at all, whether the session survives for a Resume, and what the
// bot's author should change.
type CloseInfo struct {
	Code      CloseCode
	Name      string
	Meaning   string
	Reconnect bool
	CanResume bool
	Fix       string
}

var closeTable = []CloseInfo{
	{CloseNormal, "Normal closure", "The connection was closed on purpose. When a client closes with 1000 the session ends and the bot goes offline.", true, false,
		"Nothing is wrong. To keep a session resumable, a client must close with a code other than 1000 or 1001."},
	{CloseGoingAway, "Going away", "An endpoint is going away (a page closed, a process exiting). Like 1000, it ends the session.", true, false,
		"Nothing is wrong; reconnect and identify if the bot should stay online."},
	{CloseUnknownError, "Unknown error", "Something went wrong on the gateway's side.", true, true,
		"Reconnect and resume; nothing in the bot needs to change."},
	{CloseUnknownOpcode, "Unknown opcode", "The client sent an opcode the gateway does not know, or a bad payload for a known one.", true, true,
		"Send only documented client opcodes, each with the d it expects."},
	{CloseDecodeError, "Decode error", "The client sent something that is not a valid payload, or a frame larger than 4096 bytes.", true, true,
		"Send each payload as one JSON text frame of at most 4096 bytes."},
	{CloseNotAuthenticated, "Not authenticated", "The client sent a payload before identifying.", true, false,
		"Send Identify (or Resume) first; only heartbeats may come before it."},
	{CloseAuthenticationFailed, "Authentication failed", "The token in Identify is not valid.", false, false,
		"Copy the token again from the Bot page of the Developer Portal (reset it if it leaked). Do not retry with the same token."},
	{CloseAlreadyAuthenticated, "Already authenticated", "The client sent Identify twice on one connection.", true, false,
		"Identify once per connection; on a new connection after a drop, send Resume instead."},
	{CloseInvalidSeq, "Invalid seq", "The sequence number sent in Resume was not valid.", true, false,
		"Reconnect and identify to start a new session."},
	{CloseRateLimited, "Rate limited", "The client sent more than 120 payloads in 60 seconds.", true, false,
		"Send fewer payloads: at most 120 per minute per connection, heartbeats included."},
	{CloseSessionTimedOut, "Session timed out", "The session timed out: it cannot be resumed. Discord does not say what makes a session time out; in the sandbox it is a client that stopped heartbeating.", true, false,
		"Reconnect and start a new session; keep heartbeating on time."},
	{CloseInvalidShard, "Invalid shard", "Identify named a shard that does not exist.", false, false,
		"Send shard as [shard_id, num_shards] with 0 ≤ shard_id < num_shards."},
	{CloseShardingRequired, "Sharding required", "The session would hold too many guilds; the bot must be sharded.", false, false,
		"Split the bot into shards (GET /gateway/bot says how many)."},
	{CloseInvalidAPIVersion, "Invalid API version", "The v parameter of the gateway URL is not a supported version.", false, false,
		"Connect with ?v=10 (9 still works)."},
	{CloseInvalidIntents, "Invalid intent(s)", "The intents bitfield holds bits that are not intents.", false, false,
		"Compute intents from the documented flags only."},
	{CloseDisallowedIntents, "Disallowed intent(s)", "Identify asked for a privileged intent the application has not enabled.", false, false,
		"Enable the intent (Server Members, Presence or Message Content) on the Bot page of the Developer Portal, or stop asking for it."},
}

var closeByCode = func() map[CloseCode]CloseInfo {
	m := make(map[CloseCode]CloseInfo, len(closeTable))
	for _, c := range closeTable {
		m[c.Code] = c
	}
	return m
}()

// CloseCodes lists the gateway close codes (4000–4014) in order, without the
// generic websocket codes.
func CloseCodes() []CloseInfo {
	var out []CloseInfo
	for _, c := range closeTable {
		if c.Code >= 4000 {
			out = append(out, c)
		}
	}
	return out
}

// LookupClose explains code. Codes the gateway does not define are reported
// as unknown but still described, since a learner may see them from a client
// library (discord.js closes with 4200 when it means to resume).
func LookupClose(code CloseCode) CloseInfo {
	if c, ok := closeByCode[code]; ok {
		return c
	}
	c := CloseInfo{Code: code, Name: "Close " + strconv.Itoa(int(code)), Reconnect: true, CanResume: true}
	switch {
	case code == 1006:
		c.Name = "Abnormal closure"
		c.Meaning = "The connection dropped without a close frame (network loss, a killed process)."
		c.Fix = "Reconnect and resume."
	case code >= 1000 && code < 2000:
		c.Meaning = "A standard websocket close; any code other than 1000 and 1001 keeps the session resumable."
		c.Fix = "Reconnect and resume."
	default:
		c.Meaning = "A code the Discord gateway does not define; a client library may use it privately."
		c.Fix = "Reconnect and resume."
	}
	return c
}
