package sandbox

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// Request Guild Members (op 8) as Discord documents it: up to 1000 members
// per GUILD_MEMBERS_CHUNK; a query prefix or user_ids return at most 100;
// the whole list (query "" and limit 0) needs GUILD_MEMBERS and may be asked
// for once per guild per session every 30 seconds, a second request getting
// a RATE_LIMITED dispatch; presences need GUILD_PRESENCES (else they are
// left out, as if false).
const (
	chunkSize           = 1000
	maxQueried          = 100
	wholeListEvery      = 30 * time.Second
	maxChunkNonce       = 32
	maxRequestedUserIDs = 100
)

type memberRequestKey struct {
	session string
	guild   gateway.Snowflake
}

// memberRequest is op 8's d. guild_id and user_ids may each be one
// snowflake or an array of them: discordgo sends guild_id as an array.
type memberRequest struct {
	GuildID   json.RawMessage `json:"guild_id"`
	Query     *string         `json:"query"`
	Limit     *int            `json:"limit"`
	Presences bool            `json:"presences"`
	UserIDs   json.RawMessage `json:"user_ids"`
	Nonce     string          `json:"nonce"`
}

// snowflakes reads one snowflake or an array of them.
func snowflakes(raw json.RawMessage) ([]gateway.Snowflake, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '[' {
		var ids []gateway.Snowflake
		err := json.Unmarshal(raw, &ids)
		return ids, err
	}
	var id gateway.Snowflake
	err := json.Unmarshal(raw, &id)
	return []gateway.Snowflake{id}, err
}

// requestMembers answers op 8 with GUILD_MEMBERS_CHUNKs, or closes the
// connection when the request breaks a rule.
func (s *Server) requestMembers(c *conn, d json.RawMessage) (gateway.CloseCode, string) {
	if !isJSONObject(d) {
		return gateway.CloseUnknownOpcode, "Request Guild Members needs an object as d"
	}
	var req memberRequest
	if err := json.Unmarshal(d, &req); err != nil {
		return gateway.CloseUnknownOpcode, "Request Guild Members: " + gateway.JSONProblem(err)
	}
	guilds, err := snowflakes(req.GuildID)
	if err != nil || len(guilds) == 0 {
		return gateway.CloseUnknownOpcode, "Request Guild Members: guild_id must be a snowflake"
	}
	userIDs, err := snowflakes(req.UserIDs)
	if err != nil {
		return gateway.CloseUnknownOpcode, "Request Guild Members: user_ids must be a snowflake or an array of them"
	}
	switch {
	case req.Query == nil && userIDs == nil:
		return gateway.CloseUnknownOpcode, "Request Guild Members: one of query or user_ids is required"
	case req.Query != nil && req.Limit == nil:
		return gateway.CloseUnknownOpcode, "Request Guild Members: limit is required with query"
	case len(userIDs) > maxRequestedUserIDs:
		return gateway.CloseUnknownOpcode, "Request Guild Members: at most 100 user_ids"
	case len(req.Nonce) > maxChunkNonce:
		return gateway.CloseUnknownOpcode, "Request Guild Members: nonce longer than 32 bytes"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := c.sess
	if sess == nil {
		return 0, ""
	}
	whole := userIDs == nil && *req.Query == "" && *req.Limit == 0
	if whole && !sess.intents.Has(gateway.IntentGuildMembers) {
		return gateway.CloseDisallowedIntents, "requesting every member (query \"\", limit 0) needs the GUILD_MEMBERS intent"
	}
	for _, gid := range guilds {
		g := s.world.guildByID(gid)
		if g == nil || !ownsGuild(sess.shard, gid) {
			continue // Discord ignores requests for guilds the session does not hold
		}
		if whole && s.memberRequestLimitedLocked(sess, gid, req.Nonce) {
			continue
		}
		limit := 0
		if req.Limit != nil {
			limit = *req.Limit
		}
		for _, chunk := range g.membersChunks(req, userIDs, limit, sess.intents) {
			s.pushLocked(sess, "GUILD_MEMBERS_CHUNK", mustJSON(chunk))
		}
	}
	return 0, ""
}

// memberRequestLimitedLocked applies the whole-list limit; when it bites it
// sends RATE_LIMITED and reports true.
func (s *Server) memberRequestLimitedLocked(sess *session, guild gateway.Snowflake, nonce string) bool {
	now := s.now()
	key := memberRequestKey{sess.id, guild}
	if last, ok := s.memberRequests[key]; ok && now.Sub(last) < wholeListEvery {
		retry := wholeListEvery - now.Sub(last)
		meta := map[string]any{"guild_id": guild}
		if nonce != "" {
			meta["nonce"] = nonce
		}
		s.pushLocked(sess, "RATE_LIMITED", mustJSON(map[string]any{"opcode": gateway.OpRequestGuildMembers, "retry_after": retry.Seconds(), "meta": meta}))
		return true
	}
	if len(s.memberRequests) > 4*len(s.sessions)+64 { // forget stale entries rather than grow
		for k, t := range s.memberRequests {
			if now.Sub(t) >= wholeListEvery || s.sessions[k.session] == nil {
				delete(s.memberRequests, k)
			}
		}
	}
	s.memberRequests[key] = now
	return false
}

// membersChunks selects the members a request asks for and splits them
// into chunks of up to 1000, each naming its index and the count.
func (g *guildState) membersChunks(req memberRequest, userIDs []gateway.Snowflake, limit int, intents gateway.Intents) []map[string]any {
	if userIDs != nil || (req.Query != nil && *req.Query != "") {
		if limit <= 0 || limit > maxQueried {
			limit = maxQueried
		}
	}
	withPresences := req.Presences && intents.Has(gateway.IntentGuildPresences)
	var picked []*resident
	found := map[gateway.Snowflake]bool{}
	for _, r := range g.members {
		u := r.member.User
		switch {
		case userIDs != nil:
			if !containsID(userIDs, u.ID) {
				continue
			}
		case *req.Query != "":
			q := strings.ToLower(*req.Query)
			nick := r.member.Nick != nil && strings.HasPrefix(strings.ToLower(*r.member.Nick), q)
			if !strings.HasPrefix(strings.ToLower(u.Username), q) && !nick {
				continue
			}
		}
		if limit > 0 && len(picked) >= limit {
			break
		}
		found[u.ID] = true
		picked = append(picked, r)
	}
	var notFound []gateway.Snowflake
	for _, id := range userIDs {
		if !found[id] {
			notFound = append(notFound, id)
		}
	}
	count := max(1, (len(picked)+chunkSize-1)/chunkSize)
	chunks := make([]map[string]any, 0, count)
	for i := 0; i < count; i++ {
		part := picked[min(i*chunkSize, len(picked)):min((i+1)*chunkSize, len(picked))]
		members := make([]gateway.Member, 0, len(part))
		presences := []gateway.Presence{}
		for _, r := range part {
			members = append(members, r.member)
			if withPresences && r.status != "offline" {
				presences = append(presences, r.presence(0))
			}
		}
		chunk := map[string]any{"guild_id": g.guild.ID, "members": members, "chunk_index": i, "chunk_count": count}
		if withPresences {
			chunk["presences"] = presences
		}
		if req.Nonce != "" {
			chunk["nonce"] = req.Nonce
		}
		if i == 0 && len(notFound) > 0 {
			chunk["not_found"] = notFound
		}
		chunks = append(chunks, chunk)
	}
	return chunks
}
