package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"

	"gatewaytour/inspector/gateway"
)

// callbackBody is POST /interactions/{id}/{token}/callback.
type callbackBody struct {
	Type *int            `json:"type"`
	Data json.RawMessage `json:"data"`
}

// replyBody is a message an interaction response, follow-up or edit carries.
// Nil fields are left as they are by an edit.
type replyBody struct {
	Content         *string            `json:"content"`
	TTS             bool               `json:"tts"`
	Embeds          *[]json.RawMessage `json:"embeds"`
	Components      *[]json.RawMessage `json:"components"`
	Flags           *int               `json:"flags"`
	AllowedMentions *allowedMentions   `json:"allowed_mentions"`
	Attachments     *[]json.RawMessage `json:"attachments"`
}

// interactionRoutes is the interaction response; its token is the credential.
var interactionRoutes = []restRoute{
	{family: "interactions", method: "POST", path: "/interactions/{interaction_id}/{interaction_token}/callback", noAuth: true, serve: (*Server).serveCallback},
}

// allowedCallbacks lists the callback types Discord accepts for each kind
// of interaction.
var allowedCallbacks = map[int][]int{
	interactionCommand:      {callbackMessage, callbackDeferredMessage, callbackModal},
	interactionComponent:    {callbackMessage, callbackDeferredMessage, callbackDeferredUpdate, callbackUpdateMessage, callbackModal},
	interactionAutocomplete: {callbackAutocomplete},
	interactionModalSubmit:  {callbackMessage, callbackDeferredMessage, callbackDeferredUpdate, callbackUpdateMessage},
}

// serveCallback is the interaction response. The token in the path is the
// credential. The first valid callback within 3 s acknowledges the
// interaction; later ones are 40060, late ones 10062.
func (s *Server) serveCallback(c *restCall) {
	var body callbackBody
	if !c.decode(&body) {
		return
	}
	id, _ := gateway.ParseSnowflake(c.params["interaction_id"])
	token := c.params["interaction_token"]
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appsLocked()
	in, ok := a.interactions[id]
	if !ok || in.token != token {
		c.fail(errUnknownInteraction)
		return
	}
	if in.acked {
		c.fail(errAlreadyAcked)
		return
	}
	if in.lateLocked(s.now()) {
		c.fail(errUnknownInteraction)
		return
	}
	if body.Type == nil {
		var f fieldErrs
		f.add([]string{"type"}, "BASE_TYPE_REQUIRED", "This field is required")
		c.fail(f.err())
		return
	}
	typ := *body.Type
	if !containsInt(allowedCallbacks[in.kind], typ) || (typ == callbackDeferredUpdate || typ == callbackUpdateMessage) && in.source == 0 {
		var f fieldErrs
		f.add([]string{"type"}, "INTERACTION_CALLBACK_TYPE_INVALID", fmt.Sprintf("Callback type %d is not valid for an interaction of type %d", typ, in.kind))
		c.fail(f.err())
		return
	}
	msg, pe := s.respondLocked(in, typ, body.Data)
	if pe != nil {
		c.fail(pe)
		return
	}
	in.acked, in.callback = true, &body
	close(in.done)
	if c.query("with_response") != "true" {
		c.noContent()
		return
	}
	c.ok(s.callbackResponse(in, typ, msg))
}

// callbackResponse is the with_response=true answer.
func (s *Server) callbackResponse(in *interaction, typ int, msg *gateway.Message) map[string]any {
	info := map[string]any{"id": in.id, "type": in.kind, "activity_instance_id": nil}
	out := map[string]any{"interaction": info}
	if msg != nil {
		info["response_message_id"] = msg.ID
		info["response_message_loading"] = msg.Flags&flagLoading != 0
		info["response_message_ephemeral"] = msg.Flags&flagEphemeral != 0
		out["resource"] = map[string]any{"type": typ, "message": s.messageJSON(*msg)}
	}
	return out
}

// respondLocked carries out a callback; it validates everything before it
// changes anything, so a refused callback leaves the interaction open.
func (s *Server) respondLocked(in *interaction, typ int, raw json.RawMessage) (*gateway.Message, *postError) {
	switch typ {
	case callbackMessage, callbackDeferredMessage:
		var body replyBody
		if pe := decodeData(raw, &body); pe != nil {
			return nil, pe
		}
		m, pe := s.newReplyLocked(in, body, typ == callbackDeferredMessage)
		if pe != nil {
			return nil, pe
		}
		in.originalID, in.ephemeral = m.ID, m.Flags&flagEphemeral != 0
		return m, nil
	case callbackDeferredUpdate:
		in.originalID = in.source
		return nil, nil
	case callbackUpdateMessage:
		var body replyBody
		if pe := decodeData(raw, &body); pe != nil {
			return nil, pe
		}
		m, pe := s.editInteractionMessageLocked(in, in.source, body)
		if pe != nil {
			return nil, pe
		}
		in.originalID = in.source
		return m, nil
	case callbackAutocomplete:
		return nil, checkAutocomplete(raw)
	case callbackModal:
		return nil, s.openModalLocked(in, raw)
	}
	return nil, nil
}

func decodeData(raw json.RawMessage, v any) *postError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var f fieldErrs
		f.add([]string{"data"}, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
		return f.err()
	}
	return nil
}

// checkAutocomplete validates callback 8's choices.
func checkAutocomplete(raw json.RawMessage) *postError {
	var body struct {
		Choices []struct {
			Name  *string         `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"choices"`
	}
	if pe := decodeData(raw, &body); pe != nil {
		return pe
	}
	var f fieldErrs
	if len(body.Choices) > maxChoices {
		f.add([]string{"data", "choices"}, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices))
	}
	for i, c := range body.Choices {
		if c.Name == nil {
			f.add(at([]string{"data", "choices"}, i, "name"), "BASE_TYPE_REQUIRED", "This field is required")
		} else {
			checkLength(*c.Name, 1, 100, at([]string{"data", "choices"}, i, "name"), &f)
		}
		if v := strings.TrimSpace(string(c.Value)); v == "" || v == "null" {
			f.add(at([]string{"data", "choices"}, i, "value"), "BASE_TYPE_REQUIRED", "This field is required")
		}
	}
	if !f.empty() {
		return f.err()
	}
	return nil
}

// responseFlags keeps the flags an interaction message may set.
func responseFlags(f *int) int {
	if f == nil {
		return 0
	}
	return *f & (flagSuppressEmbeds | flagEphemeral | flagSuppressNotifications | flagComponentsV2)
}

// newReplyLocked posts the bot's answer (or its "is thinking…" placeholder
// when deferred). An ephemeral one stays with the interaction: no
// MESSAGE_CREATE, not in the channel's history.
func (s *Server) newReplyLocked(in *interaction, body replyBody, loading bool) (*gateway.Message, *postError) {
	flags := responseFlags(body.Flags)
	m := gateway.Message{Embeds: []json.RawMessage{}, ChannelID: in.channelID, Mentions: []gateway.User{}, MentionRoles: []gateway.Snowflake{}}
	if loading {
		flags = flags&flagEphemeral | flagLoading
	} else {
		applyReply(&m, body)
		if pe := s.checkReplyLocked(&m, body.AllowedMentions); pe != nil {
			return nil, pe
		}
	}
	m.ID, m.Flags, m.TTS, m.Components = s.ids.Next(), flags, body.TTS, nonNil(m.Components)
	m.Author, m.Timestamp, m.Attachments = botUser(), timestamp(s.now()), []json.RawMessage{}
	m.GuildID = in.guildID
	m.Type = 20 // CHAT_INPUT_COMMAND
	if in.kind != interactionCommand && in.kind != interactionAutocomplete {
		m.Type = 19 // REPLY: answers to components and modals
	} else if in.command != nil && in.command.Type != commandChatInput {
		m.Type = 23 // CONTEXT_MENU_COMMAND
	}
	s.appsLocked().extras[m.ID] = s.extrasFor(in)
	if flags&flagEphemeral != 0 {
		in.private[m.ID] = &m
		return &m, nil
	}
	s.publishLocked(m)
	stored, _ := s.storedMessageLocked(m.ChannelID, m.ID)
	return stored, nil
}

// applyReply copies the fields a body sets onto a message.
func applyReply(m *gateway.Message, b replyBody) {
	if b.Content != nil {
		m.Content = *b.Content
	}
	if b.Embeds != nil {
		m.Embeds = nonNil(*b.Embeds)
	}
	if b.Components != nil {
		m.Components = *b.Components
	}
	m.Components = nonNil(m.Components)
}

// extrasFor is the interaction block of a message sent in answer to in.
func (s *Server) extrasFor(in *interaction) messageExtras {
	user, _ := s.userLocked(in.userID)
	name := ""
	if in.command != nil {
		name = in.command.Name
	}
	meta := map[string]any{"id": in.id, "type": in.kind, "user": user,
		"authorizing_integration_owners": map[string]any{"0": ownerKey(in.guildID)}}
	if in.source != 0 {
		meta["interacted_message_id"] = in.source
	}
	return messageExtras{ApplicationID: ApplicationID, WebhookID: ApplicationID, InteractionMetadata: meta,
		Interaction: map[string]any{"id": in.id, "type": in.kind, "name": name, "user": user}}
}

func ownerKey(guild *gateway.Snowflake) any {
	if guild == nil {
		return "0"
	}
	return *guild
}

// editInteractionMessageLocked edits a message the interaction may touch:
// its own replies, or the message its component is on (callback 7).
func (s *Server) editInteractionMessageLocked(in *interaction, id gateway.Snowflake, body replyBody) (*gateway.Message, *postError) {
	m, ok := s.interactionMessageLocked(in, id)
	if !ok && id == in.source {
		m, ok = s.ephemeralSourceLocked(in)
	}
	if !ok {
		return nil, errUnknownMessage
	}
	next := *m
	applyReply(&next, body)
	if body.Flags != nil {
		next.Flags = next.Flags&flagEphemeral | responseFlags(body.Flags)&^flagEphemeral
	}
	next.Flags &^= flagLoading
	if pe := s.checkReplyLocked(&next, body.AllowedMentions); pe != nil {
		return nil, pe
	}
	edited := timestamp(s.now())
	next.EditedTimestamp = &edited
	*m = next
	if m.Flags&flagEphemeral == 0 {
		s.republishLocked(*m)
	}
	return m, nil
}

// ephemeralSourceLocked finds the ephemeral message a component interaction
// started from, which lives with the interaction that created it.
func (s *Server) ephemeralSourceLocked(in *interaction) (*gateway.Message, bool) {
	for _, other := range s.appsLocked().interactions {
		if m, ok := other.private[in.source]; ok {
			return m, true
		}
	}
	return nil, false
}
