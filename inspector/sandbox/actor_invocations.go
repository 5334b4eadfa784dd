package sandbox

import (
	"encoding/json"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// contextDataLocked is data for a user or message command: the target and
// its resolved object.
func (s *Server) contextDataLocked(cmd *appCommand, target gateway.Snowflake, sc optionScope) (map[string]any, *postError) {
	if target == 0 {
		return nil, actorErr(http.StatusBadRequest, 50035, "target_id is required for "+describeCommand(cmd.Type, cmd.Name))
	}
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": cmd.Type, "target_id": target}
	if cmd.GuildID != nil {
		data["guild_id"] = *cmd.GuildID
	}
	if cmd.Type == commandUser {
		var res resolved
		if !s.resolveUserLocked(&res, sc.guild, sc.channel, target) {
			return nil, errUnknownUser
		}
		data["resolved"] = res
		return data, nil
	}
	m, ok := s.storedMessageLocked(sc.channel, target)
	if !ok {
		return nil, errUnknownMessage
	}
	data["resolved"] = map[string]any{"messages": map[gateway.Snowflake]json.RawMessage{target: s.messageJSON(*m)}}
	return data, nil
}

// visibleMessageLocked finds a message the member can see: one in a
// channel, or an ephemeral one shown to them.
func (s *Server) visibleMessageLocked(id, user gateway.Snowflake) (*gateway.Message, bool) {
	if m, ok := s.findMessageLocked(id); ok {
		return m, true
	}
	for _, in := range s.appsLocked().interactions {
		if m, ok := in.private[id]; ok && in.userID == user {
			return m, true
		}
	}
	return nil, false
}

// componentInvocationLocked is a member pressing a button or choosing in a
// select menu on a message.
func (s *Server) componentInvocationLocked(body actorInteraction) (invocation, *postError) {
	if body.MessageID == 0 || body.CustomID == "" {
		return invocation{}, actorErr(http.StatusBadRequest, 50035, "a component interaction needs message_id and custom_id")
	}
	m, ok := s.visibleMessageLocked(body.MessageID, body.UserID)
	if !ok {
		return invocation{}, errUnknownMessage
	}
	body.ChannelID, body.DM = m.ChannelID, false
	ch, pe := s.actorChannelLocked(body)
	if pe != nil {
		return invocation{}, pe
	}
	guild := s.guildOfLocked(ch)
	data, pe := s.componentDataLocked(m, body.CustomID, body.Values, optionScope{guild: guild, channel: ch.ID, user: body.UserID})
	if pe != nil {
		return invocation{}, pe
	}
	return invocation{kind: interactionComponent, user: body.UserID, channel: ch, source: m, data: data}, nil
}

// modalInvocationLocked is a member submitting a modal the bot showed them.
func (s *Server) modalInvocationLocked(body actorInteraction) (invocation, *postError) {
	if body.CustomID == "" {
		return invocation{}, actorErr(http.StatusBadRequest, 50035, "a modal interaction needs custom_id: the modal's, as the bot opened it")
	}
	a := s.appsLocked()
	var open *openModal
	list := a.modals[body.UserID]
	for i := len(list) - 1; i >= 0 && open == nil; i-- {
		if list[i].customID == body.CustomID {
			open = &list[i]
		}
	}
	if open == nil {
		return invocation{}, actorErr(http.StatusNotFound, 0, "no modal "+body.CustomID+" is open for user "+body.UserID.String()+": the bot opens one by answering an interaction with callback 9")
	}
	data, pe := modalSubmitData(*open, body.Fields)
	if pe != nil {
		return invocation{}, pe
	}
	from := open.from
	ch, ok := s.channelLocked(from.channelID)
	if !ok {
		return invocation{}, errUnknownChannel
	}
	inv := invocation{kind: interactionModalSubmit, user: body.UserID, channel: ch, command: from.command, data: data}
	if from.source != 0 {
		if m, ok := s.visibleMessageLocked(from.source, body.UserID); ok {
			inv.source = m
		}
	}
	return inv, nil
}
