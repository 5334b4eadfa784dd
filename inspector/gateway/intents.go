package gateway

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
)

// Intents is the bitfield sent in Identify; each bit subscribes to a group
// of dispatch events.
type Intents uint64

const (
	IntentGuilds                      Intents = 1 << 0
	IntentGuildMembers                Intents = 1 << 1
	IntentGuildModeration             Intents = 1 << 2
	IntentGuildExpressions            Intents = 1 << 3
	IntentGuildIntegrations           Intents = 1 << 4
	IntentGuildWebhooks               Intents = 1 << 5
	IntentGuildInvites                Intents = 1 << 6
	IntentGuildVoiceStates            Intents = 1 << 7
	IntentGuildPresences              Intents = 1 << 8
	IntentGuildMessages               Intents = 1 << 9
	IntentGuildMessageReactions       Intents = 1 << 10
	IntentGuildMessageTyping          Intents = 1 << 11
	IntentDirectMessages              Intents = 1 << 12
	IntentDirectMessageReactions      Intents = 1 << 13
	IntentDirectMessageTyping         Intents = 1 << 14
	IntentMessageContent              Intents = 1 << 15
	IntentGuildScheduledEvents        Intents = 1 << 16
	IntentAutoModerationConfiguration Intents = 1 << 20
	IntentAutoModerationExecution     Intents = 1 << 21
	IntentGuildMessagePolls           Intents = 1 << 24
	IntentDirectMessagePolls          Intents = 1 << 25
)

// IntentInfo describes one intent bit.
type IntentInfo struct {
	Intent     Intents
	Name       string
	Privileged bool
	Events     []string
	Note       string
}

// Bit is the bit position, 0 for GUILDS.
func (i IntentInfo) Bit() int { return bits.TrailingZeros64(uint64(i.Intent)) }

var intentTable = []IntentInfo{
	{IntentGuilds, "GUILDS", false, []string{"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "CHANNEL_PINS_UPDATE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "THREAD_LIST_SYNC", "THREAD_MEMBER_UPDATE", "THREAD_MEMBERS_UPDATE", "STAGE_INSTANCE_CREATE", "STAGE_INSTANCE_UPDATE", "STAGE_INSTANCE_DELETE", "VOICE_CHANNEL_STATUS_UPDATE", "VOICE_CHANNEL_START_TIME_UPDATE"}, "Guilds, their channels, roles, threads and voice-channel status. Almost every bot needs it."},
	{IntentGuildMembers, "GUILD_MEMBERS", true, []string{"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE"}, "Members joining, changing and leaving; also needed to request the whole member list."},
	{IntentGuildModeration, "GUILD_MODERATION", false, []string{"GUILD_AUDIT_LOG_ENTRY_CREATE", "GUILD_BAN_ADD", "GUILD_BAN_REMOVE"}, "Bans and audit-log entries."},
	{IntentGuildExpressions, "GUILD_EXPRESSIONS", false, []string{"GUILD_EMOJIS_UPDATE", "GUILD_STICKERS_UPDATE", "GUILD_SOUNDBOARD_SOUND_CREATE", "GUILD_SOUNDBOARD_SOUND_UPDATE", "GUILD_SOUNDBOARD_SOUND_DELETE", "GUILD_SOUNDBOARD_SOUNDS_UPDATE"}, "Emojis, stickers and soundboard sounds."},
	{IntentGuildIntegrations, "GUILD_INTEGRATIONS", false, []string{"GUILD_INTEGRATIONS_UPDATE", "INTEGRATION_CREATE", "INTEGRATION_UPDATE", "INTEGRATION_DELETE"}, "Integrations added to a guild."},
	{IntentGuildWebhooks, "GUILD_WEBHOOKS", false, []string{"WEBHOOKS_UPDATE"}, "Webhooks created or changed."},
	{IntentGuildInvites, "GUILD_INVITES", false, []string{"INVITE_CREATE", "INVITE_DELETE"}, "Invites created or deleted."},
	{IntentGuildVoiceStates, "GUILD_VOICE_STATES", false, []string{"VOICE_CHANNEL_EFFECT_SEND", "VOICE_STATE_UPDATE"}, "Who is in which voice channel."},
	{IntentGuildPresences, "GUILD_PRESENCES", true, []string{"PRESENCE_UPDATE"}, "Members' online status and activities."},
	{IntentGuildMessages, "GUILD_MESSAGES", false, []string{"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}, "Messages in guild channels (their content needs MESSAGE_CONTENT too)."},
	{IntentGuildMessageReactions, "GUILD_MESSAGE_REACTIONS", false, []string{"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL", "MESSAGE_REACTION_REMOVE_EMOJI"}, "Reactions in guild channels."},
	{IntentGuildMessageTyping, "GUILD_MESSAGE_TYPING", false, []string{"TYPING_START"}, "Typing indicators in guild channels."},
	{IntentDirectMessages, "DIRECT_MESSAGES", false, []string{"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "CHANNEL_PINS_UPDATE"}, "Messages in DMs with the bot."},
	{IntentDirectMessageReactions, "DIRECT_MESSAGE_REACTIONS", false, []string{"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL", "MESSAGE_REACTION_REMOVE_EMOJI"}, "Reactions in DMs."},
	{IntentDirectMessageTyping, "DIRECT_MESSAGE_TYPING", false, []string{"TYPING_START"}, "Typing indicators in DMs."},
	{IntentMessageContent, "MESSAGE_CONTENT", true, nil, "No events of its own: without it, content, embeds, attachments, components and poll arrive empty, except in DMs, the bot's own messages and messages that mention it."},
	{IntentGuildScheduledEvents, "GUILD_SCHEDULED_EVENTS", false, []string{"GUILD_SCHEDULED_EVENT_CREATE", "GUILD_SCHEDULED_EVENT_UPDATE", "GUILD_SCHEDULED_EVENT_DELETE", "GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE"}, "Scheduled events."},
	{IntentAutoModerationConfiguration, "AUTO_MODERATION_CONFIGURATION", false, []string{"AUTO_MODERATION_RULE_CREATE", "AUTO_MODERATION_RULE_UPDATE", "AUTO_MODERATION_RULE_DELETE"}, "AutoMod rules changing."},
	{IntentAutoModerationExecution, "AUTO_MODERATION_EXECUTION", false, []string{"AUTO_MODERATION_ACTION_EXECUTION"}, "AutoMod acting on a message."},
	{IntentGuildMessagePolls, "GUILD_MESSAGE_POLLS", false, []string{"MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE"}, "Poll votes in guilds."},
	{IntentDirectMessagePolls, "DIRECT_MESSAGE_POLLS", false, []string{"MESSAGE_POLL_VOTE_ADD", "MESSAGE_POLL_VOTE_REMOVE"}, "Poll votes in DMs."},
}

// AllIntents holds every documented bit; anything else in Identify is 4013.
var AllIntents = func() Intents {
	var all Intents
	for _, i := range intentTable {
		all |= i.Intent
	}
	return all
}()

// PrivilegedIntents must be switched on in the Developer Portal before a bot
// may ask for them; otherwise Identify is closed with 4014.
const PrivilegedIntents = IntentGuildMembers | IntentGuildPresences | IntentMessageContent

// DefaultIntents is every non-privileged intent: what a bot gets when it
// asks for "default" intents.
var DefaultIntents = AllIntents &^ PrivilegedIntents

// IntentList lists every intent in bit order.
func IntentList() []IntentInfo { return append([]IntentInfo(nil), intentTable...) }

// Has reports whether every bit of want is set.
func (i Intents) Has(want Intents) bool { return i&want == want }

// Unknown is the part of i that is not a documented intent.
func (i Intents) Unknown() Intents { return i &^ AllIntents }

// Names lists the names of the set bits, with unknown bits as "1<<N".
func (i Intents) Names() []string {
	var out []string
	for _, info := range intentTable {
		if i.Has(info.Intent) {
			out = append(out, info.Name)
		}
	}
	for u := uint64(i.Unknown()); u != 0; u &= u - 1 {
		out = append(out, "1<<"+strconv.Itoa(bits.TrailingZeros64(u)))
	}
	return out
}

func (i Intents) String() string {
	if i == 0 {
		return "none"
	}
	return strings.Join(i.Names(), "|")
}

// ParseIntents reads a comma- or pipe-separated list of intent names (case
// does not matter), numbers, or the words "default", "all", "privileged".
func ParseIntents(s string) (Intents, error) {
	var out Intents
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' || r == ' ' }) {
		name := strings.ToUpper(strings.TrimSpace(f))
		switch name {
		case "DEFAULT":
			out |= DefaultIntents
			continue
		case "ALL":
			out |= AllIntents
			continue
		case "PRIVILEGED":
			out |= PrivilegedIntents
			continue
		}
		if n, err := strconv.ParseUint(name, 10, 64); err == nil {
			out |= Intents(n)
			continue
		}
		info, ok := intentByName[name]
		if !ok {
			return 0, fmt.Errorf("gateway: unknown intent %q (known: %s)", f, strings.Join(intentNames(), ", "))
		}
		out |= info.Intent
	}
	return out, nil
}

var intentByName = func() map[string]IntentInfo {
	m := make(map[string]IntentInfo, len(intentTable))
	for _, i := range intentTable {
		m[i.Name] = i
	}
	return m
}()

func intentNames() []string {
	names := make([]string, 0, len(intentTable))
	for _, i := range intentTable {
		names = append(names, i.Name)
	}
	sort.Strings(names)
	return names
}
