package sandbox

import (
	"sort"

	"gatewaytour/inspector/gateway"
)

// userRoutes are users and direct messages.
var userRoutes = []restRoute{
	{family: "users", method: "GET", path: "/users/{user_id}", serve: (*Server).getUser},
	{family: "users", method: "GET", path: "/users/@me/guilds", serve: (*Server).listMyGuilds},
	{family: "users", method: "POST", path: "/users/@me/channels", serve: (*Server).openDM},
}

func (s *Server) getUser(c *restCall) {
	s.do(c, 200, func() (any, error) {
		uid, err := c.id("user_id")
		if err != nil {
			return nil, err
		}
		u, ok := s.world.users[uid]
		if !ok {
			return nil, errUnknownUser
		}
		return u, nil
	})
}

// listMyGuilds is GET /users/@me/guilds: partial guilds by id, ?before /
// ?after a guild, ?limit 1–200 (200), ?with_counts.
func (s *Server) listMyGuilds(c *restCall) {
	s.do(c, 200, func() (any, error) {
		limit, before, after, err := c.page(200, 200)
		if err != nil {
			return nil, err
		}
		guilds := append([]*guildState(nil), s.world.guilds...)
		sort.Slice(guilds, func(i, j int) bool { return guilds[i].guild.ID < guilds[j].guild.ID })
		out := []map[string]any{}
		for _, g := range guilds {
			id := g.guild.ID
			if g.member(BotID) == nil || id <= after || (before != 0 && id >= before) || len(out) == limit {
				continue
			}
			p := map[string]any{"id": id, "name": g.guild.Name, "icon": g.guild.Icon, "banner": nil, "owner": g.guild.OwnerID == BotID,
				"permissions": g.guildPermissions(BotID).Wire(), "features": g.guild.Features}
			if c.query("with_counts") == "true" {
				full := g.restGuild(true)
				p["approximate_member_count"], p["approximate_presence_count"] = full["approximate_member_count"], full["approximate_presence_count"]
			}
			out = append(out, p)
		}
		return out, nil
	})
}

// openDM is POST /users/@me/channels {recipient_id}: the DM channel with a
// user who shares a guild with the bot, the same one on every call. Discord
// sends no CHANNEL_CREATE for a bot's DMs.
func (s *Server) openDM(c *restCall) {
	s.do(c, 200, func() (any, error) {
		var body struct {
			RecipientID *gateway.Snowflake `json:"recipient_id"`
		}
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		if body.RecipientID == nil {
			return nil, formError("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
		}
		dm, err := s.world.dmWith(*body.RecipientID, s.ids)
		if err != nil {
			return nil, err
		}
		return dm.render(nil), nil
	})
}

// dmWith finds or opens the DM with a user. The bot cannot DM itself, a
// bot, or someone it shares no guild with (50007).
func (w *world) dmWith(uid gateway.Snowflake, ids *gateway.SnowflakeGenerator) (*channelState, error) {
	u, ok := w.users[uid]
	if !ok {
		return nil, errUnknownUser
	}
	for _, d := range append([]*channelState{w.dm}, w.dms...) {
		if containsUser(d.ch.Recipients, uid) {
			return d, nil
		}
	}
	shared := false
	for _, g := range w.guilds {
		shared = shared || g.member(uid) != nil
	}
	if u.Bot || !shared {
		return nil, discordErr(gateway.ErrCannotMessageUser)
	}
	if len(w.dms) >= maxDMs { // the longest-open DM is closed first
		w.dropChannelMessages(w.dms[0].ch.ID)
		w.dms = w.dms[1:]
	}
	d := &channelState{ch: gateway.Channel{ID: ids.Next(), Type: gateway.ChannelDM, Recipients: []gateway.User{u}}}
	w.dms = append(w.dms, d)
	return d, nil
}
