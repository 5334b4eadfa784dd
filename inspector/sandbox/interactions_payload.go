package sandbox

import (
	"encoding/json"

	"gatewaytour/inspector/gateway"
)

// Interaction contexts and the size limit Discord reports for attachments.
const (
	contextGuild          = 0
	contextBotDM          = 1
	attachmentSizeLimit   = 10 << 20
	interactionAPIVersion = 1
)

// invocation is what a member does that starts an interaction.
type invocation struct {
	kind    int
	user    gateway.Snowflake
	channel gateway.Channel
	command *appCommand
	source  *gateway.Message // the message a component is on
	data    map[string]any
}

// startInteractionLocked files the interaction and dispatches
// INTERACTION_CREATE with the fields libraries read.
func (s *Server) startInteractionLocked(inv invocation) (*interaction, *postError) {
	now := s.now()
	in := &interaction{id: s.ids.Next(), kind: inv.kind, created: now, channelID: inv.channel.ID, userID: inv.user,
		command: inv.command, guildID: s.guildOfLocked(inv.channel), done: make(chan struct{}),
		private: map[gateway.Snowflake]*gateway.Message{}}
	in.token = newInteractionToken(in.id)
	if inv.source != nil {
		in.source = inv.source.ID
	}
	perms := func(user gateway.Snowflake) string {
		return s.permissionsLocked(inv.channel.ID, user).Wire()
	}
	var channel map[string]any
	_ = json.Unmarshal(mustJSON(inv.channel), &channel)
	channel["permissions"] = perms(inv.user)
	channel["flags"] = 0
	d := map[string]any{
		"id": in.id, "application_id": ApplicationID, "type": inv.kind, "data": inv.data,
		"channel_id": inv.channel.ID, "channel": channel, "token": in.token, "version": interactionAPIVersion,
		"app_permissions": perms(BotID), "locale": "en-US", "entitlements": []any{},
		"attachment_size_limit": attachmentSizeLimit,
	}
	if in.guildID != nil {
		member, ok := s.memberLocked(*in.guildID, inv.user)
		if !ok {
			return nil, errUnknownMember
		}
		member.Permissions = perms(inv.user)
		d["guild_id"], d["member"], d["guild_locale"] = *in.guildID, member, s.guildLocaleLocked(*in.guildID)
		d["guild"] = map[string]any{"id": *in.guildID, "locale": s.guildLocaleLocked(*in.guildID), "features": []string{}}
		d["authorizing_integration_owners"] = map[string]any{"0": *in.guildID}
		d["context"] = contextGuild
	} else {
		user, ok := s.userLocked(inv.user)
		if !ok {
			return nil, errUnknownUser
		}
		d["user"] = user
		d["authorizing_integration_owners"] = map[string]any{"0": "0"}
		d["context"] = contextBotDM
	}
	if inv.source != nil {
		d["message"] = s.messageJSON(*inv.source)
	}
	if pe := s.appsLocked().registerLocked(in, now); pe != nil {
		return nil, pe
	}
	in.payload = mustJSON(d)
	s.dispatchInteractionLocked(in.guildID, in.payload)
	return in, nil
}

// resolved collects the objects an interaction's options or select values
// name, as data.resolved carries them.
type resolved struct {
	Users    map[gateway.Snowflake]gateway.User   `json:"users,omitempty"`
	Members  map[gateway.Snowflake]gateway.Member `json:"members,omitempty"`
	Roles    map[gateway.Snowflake]gateway.Role   `json:"roles,omitempty"`
	Channels map[gateway.Snowflake]map[string]any `json:"channels,omitempty"`
}

func (r *resolved) empty() bool {
	return len(r.Users)+len(r.Members)+len(r.Roles)+len(r.Channels) == 0
}

// addUser resolves a user, and their member (without the nested user, with
// permissions) when the interaction happens in their guild.
func (s *Server) resolveUserLocked(r *resolved, guild *gateway.Snowflake, channel, id gateway.Snowflake) bool {
	u, ok := s.userLocked(id)
	if !ok {
		return false
	}
	if r.Users == nil {
		r.Users = map[gateway.Snowflake]gateway.User{}
	}
	r.Users[id] = u
	if guild != nil {
		if m, ok := s.memberLocked(*guild, id); ok {
			m.User = nil
			m.Permissions = s.permissionsLocked(channel, id).Wire()
			if r.Members == nil {
				r.Members = map[gateway.Snowflake]gateway.Member{}
			}
			r.Members[id] = m
		}
	}
	return true
}

func (s *Server) resolveRoleLocked(r *resolved, guild *gateway.Snowflake, id gateway.Snowflake) bool {
	if guild == nil {
		return false
	}
	role, ok := s.roleLocked(*guild, id)
	if !ok {
		return false
	}
	if r.Roles == nil {
		r.Roles = map[gateway.Snowflake]gateway.Role{}
	}
	r.Roles[id] = role
	return true
}

// resolveChannelLocked resolves a channel of the interaction's guild as the
// partial channel Discord sends (id, name, type, permissions, parent).
func (s *Server) resolveChannelLocked(r *resolved, guild *gateway.Snowflake, user, id gateway.Snowflake, types []int) (bool, string) {
	ch, ok := s.channelLocked(id)
	if !ok || guild == nil || ch.GuildID == nil || *ch.GuildID != *guild {
		return false, "is not a channel of this guild"
	}
	if len(types) > 0 && !containsInt(types, ch.Type) {
		return false, "has a channel type the option does not accept"
	}
	if r.Channels == nil {
		r.Channels = map[gateway.Snowflake]map[string]any{}
	}
	r.Channels[id] = map[string]any{"id": ch.ID, "name": ch.Name, "type": ch.Type, "parent_id": ch.ParentID,
		"permissions": s.permissionsLocked(id, user).Wire(), "guild_id": *guild, "flags": 0}
	return true, ""
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
