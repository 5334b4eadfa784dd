package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// identify starts a session: checks token, intents and shard in Discord's
// order, then sends READY and one GUILD_CREATE per guild the shard holds.
func (s *Server) identify(c *conn, d json.RawMessage) (gateway.CloseCode, string) {
	if !isJSONObject(d) {
		return gateway.CloseUnknownOpcode, "Identify needs an object as d"
	}
	var id gateway.Identify
	if err := json.Unmarshal(d, &id); err != nil {
		return gateway.CloseUnknownOpcode, "Identify: " + gateway.JSONProblem(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.identified {
		return gateway.CloseAlreadyAuthenticated, "this connection has already identified"
	}
	if !tokenMatches(id.Token) {
		return gateway.CloseAuthenticationFailed, "the token is not the sandbox token"
	}
	if unknown := id.Intents.Unknown(); unknown != 0 {
		return gateway.CloseInvalidIntents, "intents holds bits that are not intents: " + unknown.String()
	}
	if missing := id.Intents & gateway.PrivilegedIntents &^ s.EnabledPrivileged(); missing != 0 {
		return gateway.CloseDisallowedIntents, "privileged intent not enabled for the sandbox app: " + missing.String()
	}
	if sh := id.Shard; sh != nil && (sh[1] < 1 || sh[0] < 0 || sh[0] >= sh[1]) {
		return gateway.CloseInvalidShard, "shard must be [shard_id, num_shards] with 0 <= shard_id < num_shards"
	}
	now := s.now()
	if !s.identifyAllowedLocked(id.Shard, now) {
		c.enqueue(invalidSessionFrame(false))
		return 0, ""
	}
	s.starts.rollLocked(now)
	s.starts.used++
	s.sweepLocked()
	sess := &session{id: newSessionID(), intents: id.Intents, shard: id.Shard, peer: id.Properties.Browser}
	s.sessions[sess.id] = sess
	s.attachLocked(c, sess)

	ready := gateway.Ready{
		V: 10, User: botUser(), SessionID: sess.id, ResumeGatewayURL: c.gatewayURL,
		Shard: id.Shard, Application: gateway.PartialApplication{ID: ApplicationID, Flags: appFlags(s.EnabledPrivileged())},
		Guilds: []gateway.UnavailableGuild{}, PrivateChannels: []json.RawMessage{},
	}
	if c.apiVersion == 9 {
		ready.V = 9
	}
	if ready.Shard == nil {
		ready.Shard = &[2]int{0, 1}
	}
	var held []*guildState
	for _, g := range s.world.guilds {
		if ownsGuild(id.Shard, g.guild.ID) {
			held = append(held, g)
			ready.Guilds = append(ready.Guilds, gateway.UnavailableGuild{ID: g.guild.ID, Unavailable: true})
		}
	}
	s.pushLocked(sess, "READY", mustJSON(ready))
	// GUILD_CREATE is gated like any event: a bot without GUILDS hears of its
	// guilds only through READY's unavailable list.
	if info, _ := gateway.LookupEvent("GUILD_CREATE"); info.Allowed(sess.intents, true) {
		for _, g := range held {
			s.pushLocked(sess, "GUILD_CREATE", mustJSON(g.guildCreate(sess.intents, largeThreshold(id.LargeThreshold))))
		}
	}
	return 0, ""
}

// identifyWindow is how often each max_concurrency bucket may identify.
const identifyWindow = 5 * time.Second

// identifyAllowedLocked applies max_concurrency: shards are bucketed by
// shard_id % max_concurrency and each bucket identifies once per 5 s.
func (s *Server) identifyAllowedLocked(shard *[2]int, now time.Time) bool {
	mc := s.maxConcurrencyLocked()
	if mc <= 0 {
		return true
	}
	key := 0
	if shard != nil {
		key = shard[0] % mc
	}
	if last, ok := s.identifies[key]; ok && now.Sub(last) < identifyWindow {
		return false
	}
	s.identifies[key] = now
	return true
}

// largeThreshold is Identify's large_threshold: 50 unless given, at most 250.
func largeThreshold(n int) int {
	switch {
	case n <= 0:
		return 50
	case n < 50:
		return 50
	case n > 250:
		return 250
	}
	return n
}

// resume picks up a session on this connection: replays what the client
// missed, each dispatch with its original s, then RESUMED. An unknown or
// expired session gets op 9 false.
func (s *Server) resume(c *conn, d json.RawMessage) (gateway.CloseCode, string) {
	if !isJSONObject(d) {
		return gateway.CloseUnknownOpcode, "Resume needs an object as d"
	}
	var r gateway.Resume
	if err := json.Unmarshal(d, &r); err != nil {
		return gateway.CloseUnknownOpcode, "Resume: " + gateway.JSONProblem(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.identified {
		return gateway.CloseAlreadyAuthenticated, "this connection already has a session"
	}
	if !tokenMatches(r.Token) {
		return gateway.CloseAuthenticationFailed, "the token is not the sandbox token"
	}
	s.sweepLocked()
	sess, ok := s.sessions[r.SessionID]
	if !ok {
		c.enqueue(invalidSessionFrame(false))
		return 0, ""
	}
	if r.Seq > sess.seq || r.Seq < 0 {
		return gateway.CloseInvalidSeq, "seq " + strconv.FormatInt(r.Seq, 10) + " was never sent in this session (last is " + strconv.FormatInt(sess.seq, 10) + ")"
	}
	if len(sess.replay) > 0 && r.Seq < sess.replay[0].seq-1 {
		// The dispatches after seq are no longer kept: the session cannot be
		// resumed faithfully, so the client must identify again.
		delete(s.sessions, sess.id)
		c.enqueue(invalidSessionFrame(false))
		return 0, ""
	}
	if old := sess.conn; old != nil {
		s.detachLocked(old)
		old.closeWith(gateway.CloseUnknownError, "the session was resumed on another connection")
	}
	s.attachLocked(c, sess)
	for _, sd := range sess.replay {
		if sd.seq > r.Seq {
			c.enqueue(sd.frame)
		}
	}
	s.pushLocked(sess, "RESUMED", []byte(`{}`))
	return 0, ""
}

// sweepLocked forgets sessions whose resume window has passed. It runs when
// sessions are created or looked up, so no timer is needed.
func (s *Server) sweepLocked() {
	now := s.now()
	for id, sess := range s.sessions {
		if s.expiredLocked(sess, now) {
			delete(s.sessions, id)
		}
	}
}

// appFlags are the application flags of an unverified app with these
// privileged intents switched on in the portal: GATEWAY_PRESENCE_LIMITED,
// GATEWAY_GUILD_MEMBERS_LIMITED and GATEWAY_MESSAGE_CONTENT_LIMITED.
func appFlags(enabled gateway.Intents) int {
	flags := 0
	if enabled.Has(gateway.IntentGuildPresences) {
		flags |= 1 << 13
	}
	if enabled.Has(gateway.IntentGuildMembers) {
		flags |= 1 << 15
	}
	if enabled.Has(gateway.IntentMessageContent) {
		flags |= 1 << 19
	}
	return flags
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: cannot encode " + strings.TrimSpace(err.Error()))
	}
	return b
}
