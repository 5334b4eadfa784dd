package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// maxContent is Discord's limit on a message's content, in characters.
const maxContent = 2000

// nonceWindow is how long enforce_nonce finds an earlier message with the
// same nonce: Discord speaks of "a few minutes".
const nonceWindow = 5 * time.Minute

// Message flags a sender may set.
const (
	flagSuppressEmbeds        = 1 << 2
	flagSuppressNotifications = 1 << 12
)

// draft is a message about to be posted, from REST, Post or the activity loop.
type draft struct {
	channelID    gateway.Snowflake
	author       gateway.Snowflake
	content      string
	nonce        json.RawMessage
	enforceNonce bool
	tts          bool
	embeds       []json.RawMessage
	components   []json.RawMessage
	stickers     int
	flags        int
	replyTo      *gateway.Snowflake
	// replyMayFail is fail_if_not_exists false: a reply to a missing message
	// is sent as an ordinary one.
	replyMayFail bool
	allowed      *allowedMentions // nil: everything in content pings
	msgType      int
}

// allowedMentions is a message's allowed_mentions.
type allowedMentions struct {
	Parse       []string            `json:"parse"`
	Users       []gateway.Snowflake `json:"users"`
	Roles       []gateway.Snowflake `json:"roles"`
	RepliedUser bool                `json:"replied_user"`
}

func (a *allowedMentions) allows(kind string, id gateway.Snowflake) bool {
	if a == nil {
		return true
	}
	for _, p := range a.Parse {
		if p == kind {
			return true
		}
	}
	switch kind {
	case "users":
		return containsID(a.Users, id)
	case "roles":
		return containsID(a.Roles, id)
	}
	return false
}

// validate applies Discord's rules: parse holds only users, roles and
// everyone, and naming a kind in parse excludes listing its ids.
func (a *allowedMentions) validate() error {
	if a == nil {
		return nil
	}
	for _, p := range a.Parse {
		if p != "users" && p != "roles" && p != "everyone" {
			return formErrors(fieldError{path: []string{"allowed_mentions", "parse"}, code: "BASE_TYPE_CHOICES", message: "Value must be one of {'users', 'roles', 'everyone'}."})
		}
		if (p == "users" && len(a.Users) > 0) || (p == "roles" && len(a.Roles) > 0) {
			return formErrors(fieldError{path: []string{"allowed_mentions"}, code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", message: "parse:[\"" + p + "\"] and " + p + ": [ids...] are mutually exclusive."})
		}
	}
	if len(a.Users) > maxAllowedMentions || len(a.Roles) > maxAllowedMentions {
		return formErrors(fieldError{path: []string{"allowed_mentions"}, code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length."})
	}
	return nil
}

var (
	mentionPattern     = regexp.MustCompile(`<@!?(\d{1,20})>`)
	roleMentionPattern = regexp.MustCompile(`<@&(\d{1,20})>`)
)

// postLocked creates a message and dispatches MESSAGE_CREATE to every session
// whose intents admit it, the poster's own included. The author needs to see
// the channel and to send there, as on Discord.
func (s *Server) postLocked(d draft) (gateway.Message, error) {
	cs, g := s.world.findChannel(d.channelID)
	if cs == nil {
		return gateway.Message{}, errUnknownChannel
	}
	ch := cs.render(g)
	if !textual(ch.Type) {
		return gateway.Message{}, errNotText
	}
	perms := s.world.permissionsIn(ch.ID, d.author)
	send := gateway.PermSendMessages
	if isThread(ch.Type) {
		send = gateway.PermSendMessagesInThreads
	}
	switch {
	case !perms.Has(gateway.PermViewChannel):
		return gateway.Message{}, discordErr(gateway.ErrMissingAccess)
	case !perms.Has(send):
		return gateway.Message{}, discordErr(gateway.ErrMissingPermissions)
	case ch.ThreadMetadata != nil && ch.ThreadMetadata.Archived:
		return gateway.Message{}, discordErr(gateway.ErrArchivedThread)
	case strings.TrimSpace(d.content) == "" && len(d.embeds) == 0 && len(d.components) == 0 && d.stickers == 0 && d.msgType == 0:
		return gateway.Message{}, errEmptyMessage
	case utf8.RuneCountInString(d.content) > maxContent:
		return gateway.Message{}, errTooLong
	}
	if err := d.allowed.validate(); err != nil {
		return gateway.Message{}, err
	}
	if earlier := s.world.sameNonce(d, s.now()); earlier != nil {
		return *earlier, nil
	}
	author, member, err := s.world.authorOf(g, d.author)
	if err != nil {
		return gateway.Message{}, err
	}
	msg := gateway.Message{
		ID: s.ids.Next(), ChannelID: ch.ID, Author: author, Member: member, Content: d.content,
		Timestamp: timestamp(s.now()), TTS: d.tts && perms.Has(gateway.PermSendTTSMessages), Mentions: []gateway.User{}, MentionRoles: []gateway.Snowflake{},
		Attachments: []json.RawMessage{}, Embeds: nonNil(normalizeEmbeds(d.embeds)), Components: nonNil(d.components), Nonce: d.nonce,
		Type: d.msgType, Flags: d.flags & (flagSuppressEmbeds | flagSuppressNotifications),
	}
	if g != nil {
		msg.GuildID = sf(g.guild.ID)
	}
	if d.replyTo != nil {
		ref, err := s.world.findMessage(ch.ID, *d.replyTo)
		switch {
		case err != nil && !d.replyMayFail:
			return gateway.Message{}, formErrors(fieldError{path: []string{"message_reference"}, code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", message: "Unknown message"})
		case err == nil:
			refCopy := *ref
			refCopy.ReferencedMessage, refCopy.Member = nil, nil
			msg.ReferencedMessage = &refCopy
			msg.MessageReference = &gateway.MessageReference{Type: 0, MessageID: sf(ref.ID), ChannelID: sf(ch.ID), GuildID: msg.GuildID}
			if msg.Type == 0 {
				msg.Type = 19
			}
			if msg.Type == 19 && (d.allowed == nil || d.allowed.RepliedUser) {
				msg.Mentions = append(msg.Mentions, ref.Author)
			}
		}
	}
	s.world.resolveMentions(&msg, g, d.allowed, perms)
	s.world.store(msg)
	s.dispatchMessageLocked("MESSAGE_CREATE", g, msg)
	return msg, nil
}

// authorOf is the author's user and, in a guild, their member without the
// nested user (MESSAGE_CREATE's member never nests it).
func (w *world) authorOf(g *guildState, id gateway.Snowflake) (gateway.User, *gateway.Member, error) {
	if g == nil {
		u, ok := w.users[id]
		if !ok {
			return gateway.User{}, nil, errUnknownUser
		}
		return u, nil, nil
	}
	r := g.member(id)
	if r == nil {
		return gateway.User{}, nil, errUnknownUser
	}
	m := r.member
	m.User = nil
	return *r.member.User, &m, nil
}

// sameNonce is an earlier message of the same author in the channel with the
// same nonce, when enforce_nonce asks for one.
func (w *world) sameNonce(d draft, now time.Time) *gateway.Message {
	if !d.enforceNonce || len(d.nonce) == 0 {
		return nil
	}
	list := w.messages[d.channelID]
	for i := len(list) - 1; i >= 0; i-- {
		m := &list[i]
		if now.Sub(m.ID.Time()) > nonceWindow {
			break
		}
		if m.Author.ID == d.author && bytes.Equal(bytes.TrimSpace(m.Nonce), bytes.TrimSpace(d.nonce)) {
			return m
		}
	}
	return nil
}

// resolveMentions fills mentions, mention_roles and mention_everyone from
// the content as allowed_mentions and the author's permissions allow.
func (w *world) resolveMentions(msg *gateway.Message, g *guildState, allowed *allowedMentions, perms gateway.Permissions) {
	for _, m := range mentionPattern.FindAllStringSubmatch(msg.Content, -1) {
		id, err := gateway.ParseSnowflake(m[1])
		if err != nil || !allowed.allows("users", id) || containsUser(msg.Mentions, id) {
			continue
		}
		if u, ok := w.users[id]; ok {
			msg.Mentions = append(msg.Mentions, u)
		}
	}
	if g != nil {
		for _, m := range roleMentionPattern.FindAllStringSubmatch(msg.Content, -1) {
			id, err := gateway.ParseSnowflake(m[1])
			if _, known := g.role(id); err == nil && known && allowed.allows("roles", id) && !containsID(msg.MentionRoles, id) {
				msg.MentionRoles = append(msg.MentionRoles, id)
			}
		}
	}
	everyone := strings.Contains(msg.Content, "@everyone") || strings.Contains(msg.Content, "@here")
	msg.MentionEveryone = everyone && allowed.allows("everyone", 0) && perms.Has(gateway.PermMentionEveryone)
}

// dispatchMessageLocked sends MESSAGE_CREATE or MESSAGE_UPDATE. Without
// MESSAGE_CONTENT the content fields arrive empty, except in the bot's own
// messages, in DMs and in messages that mention the bot.
func (s *Server) dispatchMessageLocked(t string, g *guildState, msg gateway.Message) {
	full := mustJSON(msg)
	var stripped []byte
	if g != nil && msg.Author.ID != BotID && !containsUser(msg.Mentions, BotID) {
		bare := msg
		bare.Content, bare.Embeds, bare.Attachments, bare.Components = "", []json.RawMessage{}, []json.RawMessage{}, []json.RawMessage{}
		stripped = mustJSON(bare)
	}
	s.dispatchLocked(t, guildIDOf(g), msg.ChannelID, full, stripped)
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
