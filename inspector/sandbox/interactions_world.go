package sandbox

import (
	"net/http"
	"strings"

	"gatewaytour/inspector/gateway"
)

// This file is everything commands, interactions and the actor API need
// from the world: who and where things are, permissions, and the message
// store and dispatch path. Every function is called with Server.mu held.

func (s *Server) guildExistsLocked(id gateway.Snowflake) bool { return s.world.guildByID(id) != nil }

// guildOfLocked is the guild a channel belongs to, nil for a DM.
func (s *Server) guildOfLocked(ch gateway.Channel) *gateway.Snowflake {
	if g := s.world.guildOf(ch.ID); g != 0 {
		return &g
	}
	return nil
}

func (s *Server) channelLocked(id gateway.Snowflake) (gateway.Channel, bool) {
	return s.world.channel(id)
}

// dmChannelLocked is the DM between a user and the bot, if one is open.
func (s *Server) dmChannelLocked(user gateway.Snowflake) (gateway.Channel, bool) {
	for _, c := range append([]*channelState{s.world.dm}, s.world.dms...) {
		if containsUser(c.ch.Recipients, user) {
			return c.render(nil), true
		}
	}
	return gateway.Channel{}, false
}

func (s *Server) userLocked(id gateway.Snowflake) (gateway.User, bool) {
	u, ok := s.world.users[id]
	return u, ok
}

// memberLocked is a guild member with the user nested.
func (s *Server) memberLocked(guild, id gateway.Snowflake) (gateway.Member, bool) {
	if g := s.world.guildByID(guild); g != nil {
		if r := g.member(id); r != nil {
			return r.member, true
		}
	}
	return gateway.Member{}, false
}

func (s *Server) roleLocked(guild, id gateway.Snowflake) (gateway.Role, bool) {
	if g := s.world.guildByID(guild); g != nil {
		if i, ok := g.role(id); ok {
			return g.guild.Roles[i], true
		}
	}
	return gateway.Role{}, false
}

func (s *Server) guildLocaleLocked(guild gateway.Snowflake) string {
	if g := s.world.guildByID(guild); g != nil && g.guild.PreferredLocale != "" {
		return g.guild.PreferredLocale
	}
	return "en-US"
}

// permissionsLocked is a member's computed permissions in a channel.
func (s *Server) permissionsLocked(channel, user gateway.Snowflake) gateway.Permissions {
	return s.world.permissionsIn(channel, user)
}

// storedMessageLocked is a message in the channel store, to read or edit in place.
func (s *Server) storedMessageLocked(channel, id gateway.Snowflake) (*gateway.Message, bool) {
	list := s.world.messages[channel]
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].ID == id {
			return &list[i], true
		}
	}
	return nil, false
}

// findMessageLocked looks for a message in any channel.
func (s *Server) findMessageLocked(id gateway.Snowflake) (*gateway.Message, bool) {
	for ch := range s.world.messages {
		if m, ok := s.storedMessageLocked(ch, id); ok {
			return m, true
		}
	}
	return nil, false
}

// checkReplyLocked applies the world's message rules (lengths, embeds,
// components, allowed_mentions, not empty) to what an interaction
// response or follow-up would post, and resolves its mentions as the bot's.
func (s *Server) checkReplyLocked(m *gateway.Message, allowed *allowedMentions) *postError {
	if err := validateMessageBody(m.Content, m.Embeds, m.Components, nil); err != nil {
		return asPostError(err)
	}
	if err := allowed.validate(); err != nil {
		return asPostError(err)
	}
	if strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		return errEmptyMessage
	}
	_, g := s.world.findChannel(m.ChannelID)
	m.Mentions, m.MentionRoles = []gateway.User{}, []gateway.Snowflake{}
	s.world.resolveMentions(m, g, allowed, s.world.permissionsIn(m.ChannelID, BotID))
	return nil
}

func asPostError(err error) *postError {
	if pe, ok := err.(*postError); ok {
		return pe
	}
	return &postError{http.StatusBadRequest, apiError{Message: err.Error(), Code: 0}}
}

func guildID(m gateway.Message) gateway.Snowflake {
	if m.GuildID != nil {
		return *m.GuildID
	}
	return 0
}

// publishLocked stores a message the bot sent in answer to an interaction
// and dispatches MESSAGE_CREATE; the bot's own messages keep their content
// for every session.
func (s *Server) publishLocked(m gateway.Message) {
	s.world.store(m)
	s.dispatchLocked("MESSAGE_CREATE", guildID(m), m.ChannelID, s.messageJSON(m), nil)
}

// republishLocked dispatches MESSAGE_UPDATE for a message edited in place.
func (s *Server) republishLocked(m gateway.Message) {
	s.dispatchLocked("MESSAGE_UPDATE", guildID(m), m.ChannelID, s.messageJSON(m), nil)
}

// unpublishLocked removes a message from the channel and dispatches MESSAGE_DELETE.
func (s *Server) unpublishLocked(channel, id gateway.Snowflake) {
	m, ok := s.storedMessageLocked(channel, id)
	if !ok {
		return
	}
	guild := guildID(*m)
	s.world.removeMessages(channel, []gateway.Snowflake{id})
	d := map[string]any{"id": id, "channel_id": channel}
	if guild != 0 {
		d["guild_id"] = guild
	}
	s.dispatchLocked("MESSAGE_DELETE", guild, channel, mustJSON(d), nil)
}

// dispatchInteractionLocked sends INTERACTION_CREATE. No intent gates it,
// and it comes even from channels the bot cannot view.
func (s *Server) dispatchInteractionLocked(guild *gateway.Snowflake, d []byte) {
	var g gateway.Snowflake
	if guild != nil {
		g = *guild
	}
	s.dispatchLocked("INTERACTION_CREATE", g, 0, d, nil)
}
