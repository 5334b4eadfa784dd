package sandbox

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// guildRoutes are a guild and its members.
var guildRoutes = []restRoute{
	{family: "guilds", method: "GET", path: "/guilds/{guild_id}", serve: (*Server).getGuild},
	{family: "members", method: "GET", path: "/guilds/{guild_id}/members", serve: (*Server).listMembers},
	{family: "members", method: "GET", path: "/guilds/{guild_id}/members/search", serve: (*Server).searchMembers},
	{family: "members", method: "GET", path: "/guilds/{guild_id}/members/{user_id}", serve: (*Server).getMember},
	{family: "members", method: "PATCH", path: "/guilds/{guild_id}/members/{user_id}", serve: (*Server).modifyMember},
	{family: "members", method: "PATCH", path: "/guilds/{guild_id}/members/@me", serve: (*Server).modifySelf},
	{family: "members", method: "DELETE", path: "/guilds/{guild_id}/members/{user_id}", serve: (*Server).kickMember},
	{family: "members", method: "PUT", path: "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", serve: (*Server).addMemberRole},
	{family: "members", method: "DELETE", path: "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", serve: (*Server).removeMemberRole},
}

// maxTimeout is how far ahead a timeout may reach.
const maxTimeout = 28 * 24 * time.Hour

// gatewayOnlyGuildKeys are GUILD_CREATE's extras, absent from REST's guild.
var gatewayOnlyGuildKeys = []string{"joined_at", "large", "unavailable", "member_count", "members", "channels", "threads", "presences", "voice_states", "stage_instances", "guild_scheduled_events"}

// restGuildDefaults are the guild fields REST always carries that the
// sandbox's guilds have no use for: no banners, widgets, vanity URLs or
// boosts.
var restGuildDefaults = map[string]any{
	"home_header": nil, "splash": nil, "discovery_splash": nil, "banner": nil, "application_id": nil, "region": "deprecated",
	"system_channel_flags": 0, "widget_enabled": false, "widget_channel_id": nil, "max_presences": nil, "max_members": 500000,
	"max_stage_video_channel_users": 50, "max_video_channel_users": 25, "vanity_url_code": nil, "premium_subscription_count": 0,
	"rules_channel_id": nil, "safety_alerts_channel_id": nil, "public_updates_channel_id": nil, "premium_progress_bar_enabled": false,
	"nsfw": false, "incidents_data": nil,
}

// restGuild is the guild object REST answers: no gateway extras; with
// counts, approximate_member_count and approximate_presence_count.
func (g *guildState) restGuild(withCounts bool) map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal(mustJSON(g.guild), &out)
	for _, k := range gatewayOnlyGuildKeys {
		delete(out, k)
	}
	for k, v := range restGuildDefaults {
		out[k] = v
	}
	if withCounts {
		online := 0
		for _, r := range g.members {
			if r.status != "offline" {
				online++
			}
		}
		out["approximate_member_count"], out["approximate_presence_count"] = len(g.members), online
	}
	return out
}

func (s *Server) getGuild(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		return g.restGuild(c.query("with_counts") == "true"), nil
	})
}

// memberTarget resolves guild_id and user_id to a guild the bot is in and
// one of its members (10007 Unknown Member otherwise).
func (s *Server) memberTarget(c *restCall) (*guildState, *resident, error) {
	gid, err := c.id("guild_id")
	if err != nil {
		return nil, nil, err
	}
	uid, err := c.id("user_id")
	if err != nil {
		return nil, nil, err
	}
	g, err := s.world.botGuild(gid, 0)
	if err != nil {
		return nil, nil, err
	}
	r := g.member(uid)
	if r == nil {
		return nil, nil, discordErr(gateway.ErrUnknownMember)
	}
	return g, r, nil
}

func (s *Server) getMember(c *restCall) {
	s.do(c, 200, func() (any, error) {
		_, r, err := s.memberTarget(c)
		if err != nil {
			return nil, err
		}
		return r.member, nil
	})
}

// listMembers is GET /guilds/{id}/members: by user id after ?after, ?limit
// 1–1000 (1). It needs the Server Members intent enabled for the app, as on
// Discord (50001 otherwise).
func (s *Server) listMembers(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		limit, err := c.queryInt("limit", 1, 1, 1000)
		if err != nil {
			return nil, err
		}
		after, err := c.querySnowflake("after")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		if !s.cfg.EnabledPrivileged.Has(gateway.IntentGuildMembers) {
			return nil, discordErr(gateway.ErrMissingAccess)
		}
		sorted := append([]*resident(nil), g.members...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].member.User.ID < sorted[j].member.User.ID })
		out := []gateway.Member{}
		for _, r := range sorted {
			if r.member.User.ID > after && len(out) < limit {
				out = append(out, r.member)
			}
		}
		return out, nil
	})
}

// searchMembers matches ?query against usernames and nicknames (a prefix,
// any case), ?limit 1–1000 (1).
func (s *Server) searchMembers(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		limit, err := c.queryInt("limit", 1, 1, 1000)
		if err != nil {
			return nil, err
		}
		if _, present := c.r.URL.Query()["query"]; !present {
			return nil, formError("query", "BASE_TYPE_REQUIRED", "This field is required")
		}
		q := strings.ToLower(c.query("query"))
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		out := []gateway.Member{}
		for _, r := range g.members {
			nick := r.member.Nick != nil && strings.HasPrefix(strings.ToLower(*r.member.Nick), q)
			if (strings.HasPrefix(strings.ToLower(r.member.User.Username), q) || nick) && len(out) < limit {
				out = append(out, r.member)
			}
		}
		return out, nil
	})
}

// memberBody is PATCH /guilds/{id}/members/{user}; nil fields stay.
type memberBody struct {
	Nick                       *string              `json:"nick"`
	Roles                      *[]gateway.Snowflake `json:"roles"`
	Mute                       *bool                `json:"mute"`
	Deaf                       *bool                `json:"deaf"`
	CommunicationDisabledUntil *string              `json:"communication_disabled_until"`
	nickSet, timeoutSet        bool                 // the key was present (null clears)
}

func (b *memberBody) bindFrom(c *restCall) error {
	if err := c.bind(b); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal(c.body, &keys)
	_, b.nickSet = keys["nick"]
	_, b.timeoutSet = keys["communication_disabled_until"]
	return nil
}

// modifyMember changes another member (or the bot): each change needs its
// permission and, on someone else, a highest role above theirs; roles
// added or removed must each be below the bot's highest role.
func (s *Server) modifyMember(c *restCall) {
	s.do(c, 200, func() (any, error) {
		var body memberBody
		if err := body.bindFrom(c); err != nil {
			return nil, err
		}
		g, r, err := s.memberTarget(c)
		if err != nil {
			return nil, err
		}
		return s.changeMemberLocked(g, r, body)
	})
}

// modifySelf is PATCH /guilds/{id}/members/@me: the bot's own nickname.
func (s *Server) modifySelf(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		var body memberBody
		if err := body.bindFrom(c); err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, gateway.PermChangeNickname)
		if err != nil {
			return nil, err
		}
		return s.changeMemberLocked(g, g.member(BotID), memberBody{Nick: body.Nick, nickSet: body.nickSet})
	})
}

func (s *Server) changeMemberLocked(g *guildState, r *resident, body memberBody) (any, error) {
	target := r.member.User.ID
	perms := g.guildPermissions(BotID)
	other := target != BotID
	denied := func(need gateway.Permissions) bool {
		return !perms.Has(need) || (other && !g.outranks(BotID, target))
	}
	next := r.member
	if body.nickSet {
		need := gateway.PermManageNicknames
		if !other {
			need = gateway.PermChangeNickname
		}
		if denied(need) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if body.Nick != nil && utf8.RuneCountInString(*body.Nick) > 32 {
			return nil, formError("nick", "BASE_TYPE_MAX_LENGTH", "Must be 32 or fewer in length.")
		}
		next.Nick = body.Nick
		if body.Nick != nil && *body.Nick == "" {
			next.Nick = nil
		}
	}
	if body.Roles != nil {
		if !perms.Has(gateway.PermManageRoles) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		roles := []gateway.Snowflake{}
		for _, id := range *body.Roles {
			if _, ok := g.role(id); !ok || id == g.guild.ID {
				return nil, formError("roles", "INVALID_ROLE", "Unknown role "+id.String())
			}
			if !containsID(roles, id) {
				roles = append(roles, id)
			}
		}
		for _, id := range symmetricDifference(r.member.Roles, roles) {
			i, _ := g.role(id)
			if g.guild.Roles[i].Managed || !g.canManageRole(BotID, id) {
				return nil, discordErr(gateway.ErrMissingPermissions)
			}
		}
		next.Roles = roles
	}
	if body.Mute != nil || body.Deaf != nil {
		if (body.Mute != nil && denied(gateway.PermMuteMembers)) || (body.Deaf != nil && denied(gateway.PermDeafenMembers)) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if body.Mute != nil {
			next.Mute = *body.Mute
		}
		if body.Deaf != nil {
			next.Deaf = *body.Deaf
		}
	}
	if body.timeoutSet {
		if !other || denied(gateway.PermModerateMembers) || g.guildPermissions(target).Has(gateway.PermAdministrator) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		next.CommunicationDisabledUntil = nil
		if body.CommunicationDisabledUntil != nil {
			until, err := time.Parse(time.RFC3339, *body.CommunicationDisabledUntil)
			if err != nil || until.Sub(s.now()) > maxTimeout {
				return nil, formError("communication_disabled_until", "BASE_TYPE_BAD_TIME", "Timeouts can be at most 28 days in the future")
			}
			next.CommunicationDisabledUntil = str(timestamp(until))
		}
	}
	r.member = next
	s.memberUpdateLocked(g, r)
	return r.member, nil
}

// memberUpdateLocked dispatches GUILD_MEMBER_UPDATE for r.
func (s *Server) memberUpdateLocked(g *guildState, r *resident) {
	s.dispatchLocked("GUILD_MEMBER_UPDATE", g.guild.ID, 0, mustJSON(memberWithGuild{r.member, g.guild.ID}), nil)
}

// symmetricDifference is the ids in exactly one of a and b.
func symmetricDifference(a, b []gateway.Snowflake) []gateway.Snowflake {
	var out []gateway.Snowflake
	for _, id := range a {
		if !containsID(b, id) {
			out = append(out, id)
		}
	}
	for _, id := range b {
		if !containsID(a, id) {
			out = append(out, id)
		}
	}
	return out
}

// roleChange resolves PUT/DELETE /guilds/{id}/members/{user}/roles/{role}:
// Manage Roles, a role below the bot's highest, not managed.
func (s *Server) roleChange(c *restCall, add bool) {
	s.do(c, 204, func() (any, error) {
		rid, err := c.id("role_id")
		if err != nil {
			return nil, err
		}
		g, r, err := s.memberTarget(c)
		if err != nil {
			return nil, err
		}
		i, ok := g.role(rid)
		if !ok || rid == g.guild.ID {
			return nil, discordErr(gateway.ErrUnknownRole)
		}
		if g.guild.Roles[i].Managed || !g.canManageRole(BotID, rid) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		has := containsID(r.member.Roles, rid)
		switch {
		case add && !has:
			r.member.Roles = append(append([]gateway.Snowflake{}, r.member.Roles...), rid)
		case !add && has:
			r.member.Roles = symmetricDifference(r.member.Roles, []gateway.Snowflake{rid})
		default:
			return nil, nil
		}
		s.memberUpdateLocked(g, r)
		return nil, nil
	})
}

func (s *Server) addMemberRole(c *restCall)    { s.roleChange(c, true) }
func (s *Server) removeMemberRole(c *restCall) { s.roleChange(c, false) }

// kickMember is DELETE /guilds/{id}/members/{user}: Kick Members and a
// highest role above theirs; nobody kicks the owner.
func (s *Server) kickMember(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, r, err := s.memberTarget(c)
		if err != nil {
			return nil, err
		}
		target := r.member.User.ID
		if !g.guildPermissions(BotID).Has(gateway.PermKickMembers) || target == BotID || !g.outranks(BotID, target) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		s.removeMemberLocked(g, target)
		return nil, nil
	})
}

// removeMemberLocked takes a member out of a guild: GUILD_MEMBER_REMOVE.
func (s *Server) removeMemberLocked(g *guildState, id gateway.Snowflake) {
	for i, r := range g.members {
		if r.member.User.ID == id {
			g.members = append(g.members[:i:i], g.members[i+1:]...)
			s.dispatchLocked("GUILD_MEMBER_REMOVE", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "user": r.member.User}), nil)
			return
		}
	}
}
