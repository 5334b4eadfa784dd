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
	cs, g := s.world.findChannel(d.channelID)
	if cs == nil {
		return gateway.Message{}, errUnknownChannel
	}
	ch := cs.render(g)
	if !textual(ch.Type) {
		return gateway.Message{}, errNotText
	}
	if strings.TrimSpace(d.content) == "" && len(d.embeds) == 0 && len(d.components) == 0 && d.stickers == 0 {
		return gateway.Message{}, errEmptyMessage
	}
	if utf8.RuneCountInString(d.content) > maxContent {
		return gateway.Message{}, errTooLong
	}
	inGuild := g != nil
	var author gateway.User
	var member *gateway.Member
	switch {
	case inGuild:
		r := g.member(d.author)
		if r == nil {
			return gateway.Message{}, errUnknownUser
		}
		author = *r.member.User
		m := r.member
		m.User = nil // MESSAGE_CREATE's member never nests the user
		member = &m
	default:
		u, ok := s.world.users[d.author]
		if !ok {
			return gateway.Message{}, errUnknownUser
		}
		author = u
	}
	msg := gateway.Message{
		ID: s.ids.Next(), ChannelID: ch.ID, Author: author, Member: member, Content: d.content,
		Timestamp: timestamp(s.now()), TTS: d.tts, Mentions: []gateway.User{}, MentionRoles: []gateway.Snowflake{},
		Attachments: []json.RawMessage{}, Embeds: nonNil(d.embeds), Components: d.components, Nonce: d.nonce,
		MentionEveryone: strings.Contains(d.content, "@everyone") || strings.Contains(d.content, "@here"),
	}
	if inGuild {
		msg.GuildID = sf(g.guild.ID)
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
		if u, ok := s.world.users[id]; ok {
			msg.Mentions = append(msg.Mentions, u)
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
	guild := gateway.Snowflake(0)
	if inGuild {
		guild = g.guild.ID
	}
	s.dispatchLocked("MESSAGE_CREATE", guild, ch.ID, full, stripped)
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
