package sandbox

import (
	"strconv"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// This file is everything commands, interactions and the actor API need
// from the world: who and where things are, permissions, and the message
// store and dispatch path. Every function is called with Server.mu held.

func (s *Server) guildExistsLocked(id gateway.Snowflake) bool { return id == GuildID }

// guildOfLocked is the guild a channel belongs to, nil for a DM.
func (s *Server) guildOfLocked(ch gateway.Channel) *gateway.Snowflake {
	if ch.Type == gateway.ChannelDM {
		return nil
	}
	return sf(GuildID)
}

func (s *Server) channelLocked(id gateway.Snowflake) (gateway.Channel, bool) {
	return s.world.channel(id)
}

// dmChannelLocked is the DM between a user and the bot.
func (s *Server) dmChannelLocked(user gateway.Snowflake) (gateway.Channel, bool) {
	if user == DefaultMemberID {
		return s.world.dm, true
	}
	return gateway.Channel{}, false
}

func (s *Server) userLocked(id gateway.Snowflake) (gateway.User, bool) {
	if r := s.world.resident(id); r != nil {
		return *r.member.User, true
	}
	return gateway.User{}, false
}

// memberLocked is a guild member with the user nested.
func (s *Server) memberLocked(guild, id gateway.Snowflake) (gateway.Member, bool) {
	if r := s.world.resident(id); r != nil && guild == GuildID {
		return r.member, true
	}
	return gateway.Member{}, false
}

func (s *Server) roleLocked(guild, id gateway.Snowflake) (gateway.Role, bool) {
	for _, r := range s.world.guild.Roles {
		if r.ID == id && guild == GuildID {
			return r, true
		}
	}
	return gateway.Role{}, false
}

func (s *Server) guildLocaleLocked(gateway.Snowflake) string { return s.world.guild.PreferredLocale }

// permissionsLocked is a member's permissions in a channel: @everyone's
// and their roles' bits, everything for administrators and the owner.
func (s *Server) permissionsLocked(channel, user gateway.Snowflake) uint64 {
	const administrator, all = 1 << 3, 1<<50 - 1
	ch, ok := s.world.channel(channel)
	if !ok {
		return 0
	}
	if ch.Type == gateway.ChannelDM {
		return 1<<10 | 1<<11 | 1<<14 | 1<<15 | 1<<16 | 1<<18 // view, send, embed, attach, history, external emoji
	}
	r := s.world.resident(user)
	if r == nil {
		return 0
	}
	if user == s.world.guild.OwnerID {
		return all
	}
	var p uint64
	for _, role := range s.world.guild.Roles {
		if role.ID == GuildID || containsID(r.member.Roles, role.ID) {
			v, _ := strconv.ParseUint(role.Permissions, 10, 64)
			p |= v
		}
	}
	if p&administrator != 0 {
		return all
	}
	return p
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

// checkDraftLocked applies the message rules (empty, content length) to
// what an interaction response or follow-up would post.
func checkDraft(content string, embeds, components int) *postError {
	if content == "" && embeds == 0 && components == 0 {
		return errEmptyMessage
	}
	if utf8.RuneCountInString(content) > maxContent {
		return errTooLong
	}
	return nil
}

// publishLocked stores a message the bot sent in answer to an interaction
// and dispatches MESSAGE_CREATE; the bot's own messages keep their content
// for every session.
func (s *Server) publishLocked(m gateway.Message) {
	s.world.store(m)
	s.broadcastLocked("MESSAGE_CREATE", m.GuildID != nil, s.messageJSON(m), nil)
}

// republishLocked dispatches MESSAGE_UPDATE for a message edited in place.
func (s *Server) republishLocked(m gateway.Message) {
	s.broadcastLocked("MESSAGE_UPDATE", m.GuildID != nil, s.messageJSON(m), nil)
}

// unpublishLocked removes a message from the channel and dispatches MESSAGE_DELETE.
func (s *Server) unpublishLocked(channel, id gateway.Snowflake) {
	list := s.world.messages[channel]
	for i := range list {
		if list[i].ID == id {
			guild := list[i].GuildID
			s.world.messages[channel] = append(list[:i:i], list[i+1:]...)
			d := map[string]any{"id": id, "channel_id": channel}
			if guild != nil {
				d["guild_id"] = *guild
			}
			s.broadcastLocked("MESSAGE_DELETE", guild != nil, mustJSON(d), nil)
			return
		}
	}
}

// dispatchInteractionLocked sends INTERACTION_CREATE. No intent gates it.
func (s *Server) dispatchInteractionLocked(guild *gateway.Snowflake, d []byte) {
	s.broadcastLocked("INTERACTION_CREATE", guild != nil, d, nil)
}
