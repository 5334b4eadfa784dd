package gateway

import "sort"

// TermKind names the three Discord words the product teaches.
type TermKind string

const (
	TermGuild  TermKind = "guild"
	TermUser   TermKind = "user"
	TermMember TermKind = "member"
)

// TermSpec says where in an event's payload a guild, user or member object
// sits. Path is dotted from the envelope ("d.author"); "[]" stands for every
// element of an array ("d.members[].user").
type TermSpec struct {
	Path string
	Kind TermKind
	Note string
}

// EventInfo describes one dispatch event (op 0, named by t).
type EventInfo struct {
	Name    string
	Meaning string
	// GuildIntents and DMIntents gate the event in guilds and in DMs: the
	// bot receives it there if it asked for any of these bits. Zero means the
	// event needs no intent in that context. Both are derived from the intent
	// table, so the gating is written down once.
	GuildIntents Intents
	DMIntents    Intents
	// GuildOnly marks events that can only happen in a guild, so asking
	// which intent they need in a DM makes no sense. An event gated by a
	// guild intent and no DM intent is guild-only without saying so.
	GuildOnly bool
	Terms     []TermSpec
}

// GatedBy is the set of intents (any one suffices) that lets the event
// through in a guild (inGuild) or outside one.
func (e EventInfo) GatedBy(inGuild bool) Intents {
	if inGuild {
		return e.GuildIntents
	}
	return e.DMIntents
}

// Allowed reports whether a bot identified with intents receives the event.
func (e EventInfo) Allowed(intents Intents, inGuild bool) bool {
	g := e.GatedBy(inGuild)
	return g == 0 || intents&g != 0
}

const (
	noteAuthor         = "A user: the account that wrote the message, with no guild context."
	noteMessageMember  = "A member: the author's membership in this guild (roles, nick, joined_at). It carries no nested user; the user is d.author."
	noteMentionUser    = "A user the message mentions."
	noteMentionMember  = "A partial member for a mentioned user, without a nested user."
	noteMemberWithUser = "A member: a user in this guild, with guild-only data (roles, nick, joined_at) and the user nested inside."
	noteNestedUser     = "A user nested in the member above it: the same person without guild context."
	noteEventUser      = "A user: the person this event is about."
)

var messageTerms = []TermSpec{
	{"d.author", TermUser, noteAuthor},
	{"d.member", TermMember, noteMessageMember},
	{"d.mentions[]", TermUser, noteMentionUser},
	{"d.mentions[].member", TermMember, noteMentionMember},
}

var memberEventTerms = []TermSpec{
	{"d", TermMember, "The whole of d is a member object (plus guild_id): someone's membership in this guild."},
	{"d.user", TermUser, noteNestedUser},
}

var memberWithUserTerms = []TermSpec{
	{"d.member", TermMember, noteMemberWithUser},
	{"d.member.user", TermUser, noteNestedUser},
}

var eventTable = []EventInfo{
	{Name: "READY", Meaning: "The session is open: the bot's own user, the guilds it is in (still unavailable), and the session_id and resume_gateway_url needed to resume.",
		Terms: []TermSpec{
			{"d.user", TermUser, "A user: the bot's own account. Bots are users too, with bot: true."},
			{"d.guilds[]", TermGuild, "An unavailable guild: only its id for now. A GUILD_CREATE will fill it in."},
		}},
	{Name: "RESUMED", Meaning: "The replay after a Resume is complete; everything after this is new."},
	{Name: "GUILD_CREATE", Meaning: "A guild became available: sent for each guild after READY, when the bot joins a guild, or when a guild comes back after an outage.",
		Terms: []TermSpec{
			{"d", TermGuild, "A guild: what users call a server, with its channels, roles and members."},
			{"d.members[]", TermMember, noteMemberWithUser},
			{"d.members[].user", TermUser, noteNestedUser},
			{"d.presences[].user", TermUser, "A partial user: a presence names only the user's id."},
		}},
	{Name: "GUILD_UPDATE", Meaning: "A guild's settings changed.", Terms: []TermSpec{{"d", TermGuild, "A guild with its new settings."}}},
	{Name: "GUILD_DELETE", Meaning: "The bot left or was removed from a guild, or the guild is unavailable (unavailable: true).",
		Terms: []TermSpec{{"d", TermGuild, "An unavailable guild: only its id."}}},
	{Name: "GUILD_ROLE_CREATE", Meaning: "A role was created."},
	{Name: "GUILD_ROLE_UPDATE", Meaning: "A role changed."},
	{Name: "GUILD_ROLE_DELETE", Meaning: "A role was deleted."},
	{Name: "CHANNEL_CREATE", Meaning: "A channel was created.", Terms: []TermSpec{{"d.recipients[]", TermUser, "A user in a DM channel."}}},
	{Name: "CHANNEL_UPDATE", Meaning: "A channel changed."},
	{Name: "CHANNEL_DELETE", Meaning: "A channel was deleted."},
	{Name: "CHANNEL_PINS_UPDATE", Meaning: "A message was pinned or unpinned."},
	{Name: "THREAD_CREATE", Meaning: "A thread was created, or the bot was added to a private thread."},
	{Name: "THREAD_UPDATE", Meaning: "A thread changed."},
	{Name: "THREAD_DELETE", Meaning: "A thread was deleted."},
	{Name: "THREAD_LIST_SYNC", Meaning: "The bot gained access to a channel: here are its active threads."},
	{Name: "THREAD_MEMBER_UPDATE", Meaning: "The bot's own thread membership changed."},
	{Name: "THREAD_MEMBERS_UPDATE", Meaning: "Users were added to or removed from a thread."},
	{Name: "GUILD_MEMBER_ADD", Meaning: "Someone joined a guild.", Terms: memberEventTerms},
	{Name: "GUILD_MEMBER_UPDATE", Meaning: "A member changed: roles, nickname, avatar, timeout.", Terms: memberEventTerms},
	{Name: "GUILD_MEMBER_REMOVE", Meaning: "Someone left, or was kicked from, a guild. Only the user is sent: the membership is gone.",
		Terms: []TermSpec{{"d.user", TermUser, "A user: the person who left. No member object, because they are no longer in the guild."}}},
	{Name: "GUILD_MEMBERS_CHUNK", Meaning: "Members sent in answer to a Request Guild Members (op 8); the nonce matches the request.", GuildOnly: true,
		Terms: []TermSpec{{"d.members[]", TermMember, noteMemberWithUser}, {"d.members[].user", TermUser, noteNestedUser}}},
	{Name: "GUILD_BAN_ADD", Meaning: "A user was banned.", Terms: []TermSpec{{"d.user", TermUser, noteEventUser}}},
	{Name: "GUILD_BAN_REMOVE", Meaning: "A ban was lifted.", Terms: []TermSpec{{"d.user", TermUser, noteEventUser}}},
	{Name: "GUILD_AUDIT_LOG_ENTRY_CREATE", Meaning: "An entry was added to the audit log."},
	{Name: "GUILD_EMOJIS_UPDATE", Meaning: "A guild's emojis changed."},
	{Name: "GUILD_STICKERS_UPDATE", Meaning: "A guild's stickers changed."},
	{Name: "GUILD_INTEGRATIONS_UPDATE", Meaning: "A guild's integrations changed."},
	{Name: "WEBHOOKS_UPDATE", Meaning: "A channel's webhooks changed."},
	{Name: "INVITE_CREATE", Meaning: "An invite was created.", Terms: []TermSpec{{"d.inviter", TermUser, "A user: who made the invite."}, {"d.target_user", TermUser, "A user the invite points at."}}},
	{Name: "INVITE_DELETE", Meaning: "An invite was deleted."},
	{Name: "VOICE_STATE_UPDATE", Meaning: "Someone joined, left or moved between voice channels, or muted or deafened.", Terms: memberWithUserTerms},
	{Name: "VOICE_SERVER_UPDATE", Meaning: "The voice server for a guild; the bot's voice connection needs it.", GuildOnly: true},
	{Name: "PRESENCE_UPDATE", Meaning: "A member's status or activity changed.",
		Terms: []TermSpec{{"d.user", TermUser, "A partial user: only id is guaranteed in a presence."}}},
	{Name: "MESSAGE_CREATE", Meaning: "A message was posted in a channel the bot can see.", Terms: messageTerms},
	{Name: "MESSAGE_UPDATE", Meaning: "A message was edited.", Terms: messageTerms},
	{Name: "MESSAGE_DELETE", Meaning: "A message was deleted."},
	{Name: "MESSAGE_DELETE_BULK", Meaning: "Several messages were deleted at once."},
	{Name: "MESSAGE_REACTION_ADD", Meaning: "Someone added a reaction to a message.", Terms: memberWithUserTerms},
	{Name: "MESSAGE_REACTION_REMOVE", Meaning: "Someone removed a reaction."},
	{Name: "MESSAGE_REACTION_REMOVE_ALL", Meaning: "All reactions were removed from a message."},
	{Name: "MESSAGE_REACTION_REMOVE_EMOJI", Meaning: "All reactions of one emoji were removed."},
	{Name: "MESSAGE_POLL_VOTE_ADD", Meaning: "Someone voted in a poll."},
	{Name: "MESSAGE_POLL_VOTE_REMOVE", Meaning: "Someone took back a poll vote."},
	{Name: "TYPING_START", Meaning: "Someone started typing in a channel.", Terms: memberWithUserTerms},
	{Name: "USER_UPDATE", Meaning: "The bot's own user changed.", Terms: []TermSpec{{"d", TermUser, "A user: the bot's own account."}}},
	{Name: "INTERACTION_CREATE", Meaning: "Someone used one of the bot's slash commands, buttons or menus. Sent on the gateway only while the app has no Interactions Endpoint URL. In a guild it carries member (with user inside); anywhere else (a DM, or a group DM for a user-installed app) only user.",
		Terms: []TermSpec{
			{"d.member", TermMember, "A member: the person who used the command, in this guild, with their permissions. Present only in a guild."},
			{"d.member.user", TermUser, noteNestedUser},
			{"d.user", TermUser, "A user: the person who used the command outside a guild (a DM or group DM). There is no member without a guild."},
		}},
	{Name: "STAGE_INSTANCE_CREATE", Meaning: "A stage went live."},
	{Name: "STAGE_INSTANCE_UPDATE", Meaning: "A stage changed."},
	{Name: "STAGE_INSTANCE_DELETE", Meaning: "A stage ended: its stage instance was deleted."},
	{Name: "GUILD_SCHEDULED_EVENT_CREATE", Meaning: "A scheduled event was created.", Terms: []TermSpec{{"d.creator", TermUser, "A user: who created the event."}}},
	{Name: "GUILD_SCHEDULED_EVENT_UPDATE", Meaning: "A scheduled event changed."},
	{Name: "GUILD_SCHEDULED_EVENT_DELETE", Meaning: "A scheduled event was deleted."},
	{Name: "GUILD_SCHEDULED_EVENT_USER_ADD", Meaning: "A user subscribed to a scheduled event."},
	{Name: "GUILD_SCHEDULED_EVENT_USER_REMOVE", Meaning: "A user unsubscribed from a scheduled event."},
	{Name: "AUTO_MODERATION_RULE_CREATE", Meaning: "An AutoMod rule was created."},
	{Name: "AUTO_MODERATION_RULE_UPDATE", Meaning: "An AutoMod rule changed."},
	{Name: "AUTO_MODERATION_RULE_DELETE", Meaning: "An AutoMod rule was deleted."},
	{Name: "AUTO_MODERATION_ACTION_EXECUTION", Meaning: "AutoMod acted on a message."},
	{Name: "INTEGRATION_CREATE", Meaning: "An integration was added."},
	{Name: "INTEGRATION_UPDATE", Meaning: "An integration changed."},
	{Name: "INTEGRATION_DELETE", Meaning: "An integration was removed."},
	{Name: "RATE_LIMITED", Meaning: "A gateway request (today only op 8) was rate limited; retry_after says how long to wait."},
	{Name: "CHANNEL_INFO", Meaning: "Short-lived data about a guild's channels (voice status, voice start time), the answer to a Request Channel Info (op 43).", GuildOnly: true},
	{Name: "SOUNDBOARD_SOUNDS", Meaning: "A guild's soundboard sounds, the answer to a Request Soundboard Sounds (op 31).", GuildOnly: true},
	{Name: "GUILD_SOUNDBOARD_SOUND_CREATE", Meaning: "A sound was added to a guild's soundboard; d is the sound."},
	{Name: "GUILD_SOUNDBOARD_SOUND_UPDATE", Meaning: "A soundboard sound was edited; d is the sound as it is now."},
	{Name: "GUILD_SOUNDBOARD_SOUND_DELETE", Meaning: "A soundboard sound was removed; only sound_id and guild_id are sent."},
	{Name: "GUILD_SOUNDBOARD_SOUNDS_UPDATE", Meaning: "Several of a guild's soundboard sounds changed at once; d lists them with the guild_id."},
	{Name: "VOICE_CHANNEL_EFFECT_SEND", Meaning: "Someone in the voice channel the bot is connected to sent an effect: an emoji reaction or a soundboard sound."},
	{Name: "VOICE_CHANNEL_STATUS_UPDATE", Meaning: "A voice channel's status text was set or cleared."},
	{Name: "VOICE_CHANNEL_START_TIME_UPDATE", Meaning: "A voice channel's session start time changed (a Unix time in seconds, or absent when nobody is in it)."},
	{Name: "ENTITLEMENT_CREATE", Meaning: "A user or guild was granted one of the app's SKUs, usually by buying it."},
	{Name: "ENTITLEMENT_UPDATE", Meaning: "An entitlement changed, for example a subscription renewed or ended."},
	{Name: "ENTITLEMENT_DELETE", Meaning: "An entitlement was taken away, for example after a refund."},
	{Name: "SUBSCRIPTION_CREATE", Meaning: "Someone subscribed to the app's premium offer. Its status may still be inactive; grant perks from entitlements, not from this event."},
	{Name: "SUBSCRIPTION_UPDATE", Meaning: "A premium subscription changed, for example became active or is set to end."},
	{Name: "SUBSCRIPTION_DELETE", Meaning: "A premium subscription was deleted."},
	{Name: "APPLICATION_COMMAND_PERMISSIONS_UPDATE", Meaning: "A guild changed who may use one of the app's commands.", GuildOnly: true},
}

var eventByName = func() map[string]EventInfo {
	m := make(map[string]EventInfo, len(eventTable))
	for _, e := range eventTable {
		m[e.Name] = e
	}
	// Gating lives in the intent table; copy it onto the events here. The
	// DIRECT_* intents gate the DM side of an event, all others the guild side.
	for _, in := range intentTable {
		dm := len(in.Name) > 7 && in.Name[:7] == "DIRECT_"
		for _, name := range in.Events {
			// An event missing from eventTable gets no meaning; a test
			// insists every event has one.
			e, ok := m[name]
			if !ok {
				e = EventInfo{Name: name}
			}
			if dm {
				e.DMIntents |= in.Intent
			} else {
				e.GuildIntents |= in.Intent
			}
			m[name] = e
		}
	}
	for name, e := range m {
		if e.GuildIntents != 0 && e.DMIntents == 0 {
			e.GuildOnly = true
			m[name] = e
		}
	}
	return m
}()

// LookupEvent describes the dispatch event t.
func LookupEvent(t string) (EventInfo, bool) {
	e, ok := eventByName[t]
	return e, ok
}

// Events lists the catalog sorted by name.
func Events() []EventInfo {
	out := make([]EventInfo, 0, len(eventByName))
	for _, e := range eventByName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
