package sandbox

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// messageRoutes are the channel's message routes.
var messageRoutes = []restRoute{
	{family: "messages", method: "GET", path: "/channels/{channel_id}/messages", serve: (*Server).listMessages},
	{family: "messages", method: "POST", path: "/channels/{channel_id}/messages", limit: messageLimit, window: messageWindow, serve: (*Server).createMessage},
	{family: "messages", method: "GET", path: "/channels/{channel_id}/messages/{message_id}", serve: (*Server).getMessage},
	{family: "messages", method: "PATCH", path: "/channels/{channel_id}/messages/{message_id}", limit: messageLimit, window: messageWindow, serve: (*Server).editMessage},
	{family: "messages", method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}", limit: messageLimit, window: messageWindow, serve: (*Server).deleteMessage},
	{family: "messages", method: "POST", path: "/channels/{channel_id}/messages/bulk-delete", serve: (*Server).bulkDelete},
	{family: "messages", method: "POST", path: "/channels/{channel_id}/typing", serve: (*Server).triggerTyping},
}

// bulkDeleteMaxAge is how old a message may be for bulk delete.
const bulkDeleteMaxAge = 14 * 24 * time.Hour

func (s *Server) getMessage(c *restCall) {
	s.do(c, 200, func() (any, error) {
		_, _, m, err := s.channelMessage(c, gateway.PermReadMessageHistory)
		if err != nil {
			return nil, err
		}
		return restMessage(*m), nil
	})
}

// restMessage is a stored message as REST answers it: member is a gateway
// extra.
func restMessage(m gateway.Message) gateway.Message {
	m.Member = nil
	return m
}

// listMessages is GET /channels/{id}/messages: newest first, limit 1–100
// (50 by default), around / before / after a message. Without Read Message
// History the list is empty, as on Discord.
func (s *Server) listMessages(c *restCall) {
	s.do(c, 200, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		limit, ok := c.queryInt("limit", 50, 1, 100)
		if ok != nil {
			return nil, ok
		}
		var anchors [3]gateway.Snowflake
		for i, name := range []string{"around", "before", "after"} {
			if anchors[i], err = c.querySnowflake(name); err != nil {
				return nil, err
			}
		}
		if _, _, err := s.world.botChannel(cid, 0); err != nil {
			return nil, err
		}
		out := []gateway.Message{}
		if !s.world.permissionsIn(cid, BotID).Has(gateway.PermReadMessageHistory) {
			return out, nil
		}
		return pageMessages(s.world.messages[cid], limit, anchors[0], anchors[1], anchors[2]), nil
	})
}

// pageMessages picks a page of stored (oldest-first) messages, newest first.
func pageMessages(stored []gateway.Message, limit int, around, before, after gateway.Snowflake) []gateway.Message {
	var picked []gateway.Message
	switch {
	case around != 0:
		i := sort.Search(len(stored), func(i int) bool { return stored[i].ID >= around })
		lo := max(0, i-limit/2)
		hi := min(len(stored), lo+limit)
		picked = stored[lo:hi]
	case before != 0:
		i := sort.Search(len(stored), func(i int) bool { return stored[i].ID >= before })
		picked = stored[max(0, i-limit):i]
	case after != 0:
		i := sort.Search(len(stored), func(i int) bool { return stored[i].ID > after })
		picked = stored[i:min(len(stored), i+limit)]
	default:
		picked = stored[max(0, len(stored)-limit):]
	}
	out := make([]gateway.Message, 0, len(picked))
	for i := len(picked) - 1; i >= 0; i-- {
		out = append(out, restMessage(picked[i]))
	}
	return out
}

// createBody is what POST /channels/{id}/messages reads. discordgo sends
// null for the arrays it does not use, which decodes to nil here.
type createBody struct {
	Content          string            `json:"content"`
	Nonce            json.RawMessage   `json:"nonce"`
	EnforceNonce     bool              `json:"enforce_nonce"`
	TTS              bool              `json:"tts"`
	Embeds           []json.RawMessage `json:"embeds"`
	Embed            json.RawMessage   `json:"embed"`
	Components       []json.RawMessage `json:"components"`
	StickerIDs       []json.RawMessage `json:"sticker_ids"`
	Flags            int               `json:"flags"`
	AllowedMentions  *allowedMentions  `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID       *gateway.Snowflake `json:"message_id"`
		FailIfNotExists *bool              `json:"fail_if_not_exists"`
	} `json:"message_reference"`
}

func (s *Server) createMessage(c *restCall) {
	s.do(c, 200, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		var body createBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		d := draft{channelID: cid, author: BotID, content: body.Content, tts: body.TTS, embeds: body.Embeds, components: body.Components,
			stickers: len(body.StickerIDs), flags: body.Flags, allowed: body.AllowedMentions, enforceNonce: body.EnforceNonce}
		if n := strings.TrimSpace(string(body.Nonce)); n != "" && n != "null" {
			d.nonce = body.Nonce
		}
		if e := strings.TrimSpace(string(body.Embed)); e != "" && e != "null" {
			d.embeds = append(d.embeds, body.Embed)
		}
		if ref := body.MessageReference; ref != nil && ref.MessageID != nil {
			d.replyTo = ref.MessageID
			d.replyMayFail = ref.FailIfNotExists != nil && !*ref.FailIfNotExists
		}
		if err := validateMessageBody(d.content, d.embeds, d.components, d.nonce); err != nil {
			return nil, err
		}
		msg, err := s.postLocked(d)
		if err != nil {
			return nil, err
		}
		return restMessage(msg), nil
	})
}

// editMessage is PATCH: only the author may change content, embeds,
// components or flags. The edited message goes out as MESSAGE_UPDATE.
func (s *Server) editMessage(c *restCall) {
	s.do(c, 200, func() (any, error) {
		var body struct {
			Content         *string            `json:"content"`
			Embeds          *[]json.RawMessage `json:"embeds"`
			Components      *[]json.RawMessage `json:"components"`
			Flags           *int               `json:"flags"`
			AllowedMentions *allowedMentions   `json:"allowed_mentions"`
		}
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		_, g, m, err := s.channelMessage(c, 0)
		if err != nil {
			return nil, err
		}
		cid := m.ChannelID
		if m.Author.ID != BotID {
			return nil, discordErr(gateway.ErrCannotEditOthers)
		}
		next := *m
		if body.Content != nil {
			next.Content = *body.Content
		}
		if body.Embeds != nil {
			next.Embeds = nonNil(normalizeEmbeds(*body.Embeds))
		}
		if body.Components != nil {
			next.Components = nonNil(*body.Components)
		}
		if body.Flags != nil {
			next.Flags = *body.Flags & (flagSuppressEmbeds | flagSuppressNotifications)
		}
		if err := validateMessageBody(next.Content, next.Embeds, next.Components, nil); err != nil {
			return nil, err
		}
		if err := body.AllowedMentions.validate(); err != nil {
			return nil, err
		}
		if strings.TrimSpace(next.Content) == "" && len(next.Embeds) == 0 && len(next.Components) == 0 {
			return nil, errEmptyMessage
		}
		next.EditedTimestamp = str(timestamp(s.now()))
		next.Mentions, next.MentionRoles = []gateway.User{}, []gateway.Snowflake{}
		if next.ReferencedMessage != nil && (body.AllowedMentions == nil || body.AllowedMentions.RepliedUser) {
			next.Mentions = append(next.Mentions, next.ReferencedMessage.Author)
		}
		s.world.resolveMentions(&next, g, body.AllowedMentions, s.world.permissionsIn(cid, BotID))
		*m = next
		s.dispatchMessageLocked("MESSAGE_UPDATE", g, next)
		return restMessage(next), nil
	})
}

// deleteMessage removes the bot's own message, or anyone's with Manage
// Messages in a guild, and dispatches MESSAGE_DELETE.
func (s *Server) deleteMessage(c *restCall) {
	s.do(c, 204, func() (any, error) {
		_, g, m, err := s.channelMessage(c, 0)
		if err != nil {
			return nil, err
		}
		cid, mid := m.ChannelID, m.ID
		if m.Author.ID != BotID {
			if g == nil {
				return nil, discordErr(gateway.ErrDMChannel)
			}
			if !s.world.permissionsIn(cid, BotID).Has(gateway.PermManageMessages) {
				return nil, discordErr(gateway.ErrMissingPermissions)
			}
		}
		s.world.removeMessages(cid, []gateway.Snowflake{mid})
		d := map[string]any{"id": mid, "channel_id": cid}
		if g != nil {
			d["guild_id"] = g.guild.ID
		}
		s.dispatchLocked("MESSAGE_DELETE", guildIDOf(g), cid, mustJSON(d), nil)
		return nil, nil
	})
}

// bulkDelete removes 2–100 messages younger than 14 days at once (Manage
// Messages) and dispatches one MESSAGE_DELETE_BULK. Ids of messages that do
// not exist count toward the bounds and are otherwise ignored, as Discord
// documents.
func (s *Server) bulkDelete(c *restCall) {
	s.do(c, 204, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		var body struct {
			Messages []gateway.Snowflake `json:"messages"`
		}
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		switch {
		case body.Messages == nil:
			return nil, formError("messages", "BASE_TYPE_REQUIRED", "This field is required")
		case len(body.Messages) < 2:
			return nil, formError("messages", "BASE_TYPE_MIN_LENGTH", "Must be 2 or more in length.")
		case len(body.Messages) > 100:
			return nil, formError("messages", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
		}
		_, g, err := s.world.botChannel(cid, gateway.PermManageMessages)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, discordErr(gateway.ErrDMChannel)
		}
		var ids []gateway.Snowflake
		for _, id := range body.Messages {
			if s.now().Sub(id.Time()) > bulkDeleteMaxAge {
				return nil, discordErr(gateway.ErrBulkDeleteTooOld)
			}
			if _, err := s.world.findMessage(cid, id); err == nil && !containsID(ids, id) {
				ids = append(ids, id)
			}
		}
		s.world.removeMessages(cid, ids)
		if len(ids) > 0 {
			s.dispatchLocked("MESSAGE_DELETE_BULK", g.guild.ID, cid, mustJSON(map[string]any{"ids": ids, "channel_id": cid, "guild_id": g.guild.ID}), nil)
		}
		return nil, nil
	})
}

// removeMessages forgets messages of a channel with their pins and reactions.
func (w *world) removeMessages(channel gateway.Snowflake, ids []gateway.Snowflake) {
	list := w.messages[channel][:0:0]
	var gone []gateway.Message
	for _, m := range w.messages[channel] {
		if containsID(ids, m.ID) {
			gone = append(gone, m)
		} else {
			list = append(list, m)
		}
	}
	w.forgetReactions(gone)
	w.messages[channel] = list
	if c, _ := w.findChannel(channel); c != nil {
		pins := c.pins[:0:0]
		for _, p := range c.pins {
			if !containsID(ids, p.id) {
				pins = append(pins, p)
			}
		}
		c.pins = pins
	}
}

// triggerTyping is POST /channels/{id}/typing: TYPING_START from the bot.
func (s *Server) triggerTyping(c *restCall) {
	s.do(c, 204, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		_, g, err := s.world.botChannel(cid, gateway.PermSendMessages)
		if err != nil {
			return nil, err
		}
		d := map[string]any{"channel_id": cid, "user_id": BotID, "timestamp": s.now().Unix()}
		if g != nil {
			d["guild_id"] = g.guild.ID
			d["member"] = g.member(BotID).member
		}
		s.dispatchLocked("TYPING_START", guildIDOf(g), cid, mustJSON(d), nil)
		return nil, nil
	})
}
