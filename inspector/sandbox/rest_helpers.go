package sandbox

import "gatewaytour/inspector/gateway"

// do runs f with the world locked and answers with what it returns: an
// error as Discord's error body, a nil value as 204 No Content, anything
// else as JSON with status. The answer is written after the lock is
// released, so a slow client never holds up the world.
func (s *Server) do(c *restCall, status int, f func() (any, error)) {
	s.mu.Lock()
	v, err := f()
	s.mu.Unlock()
	switch {
	case err != nil:
		c.fail(err)
	case v == nil:
		c.noContent()
	default:
		writeJSON(c.w, status, v)
	}
}

// id parses the path parameter name as a snowflake (50035 naming it if not).
func (c *restCall) id(name string) (gateway.Snowflake, error) {
	raw := c.params[name]
	id, err := gateway.ParseSnowflake(raw)
	if err != nil {
		return 0, formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not snowflake.")
	}
	return id, nil
}

// botChannel is a channel the bot can act in: 10003 when there is no such
// channel, 50001 when the bot cannot view it, 50013 when it lacks any of
// need.
func (w *world) botChannel(id gateway.Snowflake, need gateway.Permissions) (*channelState, *guildState, error) {
	c, g := w.findChannel(id)
	if c == nil {
		return nil, nil, errUnknownChannel
	}
	perms := w.permissionsIn(id, BotID)
	if !perms.Has(gateway.PermViewChannel) {
		return nil, nil, discordErr(gateway.ErrMissingAccess)
	}
	if !perms.Has(need) {
		return nil, nil, discordErr(gateway.ErrMissingPermissions)
	}
	return c, g, nil
}

// botGuild is a guild the bot is in (10004 otherwise) where it has need
// (50013 otherwise).
func (w *world) botGuild(id gateway.Snowflake, need gateway.Permissions) (*guildState, error) {
	g := w.guildByID(id)
	if g == nil || g.member(BotID) == nil {
		return nil, discordErr(gateway.ErrUnknownGuild)
	}
	if !g.guildPermissions(BotID).Has(need) {
		return nil, discordErr(gateway.ErrMissingPermissions)
	}
	return g, nil
}

// findMessage is a stored message of a channel (10008 if there is none).
func (w *world) findMessage(channel, id gateway.Snowflake) (*gateway.Message, error) {
	list := w.messages[channel]
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, discordErr(gateway.ErrUnknownMessage)
}

// guildIDOf is a guild's id, 0 for nil (a DM).
func guildIDOf(g *guildState) gateway.Snowflake {
	if g == nil {
		return 0
	}
	return g.guild.ID
}

// channelMessage resolves channel_id and message_id: a channel the bot can
// act in with need, and one of its stored messages (10008 otherwise).
func (s *Server) channelMessage(c *restCall, need gateway.Permissions) (*channelState, *guildState, *gateway.Message, error) {
	cid, err := c.id("channel_id")
	if err != nil {
		return nil, nil, nil, err
	}
	mid, err := c.id("message_id")
	if err != nil {
		return nil, nil, nil, err
	}
	ch, g, err := s.world.botChannel(cid, need)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := s.world.findMessage(cid, mid)
	if err != nil {
		return nil, nil, nil, err
	}
	return ch, g, m, nil
}

// page reads the ?limit (1..most, def when absent), ?before and ?after of a
// list route.
func (c *restCall) page(def, most int) (limit int, before, after gateway.Snowflake, err error) {
	if limit, err = c.queryInt("limit", def, 1, most); err != nil {
		return
	}
	if before, err = c.querySnowflake("before"); err != nil {
		return
	}
	after, err = c.querySnowflake("after")
	return
}
