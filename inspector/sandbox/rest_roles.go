package sandbox

import (
	"sort"
	"time"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// roleRoutes are a guild's roles and bans.
var roleRoutes = []restRoute{
	{family: "roles", method: "GET", path: "/guilds/{guild_id}/roles", serve: (*Server).listRoles},
	{family: "roles", method: "POST", path: "/guilds/{guild_id}/roles", serve: (*Server).createRole},
	{family: "roles", method: "GET", path: "/guilds/{guild_id}/roles/{role_id}", serve: (*Server).getRole},
	{family: "roles", method: "PATCH", path: "/guilds/{guild_id}/roles/{role_id}", serve: (*Server).modifyRole},
	{family: "roles", method: "DELETE", path: "/guilds/{guild_id}/roles/{role_id}", serve: (*Server).deleteRole},
	{family: "bans", method: "GET", path: "/guilds/{guild_id}/bans", serve: (*Server).listBans},
	{family: "bans", method: "GET", path: "/guilds/{guild_id}/bans/{user_id}", serve: (*Server).getBan},
	{family: "bans", method: "PUT", path: "/guilds/{guild_id}/bans/{user_id}", serve: (*Server).banUser},
	{family: "bans", method: "DELETE", path: "/guilds/{guild_id}/bans/{user_id}", serve: (*Server).unbanUser},
}

func (s *Server) listRoles(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		return append([]gateway.Role{}, g.guild.Roles...), nil
	})
}

// roleTarget resolves guild_id and role_id (10011 Unknown Role).
func (s *Server) roleTarget(c *restCall, need gateway.Permissions) (*guildState, int, error) {
	gid, err := c.id("guild_id")
	if err != nil {
		return nil, 0, err
	}
	rid, err := c.id("role_id")
	if err != nil {
		return nil, 0, err
	}
	g, err := s.world.botGuild(gid, need)
	if err != nil {
		return nil, 0, err
	}
	i, ok := g.role(rid)
	if !ok {
		return nil, 0, discordErr(gateway.ErrUnknownRole)
	}
	return g, i, nil
}

func (s *Server) getRole(c *restCall) {
	s.do(c, 200, func() (any, error) {
		g, i, err := s.roleTarget(c, 0)
		if err != nil {
			return nil, err
		}
		return g.guild.Roles[i], nil
	})
}

// roleBody is what creating or modifying a role reads.
type roleBody struct {
	Name        *string `json:"name"`
	Permissions *string `json:"permissions"`
	Color       *int    `json:"color"`
	Hoist       *bool   `json:"hoist"`
	Mentionable *bool   `json:"mentionable"`
}

// apply checks the body and writes it onto role. A bot may not grant a
// permission it does not have itself (50013), as on Discord.
func (b roleBody) apply(g *guildState, role *gateway.Role) error {
	if b.Name != nil && utf8.RuneCountInString(*b.Name) > 100 {
		return formError("name", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	if b.Color != nil && (*b.Color < 0 || *b.Color > 0xffffff) {
		return formError("color", "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.")
	}
	if b.Permissions != nil {
		p, err := gateway.ParsePermissions(*b.Permissions)
		if err != nil {
			return formError("permissions", "NUMBER_TYPE_COERCE", "Value \""+*b.Permissions+"\" is not int.")
		}
		if own := g.guildPermissions(BotID); p&^own != 0 && !own.Has(gateway.PermAdministrator) {
			return discordErr(gateway.ErrMissingPermissions)
		}
		role.Permissions = (p & gateway.AllPermissions).Wire()
	}
	if b.Name != nil && role.ID != g.guild.ID { // @everyone keeps its name
		role.Name = *b.Name
	}
	if b.Color != nil {
		role.Color = *b.Color
	}
	if b.Hoist != nil {
		role.Hoist = *b.Hoist
	}
	if b.Mentionable != nil {
		role.Mentionable = *b.Mentionable
	}
	return nil
}

// createRole is POST /guilds/{id}/roles (Manage Roles): the new role sits
// at position 1, just above @everyone, as Discord places it.
func (s *Server) createRole(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		var body roleBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, gateway.PermManageRoles)
		if err != nil {
			return nil, err
		}
		if len(g.guild.Roles) >= maxRoles {
			return nil, discordErr(gateway.ErrMaxRoles)
		}
		role := gateway.Role{ID: s.ids.Next(), Name: "new role", Position: 1, Permissions: g.rolePerms(g.guild.ID).Wire()}
		if err := body.apply(g, &role); err != nil {
			return nil, err
		}
		roles := append([]gateway.Role{}, g.guild.Roles...)
		for i := range roles {
			if roles[i].Position >= 1 {
				roles[i].Position++
			}
		}
		g.guild.Roles = append(roles, role)
		s.dispatchLocked("GUILD_ROLE_CREATE", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "role": role}), nil)
		return role, nil
	})
}

// modifyRole is PATCH (Manage Roles, a role below the bot's highest).
func (s *Server) modifyRole(c *restCall) {
	s.do(c, 200, func() (any, error) {
		var body roleBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		g, i, err := s.roleTarget(c, gateway.PermManageRoles)
		if err != nil {
			return nil, err
		}
		role := g.guild.Roles[i]
		if !g.canManageRole(BotID, role.ID) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if err := body.apply(g, &role); err != nil {
			return nil, err
		}
		g.guild.Roles = append([]gateway.Role{}, g.guild.Roles...)
		g.guild.Roles[i] = role
		s.dispatchLocked("GUILD_ROLE_UPDATE", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "role": role}), nil)
		return role, nil
	})
}

// deleteRole is DELETE (Manage Roles, a role below the bot's highest; not
// @everyone, not a managed role): members and overwrites lose it.
func (s *Server) deleteRole(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, i, err := s.roleTarget(c, gateway.PermManageRoles)
		if err != nil {
			return nil, err
		}
		role := g.guild.Roles[i]
		if role.ID == g.guild.ID || role.Managed || !g.canManageRole(BotID, role.ID) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		g.guild.Roles = append(append([]gateway.Role{}, g.guild.Roles[:i]...), g.guild.Roles[i+1:]...)
		for _, r := range g.members {
			if containsID(r.member.Roles, role.ID) {
				r.member.Roles = symmetricDifference(r.member.Roles, []gateway.Snowflake{role.ID})
			}
		}
		for _, ch := range g.channels {
			kept := ch.overwrites[:0:0]
			for _, o := range ch.overwrites {
				if o.ID != role.ID {
					kept = append(kept, o)
				}
			}
			ch.overwrites = kept
		}
		s.dispatchLocked("GUILD_ROLE_DELETE", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "role_id": role.ID}), nil)
		return nil, nil
	})
}

// banTarget resolves guild_id and user_id for the ban routes (Ban Members).
func (s *Server) banTarget(c *restCall) (*guildState, gateway.Snowflake, error) {
	gid, err := c.id("guild_id")
	if err != nil {
		return nil, 0, err
	}
	uid, err := c.id("user_id")
	if err != nil {
		return nil, 0, err
	}
	g, err := s.world.botGuild(gid, gateway.PermBanMembers)
	return g, uid, err
}

func (g *guildState) banIndex(id gateway.Snowflake) int {
	for i, b := range g.bans {
		if b.user.ID == id {
			return i
		}
	}
	return -1
}

func banJSON(b ban) map[string]any { return map[string]any{"user": b.user, "reason": b.reason} }

// listBans is by user id, ?limit 1–1000 (1000), ?before / ?after a user.
func (s *Server) listBans(c *restCall) {
	s.do(c, 200, func() (any, error) {
		limit, before, after, err := c.page(1000, 1000)
		if err != nil {
			return nil, err
		}
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, gateway.PermBanMembers)
		if err != nil {
			return nil, err
		}
		bans := append([]ban(nil), g.bans...)
		sort.Slice(bans, func(i, j int) bool { return bans[i].user.ID < bans[j].user.ID })
		out := []map[string]any{}
		for _, b := range bans {
			if b.user.ID > after && (before == 0 || b.user.ID < before) && len(out) < limit {
				out = append(out, banJSON(b))
			}
		}
		return out, nil
	})
}

func (s *Server) getBan(c *restCall) {
	s.do(c, 200, func() (any, error) {
		g, uid, err := s.banTarget(c)
		if err != nil {
			return nil, err
		}
		i := g.banIndex(uid)
		if i < 0 {
			return nil, discordErr(gateway.ErrUnknownBan)
		}
		return banJSON(g.bans[i]), nil
	})
}

// banUser is PUT: GUILD_BAN_ADD, and GUILD_MEMBER_REMOVE when they were a
// member (whom the bot must outrank). delete_message_seconds (0–604800)
// removes their recent messages, each channel's going out as one
// MESSAGE_DELETE_BULK.
func (s *Server) banUser(c *restCall) {
	s.do(c, 204, func() (any, error) {
		var body struct {
			DeleteMessageSeconds int `json:"delete_message_seconds"`
		}
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		if body.DeleteMessageSeconds < 0 || body.DeleteMessageSeconds > 604800 {
			return nil, formError("delete_message_seconds", "NUMBER_TYPE_MAX", "int value should be less than or equal to 604800.")
		}
		g, uid, err := s.banTarget(c)
		if err != nil {
			return nil, err
		}
		u, known := s.world.users[uid]
		if !known {
			return nil, errUnknownUser
		}
		if uid == BotID || (g.member(uid) != nil && !g.outranks(BotID, uid)) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if g.banIndex(uid) >= 0 {
			return nil, nil
		}
		if len(g.bans) >= maxBans {
			g.bans = g.bans[1:] // the oldest ban is forgotten first
		}
		var reason *string
		if r := c.r.Header.Get("X-Audit-Log-Reason"); r != "" {
			reason = &r
		}
		g.bans = append(g.bans, ban{user: u, reason: reason})
		s.dispatchLocked("GUILD_BAN_ADD", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "user": u}), nil)
		if g.member(uid) != nil {
			s.removeMemberLocked(g, uid)
		}
		if body.DeleteMessageSeconds > 0 {
			s.purgeLocked(g, uid, s.now().Add(-time.Duration(body.DeleteMessageSeconds)*time.Second))
		}
		return nil, nil
	})
}

// purgeLocked deletes a user's messages since a moment in every channel of
// the guild.
func (s *Server) purgeLocked(g *guildState, uid gateway.Snowflake, since time.Time) {
	for _, ch := range g.channels {
		var ids []gateway.Snowflake
		for _, m := range s.world.messages[ch.ch.ID] {
			if m.Author.ID == uid && !m.ID.Time().Before(since) {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) > 0 {
			s.world.removeMessages(ch.ch.ID, ids)
			s.dispatchLocked("MESSAGE_DELETE_BULK", g.guild.ID, ch.ch.ID, mustJSON(map[string]any{"ids": ids, "channel_id": ch.ch.ID, "guild_id": g.guild.ID}), nil)
		}
	}
}

func (s *Server) unbanUser(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, uid, err := s.banTarget(c)
		if err != nil {
			return nil, err
		}
		i := g.banIndex(uid)
		if i < 0 {
			return nil, discordErr(gateway.ErrUnknownBan)
		}
		u := g.bans[i].user
		g.bans = append(g.bans[:i:i], g.bans[i+1:]...)
		s.dispatchLocked("GUILD_BAN_REMOVE", g.guild.ID, 0, mustJSON(map[string]any{"guild_id": g.guild.ID, "user": u}), nil)
		return nil, nil
	})
}
