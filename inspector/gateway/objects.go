package gateway

import "encoding/json"

// The object types below hold the fields a hello-world bot and the real
// libraries read. Discord sends many more; consumers must tolerate extras.

// User is an account with no guild context.
type User struct {
	ID            Snowflake `json:"id"`
	Username      string    `json:"username"`
	Discriminator string    `json:"discriminator"`
	GlobalName    *string   `json:"global_name"`
	Avatar        *string   `json:"avatar"`
	Bot           bool      `json:"bot,omitempty"`
	System        bool      `json:"system,omitempty"`
	MFAEnabled    bool      `json:"mfa_enabled,omitempty"`
	Verified      bool      `json:"verified,omitempty"`
	Flags         int       `json:"flags"`
	PublicFlags   int       `json:"public_flags"`
	// PrimaryGuild is the user's chosen server tag; null for most users.
	PrimaryGuild json.RawMessage `json:"primary_guild"`
}

// MarshalJSON writes a missing primary_guild as null, as Discord does.
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	if len(u.PrimaryGuild) == 0 {
		u.PrimaryGuild = json.RawMessage("null")
	}
	return json.Marshal(plain(u))
}

// Member is a user's membership in one guild. User is nil where Discord
// leaves it out: MESSAGE_CREATE's d.member and mentions[].member.
type Member struct {
	User                       *User       `json:"user,omitempty"`
	Nick                       *string     `json:"nick"`
	Avatar                     *string     `json:"avatar"`
	Banner                     *string     `json:"banner"`
	Roles                      []Snowflake `json:"roles"`
	JoinedAt                   string      `json:"joined_at"`
	PremiumSince               *string     `json:"premium_since"`
	Deaf                       bool        `json:"deaf"`
	Mute                       bool        `json:"mute"`
	Flags                      int         `json:"flags"`
	Pending                    bool        `json:"pending"`
	Permissions                string      `json:"permissions,omitempty"`
	CommunicationDisabledUntil *string     `json:"communication_disabled_until"`
}

// Role is a guild role; the @everyone role's id equals the guild's id.
type Role struct {
	ID           Snowflake `json:"id"`
	Name         string    `json:"name"`
	Color        int       `json:"color"`
	Hoist        bool      `json:"hoist"`
	Icon         *string   `json:"icon"`
	UnicodeEmoji *string   `json:"unicode_emoji"`
	Position     int       `json:"position"`
	Permissions  string    `json:"permissions"`
	Managed      bool      `json:"managed"`
	Mentionable  bool      `json:"mentionable"`
	Flags        int       `json:"flags"`
	// Colors is the role's gradient; when nil it is written from Color.
	Colors *RoleColors `json:"colors"`
}

// RoleColors is a role's colours: a primary one and, for gradients, more.
type RoleColors struct {
	PrimaryColor   int  `json:"primary_color"`
	SecondaryColor *int `json:"secondary_color"`
	TertiaryColor  *int `json:"tertiary_color"`
}

// MarshalJSON fills colors from color when the role has no gradient.
func (r Role) MarshalJSON() ([]byte, error) {
	type plain Role
	if r.Colors == nil {
		r.Colors = &RoleColors{PrimaryColor: r.Color}
	}
	return json.Marshal(plain(r))
}

// Channel types used by the sandbox's world.
const (
	ChannelGuildText     = 0
	ChannelDM            = 1
	ChannelGuildVoice    = 2
	ChannelGuildCategory = 4
	// ChannelGuildAnnouncement is a channel members can follow.
	ChannelGuildAnnouncement  = 5
	ChannelAnnouncementThread = 10
	ChannelPublicThread       = 11
	ChannelPrivateThread      = 12
)

// ThreadMetadata is a thread's archive state.
type ThreadMetadata struct {
	Archived            bool   `json:"archived"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
	ArchiveTimestamp    string `json:"archive_timestamp"`
	Locked              bool   `json:"locked"`
	Invitable           *bool  `json:"invitable,omitempty"`
	CreateTimestamp     string `json:"create_timestamp,omitempty"`
}

// Channel is a guild channel or a DM.
type Channel struct {
	ID                   Snowflake         `json:"id"`
	Type                 int               `json:"type"`
	GuildID              *Snowflake        `json:"guild_id,omitempty"`
	Name                 string            `json:"name,omitempty"`
	Position             int               `json:"position"`
	PermissionOverwrites []json.RawMessage `json:"permission_overwrites"`
	Topic                *string           `json:"topic"`
	NSFW                 bool              `json:"nsfw"`
	LastMessageID        *Snowflake        `json:"last_message_id"`
	ParentID             *Snowflake        `json:"parent_id"`
	RateLimitPerUser     int               `json:"rate_limit_per_user"`
	// Bitrate and UserLimit are sent for voice channels only (0 is "no limit").
	Bitrate    *int   `json:"bitrate,omitempty"`
	UserLimit  *int   `json:"user_limit,omitempty"`
	Recipients []User `json:"recipients,omitempty"`
	// Thread fields: present on threads only (libraries read them there).
	OwnerID          *Snowflake      `json:"owner_id,omitempty"`
	ThreadMetadata   *ThreadMetadata `json:"thread_metadata,omitempty"`
	MessageCount     *int            `json:"message_count,omitempty"`
	MemberCount      *int            `json:"member_count,omitempty"`
	TotalMessageSent *int            `json:"total_message_sent,omitempty"`
	Flags            int             `json:"flags"`
}

// Activity is a presence's game, stream or custom status.
type Activity struct {
	Name  string  `json:"name"`
	Type  int     `json:"type"`
	State *string `json:"state,omitempty"`
}

// PresenceUserRef is the partial user in a presence: only id is guaranteed.
type PresenceUserRef struct {
	ID Snowflake `json:"id"`
}

// Presence is a PRESENCE_UPDATE's d and an entry of GUILD_CREATE's presences.
type Presence struct {
	User         PresenceUserRef   `json:"user"`
	GuildID      *Snowflake        `json:"guild_id,omitempty"`
	Status       string            `json:"status"`
	Activities   []Activity        `json:"activities"`
	ClientStatus map[string]string `json:"client_status"`
}

// Guild is GUILD_CREATE's d: the guild object plus the gateway-only extras.
type Guild struct {
	ID                          Snowflake         `json:"id"`
	Name                        string            `json:"name"`
	Icon                        *string           `json:"icon"`
	OwnerID                     Snowflake         `json:"owner_id"`
	AFKChannelID                *Snowflake        `json:"afk_channel_id"`
	AFKTimeout                  int               `json:"afk_timeout"`
	VerificationLevel           int               `json:"verification_level"`
	DefaultMessageNotifications int               `json:"default_message_notifications"`
	ExplicitContentFilter       int               `json:"explicit_content_filter"`
	MFALevel                    int               `json:"mfa_level"`
	SystemChannelID             *Snowflake        `json:"system_channel_id"`
	PreferredLocale             string            `json:"preferred_locale"`
	PremiumTier                 int               `json:"premium_tier"`
	NSFWLevel                   int               `json:"nsfw_level"`
	Roles                       []Role            `json:"roles"`
	Emojis                      []json.RawMessage `json:"emojis"`
	Stickers                    []json.RawMessage `json:"stickers"`
	Features                    []string          `json:"features"`
	Description                 *string           `json:"description"`

	JoinedAt       string            `json:"joined_at"`
	Large          bool              `json:"large"`
	Unavailable    bool              `json:"unavailable"`
	MemberCount    int               `json:"member_count"`
	Members        []Member          `json:"members"`
	Channels       []Channel         `json:"channels"`
	Threads        []json.RawMessage `json:"threads"`
	Presences      []Presence        `json:"presences"`
	VoiceStates    []json.RawMessage `json:"voice_states"`
	StageInstances []json.RawMessage `json:"stage_instances"`
	ScheduledEvts  []json.RawMessage `json:"guild_scheduled_events"`
}

// Message is a message object; GuildID and Member are the MESSAGE_CREATE
// extras (Member never carries a nested user there).
type Message struct {
	ID              Snowflake         `json:"id"`
	ChannelID       Snowflake         `json:"channel_id"`
	GuildID         *Snowflake        `json:"guild_id,omitempty"`
	Author          User              `json:"author"`
	Member          *Member           `json:"member,omitempty"`
	Content         string            `json:"content"`
	Timestamp       string            `json:"timestamp"`
	EditedTimestamp *string           `json:"edited_timestamp"`
	TTS             bool              `json:"tts"`
	MentionEveryone bool              `json:"mention_everyone"`
	Mentions        []User            `json:"mentions"`
	MentionRoles    []Snowflake       `json:"mention_roles"`
	Attachments     []json.RawMessage `json:"attachments"`
	Embeds          []json.RawMessage `json:"embeds"`
	Components      []json.RawMessage `json:"components"`
	Pinned          bool              `json:"pinned"`
	Type            int               `json:"type"`
	Flags           int               `json:"flags"`
	Nonce           json.RawMessage   `json:"nonce,omitempty"`
	// Reactions is left out while a message has none, as Discord does.
	Reactions         []Reaction        `json:"reactions,omitempty"`
	MessageReference  *MessageReference `json:"message_reference,omitempty"`
	ReferencedMessage *Message          `json:"referenced_message,omitempty"`
	// Thread is the thread started from this message, if any.
	Thread *Channel `json:"thread,omitempty"`
}

// Emoji is a reaction's emoji: a Unicode emoji has a name and a null id, a
// custom one both.
type Emoji struct {
	ID       *Snowflake `json:"id"`
	Name     string     `json:"name"`
	Animated bool       `json:"animated,omitempty"`
}

// Reaction is one emoji's reactions on a message; Me says whether the
// current user (the bot) is among them.
type Reaction struct {
	Count        int                  `json:"count"`
	CountDetails ReactionCountDetails `json:"count_details"`
	Me           bool                 `json:"me"`
	MeBurst      bool                 `json:"me_burst"`
	Emoji        Emoji                `json:"emoji"`
	BurstColors  []string             `json:"burst_colors"`
}

// ReactionCountDetails splits a reaction count into super and normal ones.
type ReactionCountDetails struct {
	Burst  int `json:"burst"`
	Normal int `json:"normal"`
}

// MessageReference points a reply (type 0) or a forward at its message.
type MessageReference struct {
	Type            int        `json:"type"`
	MessageID       *Snowflake `json:"message_id,omitempty"`
	ChannelID       *Snowflake `json:"channel_id,omitempty"`
	GuildID         *Snowflake `json:"guild_id,omitempty"`
	FailIfNotExists *bool      `json:"fail_if_not_exists,omitempty"`
}
