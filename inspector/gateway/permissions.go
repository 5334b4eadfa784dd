package gateway

import (
	"strconv"
	"strings"
)

// Permissions is Discord's permission bitfield. On the wire it is a decimal
// string ("2048"), in roles, overwrites and interaction members alike.
type Permissions uint64

// The permission bits Discord documents (topics/permissions, "Bitwise
// Permission Flags").
const (
	PermCreateInstantInvite      Permissions = 1 << 0
	PermKickMembers              Permissions = 1 << 1
	PermBanMembers               Permissions = 1 << 2
	PermAdministrator            Permissions = 1 << 3
	PermManageChannels           Permissions = 1 << 4
	PermManageGuild              Permissions = 1 << 5
	PermAddReactions             Permissions = 1 << 6
	PermViewAuditLog             Permissions = 1 << 7
	PermPrioritySpeaker          Permissions = 1 << 8
	PermStream                   Permissions = 1 << 9
	PermViewChannel              Permissions = 1 << 10
	PermSendMessages             Permissions = 1 << 11
	PermSendTTSMessages          Permissions = 1 << 12
	PermManageMessages           Permissions = 1 << 13
	PermEmbedLinks               Permissions = 1 << 14
	PermAttachFiles              Permissions = 1 << 15
	PermReadMessageHistory       Permissions = 1 << 16
	PermMentionEveryone          Permissions = 1 << 17
	PermUseExternalEmojis        Permissions = 1 << 18
	PermViewGuildInsights        Permissions = 1 << 19
	PermConnect                  Permissions = 1 << 20
	PermSpeak                    Permissions = 1 << 21
	PermMuteMembers              Permissions = 1 << 22
	PermDeafenMembers            Permissions = 1 << 23
	PermMoveMembers              Permissions = 1 << 24
	PermUseVAD                   Permissions = 1 << 25
	PermChangeNickname           Permissions = 1 << 26
	PermManageNicknames          Permissions = 1 << 27
	PermManageRoles              Permissions = 1 << 28
	PermManageWebhooks           Permissions = 1 << 29
	PermManageGuildExpressions   Permissions = 1 << 30
	PermUseApplicationCommands   Permissions = 1 << 31
	PermRequestToSpeak           Permissions = 1 << 32
	PermManageEvents             Permissions = 1 << 33
	PermManageThreads            Permissions = 1 << 34
	PermCreatePublicThreads      Permissions = 1 << 35
	PermCreatePrivateThreads     Permissions = 1 << 36
	PermUseExternalStickers      Permissions = 1 << 37
	PermSendMessagesInThreads    Permissions = 1 << 38
	PermUseEmbeddedActivities    Permissions = 1 << 39
	PermModerateMembers          Permissions = 1 << 40
	PermViewMonetizationInsights Permissions = 1 << 41
	PermUseSoundboard            Permissions = 1 << 42
	PermCreateGuildExpressions   Permissions = 1 << 43
	PermCreateEvents             Permissions = 1 << 44
	PermUseExternalSounds        Permissions = 1 << 45
	PermSendVoiceMessages        Permissions = 1 << 46
	PermSendPolls                Permissions = 1 << 49
	PermUseExternalApps          Permissions = 1 << 50
	PermPinMessages              Permissions = 1 << 51
	PermBypassSlowmode           Permissions = 1 << 52
)

var permissionNames = []struct {
	bit  Permissions
	name string
}{
	{PermCreateInstantInvite, "CREATE_INSTANT_INVITE"}, {PermKickMembers, "KICK_MEMBERS"},
	{PermBanMembers, "BAN_MEMBERS"}, {PermAdministrator, "ADMINISTRATOR"},
	{PermManageChannels, "MANAGE_CHANNELS"}, {PermManageGuild, "MANAGE_GUILD"},
	{PermAddReactions, "ADD_REACTIONS"}, {PermViewAuditLog, "VIEW_AUDIT_LOG"},
	{PermPrioritySpeaker, "PRIORITY_SPEAKER"}, {PermStream, "STREAM"},
	{PermViewChannel, "VIEW_CHANNEL"}, {PermSendMessages, "SEND_MESSAGES"},
	{PermSendTTSMessages, "SEND_TTS_MESSAGES"}, {PermManageMessages, "MANAGE_MESSAGES"},
	{PermEmbedLinks, "EMBED_LINKS"}, {PermAttachFiles, "ATTACH_FILES"},
	{PermReadMessageHistory, "READ_MESSAGE_HISTORY"}, {PermMentionEveryone, "MENTION_EVERYONE"},
	{PermUseExternalEmojis, "USE_EXTERNAL_EMOJIS"}, {PermViewGuildInsights, "VIEW_GUILD_INSIGHTS"},
	{PermConnect, "CONNECT"}, {PermSpeak, "SPEAK"}, {PermMuteMembers, "MUTE_MEMBERS"},
	{PermDeafenMembers, "DEAFEN_MEMBERS"}, {PermMoveMembers, "MOVE_MEMBERS"}, {PermUseVAD, "USE_VAD"},
	{PermChangeNickname, "CHANGE_NICKNAME"}, {PermManageNicknames, "MANAGE_NICKNAMES"},
	{PermManageRoles, "MANAGE_ROLES"}, {PermManageWebhooks, "MANAGE_WEBHOOKS"},
	{PermManageGuildExpressions, "MANAGE_GUILD_EXPRESSIONS"}, {PermUseApplicationCommands, "USE_APPLICATION_COMMANDS"},
	{PermRequestToSpeak, "REQUEST_TO_SPEAK"}, {PermManageEvents, "MANAGE_EVENTS"},
	{PermManageThreads, "MANAGE_THREADS"}, {PermCreatePublicThreads, "CREATE_PUBLIC_THREADS"},
	{PermCreatePrivateThreads, "CREATE_PRIVATE_THREADS"}, {PermUseExternalStickers, "USE_EXTERNAL_STICKERS"},
	{PermSendMessagesInThreads, "SEND_MESSAGES_IN_THREADS"}, {PermUseEmbeddedActivities, "USE_EMBEDDED_ACTIVITIES"},
	{PermModerateMembers, "MODERATE_MEMBERS"}, {PermViewMonetizationInsights, "VIEW_CREATOR_MONETIZATION_ANALYTICS"},
	{PermUseSoundboard, "USE_SOUNDBOARD"}, {PermCreateGuildExpressions, "CREATE_GUILD_EXPRESSIONS"},
	{PermCreateEvents, "CREATE_EVENTS"}, {PermUseExternalSounds, "USE_EXTERNAL_SOUNDS"},
	{PermSendVoiceMessages, "SEND_VOICE_MESSAGES"}, {PermSendPolls, "SEND_POLLS"},
	{PermUseExternalApps, "USE_EXTERNAL_APPS"}, {PermPinMessages, "PIN_MESSAGES"},
	{PermBypassSlowmode, "BYPASS_SLOWMODE"},
}

// AllPermissions is every documented bit: what an administrator or the
// owner has.
var AllPermissions = func() Permissions {
	var all Permissions
	for _, p := range permissionNames {
		all |= p.bit
	}
	return all
}()

// Has reports whether every bit of want is set.
func (p Permissions) Has(want Permissions) bool { return p&want == want }

// Wire is the decimal string Discord sends.
func (p Permissions) Wire() string { return strconv.FormatUint(uint64(p), 10) }

// String names the bits, "VIEW_CHANNEL|SEND_MESSAGES".
func (p Permissions) String() string {
	var names []string
	for _, n := range permissionNames {
		if p&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}

// ParsePermissions reads the decimal string form.
func ParsePermissions(s string) (Permissions, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	return Permissions(v), err
}

// Overwrite types in a channel's permission_overwrites.
const (
	OverwriteRole   = 0
	OverwriteMember = 1
)

// Overwrite is one entry of a channel's permission_overwrites.
type Overwrite struct {
	ID    Snowflake `json:"id"`
	Type  int       `json:"type"`
	Allow string    `json:"allow"`
	Deny  string    `json:"deny"`
}
