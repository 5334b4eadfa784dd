package sandbox

import (
	"strings"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// reactionRoutes are reactions on a message.
var reactionRoutes = []restRoute{
	{family: "reactions", method: "PUT", path: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", serve: (*Server).addOwnReaction},
	{family: "reactions", method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", serve: (*Server).removeOwnReaction},
	{family: "reactions", method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/{user_id}", serve: (*Server).removeUserReaction},
	{family: "reactions", method: "GET", path: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}", serve: (*Server).listReactions},
	{family: "reactions", method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}/reactions", serve: (*Server).clearReactions},
	{family: "reactions", method: "DELETE", path: "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}", serve: (*Server).clearEmojiReactions},
}

// maxReactionEmojis is Discord's limit on distinct emojis on one message.
const maxReactionEmojis = 20

type reactionKey struct {
	message gateway.Snowflake
	emoji   string // the Unicode emoji, or "name:id" for a custom one
}

// parseEmoji reads a path's emoji: a Unicode emoji, or name:id for a custom
// one. The sandbox's guilds have no custom emojis, so any name:id is
// unknown (10014), as is text that is not an emoji.
func parseEmoji(raw string) (gateway.Emoji, string, error) {
	if strings.Contains(raw, ":") || raw == "" || utf8.RuneCountInString(raw) > 16 {
		return gateway.Emoji{}, "", discordErr(gateway.ErrUnknownEmoji)
	}
	for _, r := range raw {
		if r >= 0x80 {
			return gateway.Emoji{Name: raw}, raw, nil
		}
	}
	return gateway.Emoji{}, "", discordErr(gateway.ErrUnknownEmoji) // plain ASCII is no emoji
}

// reactionTarget resolves the channel, message and emoji of a reaction route.
func (s *Server) reactionTarget(c *restCall, withEmoji bool) (*guildState, *gateway.Message, gateway.Emoji, string, error) {
	_, g, m, err := s.channelMessage(c, gateway.PermReadMessageHistory)
	if err != nil {
		return nil, nil, gateway.Emoji{}, "", err
	}
	var emoji gateway.Emoji
	var key string
	if withEmoji {
		if emoji, key, err = parseEmoji(c.params["emoji_name"]); err != nil {
			return nil, nil, gateway.Emoji{}, "", err
		}
	}
	return g, m, emoji, key, nil
}

// reactLocked adds userID's reaction and dispatches MESSAGE_REACTION_ADD.
// A reaction already there changes nothing. A new emoji needs Add
// Reactions; at most 20 emojis fit on a message.
func (s *Server) reactLocked(g *guildState, m *gateway.Message, userID gateway.Snowflake, emoji gateway.Emoji, key string) error {
	k := reactionKey{m.ID, key}
	users := s.world.reactors[k]
	if containsID(users, userID) {
		return nil
	}
	if len(users) == 0 {
		if !s.world.permissionsIn(m.ChannelID, userID).Has(gateway.PermAddReactions) {
			return discordErr(gateway.ErrMissingPermissions)
		}
		if len(m.Reactions) >= maxReactionEmojis {
			return discordErr(gateway.ErrMaxReactions)
		}
	}
	s.world.reactors[k] = append(users, userID)
	s.world.syncReactions(m)
	d := map[string]any{"user_id": userID, "channel_id": m.ChannelID, "message_id": m.ID, "emoji": emoji,
		"message_author_id": m.Author.ID, "burst": false, "burst_colors": []string{}, "type": 0}
	if g != nil {
		d["guild_id"] = g.guild.ID
		if r := g.member(userID); r != nil {
			d["member"] = r.member
		}
	}
	s.dispatchLocked("MESSAGE_REACTION_ADD", guildIDOf(g), m.ChannelID, mustJSON(d), nil)
	return nil
}

// unreactLocked removes userID's reaction and dispatches
// MESSAGE_REACTION_REMOVE; a reaction that is not there changes nothing.
func (s *Server) unreactLocked(g *guildState, m *gateway.Message, userID gateway.Snowflake, emoji gateway.Emoji, key string) {
	k := reactionKey{m.ID, key}
	users := s.world.reactors[k]
	if !containsID(users, userID) {
		return
	}
	left := users[:0:0]
	for _, u := range users {
		if u != userID {
			left = append(left, u)
		}
	}
	if len(left) == 0 {
		delete(s.world.reactors, k)
	} else {
		s.world.reactors[k] = left
	}
	s.world.syncReactions(m)
	d := map[string]any{"user_id": userID, "channel_id": m.ChannelID, "message_id": m.ID, "emoji": emoji, "burst": false, "type": 0}
	if g != nil {
		d["guild_id"] = g.guild.ID
	}
	s.dispatchLocked("MESSAGE_REACTION_REMOVE", guildIDOf(g), m.ChannelID, mustJSON(d), nil)
}

// syncReactions rewrites a message's reactions from who reacted, keeping
// the order in which emojis first appeared.
func (w *world) syncReactions(m *gateway.Message) {
	var out []gateway.Reaction
	seen := map[string]bool{}
	for _, r := range m.Reactions {
		key := r.Emoji.Name
		seen[key] = true
		if users := w.reactors[reactionKey{m.ID, key}]; len(users) > 0 {
			out = append(out, reactionOf(r.Emoji, users))
		}
	}
	for k, users := range w.reactors {
		if k.message == m.ID && !seen[k.emoji] && len(users) > 0 {
			out = append(out, reactionOf(gateway.Emoji{Name: k.emoji}, users))
		}
	}
	m.Reactions = out
}

func reactionOf(e gateway.Emoji, users []gateway.Snowflake) gateway.Reaction {
	return gateway.Reaction{Count: len(users), CountDetails: gateway.ReactionCountDetails{Normal: len(users)}, Me: containsID(users, BotID), Emoji: e, BurstColors: []string{}}
}

// forgetReactions drops who reacted to messages no longer kept.
func (w *world) forgetReactions(gone []gateway.Message) {
	for _, m := range gone {
		for _, r := range m.Reactions {
			delete(w.reactors, reactionKey{m.ID, r.Emoji.Name})
		}
	}
}

func (s *Server) addOwnReaction(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, m, emoji, key, err := s.reactionTarget(c, true)
		if err != nil {
			return nil, err
		}
		return nil, s.reactLocked(g, m, BotID, emoji, key)
	})
}

func (s *Server) removeOwnReaction(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, m, emoji, key, err := s.reactionTarget(c, true)
		if err != nil {
			return nil, err
		}
		s.unreactLocked(g, m, BotID, emoji, key)
		return nil, nil
	})
}

// removeUserReaction removes someone else's reaction: Manage Messages.
func (s *Server) removeUserReaction(c *restCall) {
	s.do(c, 204, func() (any, error) {
		uid, err := c.id("user_id")
		if err != nil {
			return nil, err
		}
		g, m, emoji, key, err := s.reactionTarget(c, true)
		if err != nil {
			return nil, err
		}
		if uid != BotID && !s.world.permissionsIn(m.ChannelID, BotID).Has(gateway.PermManageMessages) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		s.unreactLocked(g, m, uid, emoji, key)
		return nil, nil
	})
}

// listReactions is who reacted with an emoji, in id order after ?after,
// ?limit 1–100 (25).
func (s *Server) listReactions(c *restCall) {
	s.do(c, 200, func() (any, error) {
		limit, _, after, err := c.page(25, 100)
		if err != nil {
			return nil, err
		}
		_, m, _, key, err := s.reactionTarget(c, true)
		if err != nil {
			return nil, err
		}
		ids := append([]gateway.Snowflake(nil), s.world.reactors[reactionKey{m.ID, key}]...)
		sortIDs(ids)
		out := []gateway.User{}
		for _, id := range ids {
			if id > after && len(out) < limit {
				out = append(out, s.world.users[id])
			}
		}
		return out, nil
	})
}

// clearReactions removes every reaction (Manage Messages):
// MESSAGE_REACTION_REMOVE_ALL.
func (s *Server) clearReactions(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, m, _, _, err := s.reactionTarget(c, false)
		if err != nil {
			return nil, err
		}
		if !s.world.permissionsIn(m.ChannelID, BotID).Has(gateway.PermManageMessages) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		s.world.forgetReactions([]gateway.Message{*m})
		m.Reactions = nil
		d := map[string]any{"channel_id": m.ChannelID, "message_id": m.ID}
		if g != nil {
			d["guild_id"] = g.guild.ID
		}
		s.dispatchLocked("MESSAGE_REACTION_REMOVE_ALL", guildIDOf(g), m.ChannelID, mustJSON(d), nil)
		return nil, nil
	})
}

// clearEmojiReactions removes one emoji's reactions (Manage Messages):
// MESSAGE_REACTION_REMOVE_EMOJI.
func (s *Server) clearEmojiReactions(c *restCall) {
	s.do(c, 204, func() (any, error) {
		g, m, emoji, key, err := s.reactionTarget(c, true)
		if err != nil {
			return nil, err
		}
		if !s.world.permissionsIn(m.ChannelID, BotID).Has(gateway.PermManageMessages) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		delete(s.world.reactors, reactionKey{m.ID, key})
		s.world.syncReactions(m)
		d := map[string]any{"channel_id": m.ChannelID, "message_id": m.ID, "emoji": emoji}
		if g != nil {
			d["guild_id"] = g.guild.ID
		}
		s.dispatchLocked("MESSAGE_REACTION_REMOVE_EMOJI", guildIDOf(g), m.ChannelID, mustJSON(d), nil)
		return nil, nil
	})
}
