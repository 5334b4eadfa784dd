package sandbox

import (
	"encoding/json"
	"strings"

	"gatewaytour/inspector/gateway"
)

// messageRoutes are the channel and message routes.
var messageRoutes = []restRoute{
	{family: "channels", method: "GET", path: "/channels/{channel_id}", serve: (*Server).getChannel},
	{family: "messages", method: "GET", path: "/channels/{channel_id}/messages", serve: (*Server).listMessages},
	{family: "messages", method: "POST", path: "/channels/{channel_id}/messages", limit: messageLimit, window: messageWindow, serve: (*Server).createMessage},
}

func (s *Server) getChannel(c *restCall) {
	id, ok := c.snowflake("channel_id")
	if !ok {
		return
	}
	s.mu.Lock()
	ch, found := s.world.channel(id)
	s.mu.Unlock()
	if !found {
		c.fail(errUnknownChannel)
		return
	}
	c.ok(ch)
}

// listMessages is GET /channels/{id}/messages: the latest 50, newest first.
func (s *Server) listMessages(c *restCall) {
	id, ok := c.snowflake("channel_id")
	if !ok {
		return
	}
	s.mu.Lock()
	_, found := s.world.channel(id)
	stored := s.world.messages[id]
	out := make([]gateway.Message, 0, 50)
	for i := len(stored) - 1; i >= 0 && len(out) < 50; i-- {
		out = append(out, stored[i])
	}
	s.mu.Unlock()
	if !found {
		c.fail(errUnknownChannel)
		return
	}
	c.ok(out)
}

// createBody is what POST /channels/{id}/messages reads. discordgo sends
// null for the arrays it does not use, which decodes to nil here.
type createBody struct {
	Content          string            `json:"content"`
	Nonce            json.RawMessage   `json:"nonce"`
	TTS              bool              `json:"tts"`
	Embeds           []json.RawMessage `json:"embeds"`
	Embed            json.RawMessage   `json:"embed"`
	Components       []json.RawMessage `json:"components"`
	StickerIDs       []json.RawMessage `json:"sticker_ids"`
	MessageReference *struct {
		MessageID gateway.Snowflake `json:"message_id"`
	} `json:"message_reference"`
}

func (s *Server) createMessage(c *restCall) {
	id, ok := c.snowflake("channel_id")
	if !ok {
		return
	}
	var body createBody
	if !c.decode(&body) {
		return
	}
	d := draft{channelID: id, author: BotID, content: body.Content, tts: body.TTS, embeds: body.Embeds, components: body.Components, stickers: len(body.StickerIDs)}
	if n := strings.TrimSpace(string(body.Nonce)); n != "" && n != "null" {
		d.nonce = body.Nonce
	}
	if e := strings.TrimSpace(string(body.Embed)); e != "" && e != "null" {
		d.embeds = append(d.embeds, body.Embed)
	}
	if body.MessageReference != nil {
		d.replyTo = &body.MessageReference.MessageID
	}
	s.mu.Lock()
	msg, err := s.postLocked(d)
	s.mu.Unlock()
	if err != nil {
		c.fail(err)
		return
	}
	msg.Member = nil // a gateway extra: the REST answer leaves it out
	c.ok(msg)
}
