package sandbox

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// maxContent is Discord's limit on a message's content, in characters.
const maxContent = 2000

// draft is a message about to be posted, from REST, Post or the activity loop.
type draft struct {
	channelID  gateway.Snowflake
	author     gateway.Snowflake
	content    string
	nonce      json.RawMessage
	tts        bool
	embeds     []json.RawMessage
	components []json.RawMessage
	stickers   int
	replyTo    *gateway.Snowflake
}

var mentionPattern = regexp.MustCompile(`<@!?(\d{1,20})>`)

// postLocked creates a message and dispatches MESSAGE_CREATE to every session
// whose intents admit it, the poster's own included.
func (s *Server) postLocked(d draft) (gateway.Message, error) {
	ch, ok := s.world.channel(d.channelID)
	if !ok {
		return gateway.Message{}, errUnknownChannel
	}
	if ch.Type != gateway.ChannelGuildText && ch.Type != gateway.ChannelDM {
		return gateway.Message{}, errNotText
	}
	if strings.TrimSpace(d.content) == "" && len(d.embeds) == 0 && len(d.components) == 0 && d.stickers == 0 {
		return gateway.Message{}, errEmptyMessage
	}
	if utf8.RuneCountInString(d.content) > maxContent {
		return gateway.Message{}, errTooLong
	}
	inGuild := ch.Type != gateway.ChannelDM
	var author gateway.User
	var member *gateway.Member
	if r := s.world.resident(d.author); r != nil {
		author = *r.member.User
		if inGuild {
			m := r.member
			m.User = nil // MESSAGE_CREATE's member never nests the user
			member = &m
		}
	} else {
		return gateway.Message{}, errUnknownUser
	}
	msg := gateway.Message{
		ID: s.ids.Next(), ChannelID: ch.ID, Author: author, Member: member, Content: d.content,
		Timestamp: timestamp(s.now()), TTS: d.tts, Mentions: []gateway.User{}, MentionRoles: []gateway.Snowflake{},
		Attachments: []json.RawMessage{}, Embeds: nonNil(d.embeds), Components: d.components, Nonce: d.nonce,
		MentionEveryone: strings.Contains(d.content, "@everyone") || strings.Contains(d.content, "@here"),
	}
	if inGuild {
		msg.GuildID = sf(GuildID)
	}
	if d.replyTo != nil {
		msg.Type = 19
	}
	mentionsBot := false
	for _, m := range mentionPattern.FindAllStringSubmatch(d.content, -1) {
		id, err := gateway.ParseSnowflake(m[1])
		if err != nil {
			continue
		}
		if r := s.world.resident(id); r != nil {
			msg.Mentions = append(msg.Mentions, *r.member.User)
			mentionsBot = mentionsBot || id == BotID
		}
	}
	s.world.store(msg)

	full := mustJSON(msg)
	var stripped []byte
	// Without MESSAGE_CONTENT the content fields arrive empty, except in the
	// bot's own messages, in DMs and in messages that mention the bot.
	if inGuild && author.ID != BotID && !mentionsBot {
		bare := msg
		bare.Content, bare.Embeds, bare.Attachments = "", []json.RawMessage{}, []json.RawMessage{}
		if bare.Components != nil {
			bare.Components = []json.RawMessage{}
		}
		stripped = mustJSON(bare)
	}
	s.broadcastLocked("MESSAGE_CREATE", inGuild, full, stripped)
	return msg, nil
}

func nonNil(a []json.RawMessage) []json.RawMessage {
	if a == nil {
		return []json.RawMessage{}
	}
	return a
}

// Post posts content in a channel as a simulated member (or as the bot,
// with BotID) and dispatches MESSAGE_CREATE, as if someone typed it.
func (s *Server) Post(channelID, authorID gateway.Snowflake, content string) (gateway.Message, error) {
	if authorID == 0 {
		authorID = DefaultMemberID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	msg, err := s.postLocked(draft{channelID: channelID, author: authorID, content: content})
	var pe *postError
	if errors.As(err, &pe) {
		return msg, errors.New("sandbox: " + pe.Message)
	}
	return msg, err
}

// Messages lists what was posted in a channel, oldest first (at most the
// last 500).
func (s *Server) Messages(channelID gateway.Snowflake) []gateway.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.world.messages[channelID]
	if len(list) > maxStoredMessages {
		list = list[len(list)-maxStoredMessages:]
	}
	return append([]gateway.Message(nil), list...)
}
