package sandbox

import "gatewaytour/inspector/gateway"

// dispatchLocked sends event t to every session whose intents and shard
// admit it. guild is the guild the event is about (0 for a DM: those go to
// shard 0 only). channel, when not 0, is the channel it happened in:
// Discord sends nothing about a channel the bot cannot view. stripped, when
// not nil, is d without message content, for sessions without
// MESSAGE_CONTENT.
func (s *Server) dispatchLocked(t string, guild, channel gateway.Snowflake, d, stripped []byte) {
	s.feedLocked(t, d) // the members' view (feed.go)
	if guild != 0 && channel != 0 && !s.world.permissionsIn(channel, BotID).Has(gateway.PermViewChannel) {
		return
	}
	info, known := gateway.LookupEvent(t)
	inGuild := guild != 0
	now := s.now()
	for id, sess := range s.sessions {
		switch {
		case s.expiredLocked(sess, now):
			delete(s.sessions, id)
			continue
		case known && !info.Allowed(sess.intents, inGuild):
			continue
		case inGuild && !ownsGuild(sess.shard, guild):
			continue
		case !inGuild && sess.shard != nil && sess.shard[0] != 0:
			continue // DMs go to shard 0 only
		}
		data := d
		if stripped != nil && !sess.intents.Has(gateway.IntentMessageContent) {
			data = stripped
		}
		s.pushLocked(sess, t, data)
	}
}

// guildOf is the guild a channel belongs to, 0 for a DM or unknown channel.
func (w *world) guildOf(channel gateway.Snowflake) gateway.Snowflake {
	if _, g := w.findChannel(channel); g != nil {
		return g.guild.ID
	}
	return 0
}
