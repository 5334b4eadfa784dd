package sandbox

import (
	"encoding/json"
	"sort"
	"time"

	"gatewaytour/inspector/gateway"
)

// timestampLayout is how Discord writes times: RFC 3339 with microseconds
// and an explicit +00:00 offset. discordgo needs valid RFC 3339 here.
const timestampLayout = "2006-01-02T15:04:05.000000-07:00"

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// Bounds on what a bot can grow in the world; past them Discord's own
// "maximum reached" errors answer.
const (
	maxStoredMessages = 500 // per channel, the oldest forgotten first
	maxChannels       = 500 // per guild, Discord's limit
	maxRoles          = 250 // per guild, Discord's limit
	maxBans           = 1000
	maxDMs            = 100
)

// resident is one member of a guild with their live presence.
type resident struct {
	member   gateway.Member // with user nested
	status   string         // online, idle, dnd, offline
	activity *gateway.Activity
	voice    gateway.Snowflake // the voice channel they sit in, 0 if none
}

// channelState is a channel with what the gateway.Channel shape does not hold.
type channelState struct {
	ch         gateway.Channel // GuildID left nil; rendered per request
	overwrites []gateway.Overwrite
	pins       []pin          // newest first
	members    []threadMember // threads only
	// messageCount is what a thread reports as message_count (and
	// total_message_sent: the sandbox does not subtract deletions).
	messageCount int
}

type pin struct {
	id gateway.Snowflake
	at string
}

type threadMember struct {
	userID gateway.Snowflake
	joined string
}

// guildState is one guild: the guild object (roles included), its channels
// and threads, members and bans.
type guildState struct {
	guild    gateway.Guild // without members, channels, presences (built per request)
	channels []*channelState
	members  []*resident
	bans     []ban
}

type ban struct {
	user   gateway.User
	reason *string
}

// world is the sandbox's guilds, DMs and what has been said in them. Every
// method is called with Server.mu held.
type world struct {
	created  time.Time
	guilds   []*guildState // guilds[0] is the home guild, GuildID
	dm       *channelState // the DM with DefaultMemberID, DMChannelID
	dms      []*channelState
	users    map[gateway.Snowflake]gateway.User // everyone the bot can look up
	messages map[gateway.Snowflake][]gateway.Message
	// reactors lists who reacted with an emoji to a message, in order.
	reactors map[reactionKey][]gateway.Snowflake
	visitors []gateway.User // people the activity loop lets join and leave
}

func str(s string) *string { return &s }

func sf(id gateway.Snowflake) *gateway.Snowflake { return &id }

func human(id gateway.Snowflake, username, display string) gateway.User {
	return gateway.User{ID: id, Username: username, Discriminator: "0", GlobalName: str(display)}
}

// botUser is the sandbox bot's full user object, as READY and /users/@me give it.
func botUser() gateway.User {
	return gateway.User{ID: BotID, Username: "Tour Bot", Discriminator: "4821", Bot: true, Verified: true, Flags: 0, PublicFlags: 0}
}

// home is the guild every lesson uses.
func (w *world) home() *guildState { return w.guilds[0] }

func (w *world) guildByID(id gateway.Snowflake) *guildState {
	for _, g := range w.guilds {
		if g.guild.ID == id {
			return g
		}
	}
	return nil
}

// resident is a member of the home guild.
func (w *world) resident(id gateway.Snowflake) *resident { return w.home().member(id) }

func (g *guildState) member(id gateway.Snowflake) *resident {
	for _, r := range g.members {
		if r.member.User.ID == id {
			return r
		}
	}
	return nil
}

func (g *guildState) role(id gateway.Snowflake) (int, bool) {
	for i, r := range g.guild.Roles {
		if r.ID == id {
			return i, true
		}
	}
	return 0, false
}

func (g *guildState) channelIndex(id gateway.Snowflake) int {
	for i, c := range g.channels {
		if c.ch.ID == id {
			return i
		}
	}
	return -1
}

// findChannel is a guild channel or thread (with its guild) or a DM (guild nil).
func (w *world) findChannel(id gateway.Snowflake) (*channelState, *guildState) {
	if w.dm.ch.ID == id {
		return w.dm, nil
	}
	for _, d := range w.dms {
		if d.ch.ID == id {
			return d, nil
		}
	}
	for _, g := range w.guilds {
		if i := g.channelIndex(id); i >= 0 {
			return g.channels[i], g
		}
	}
	return nil, nil
}

// render is the channel object as REST and dispatches give it.
func (c *channelState) render(g *guildState) gateway.Channel {
	ch := c.ch
	if g != nil {
		ch.GuildID = sf(g.guild.ID)
	}
	ch.PermissionOverwrites = make([]json.RawMessage, 0, len(c.overwrites))
	for _, o := range c.overwrites {
		ch.PermissionOverwrites = append(ch.PermissionOverwrites, mustJSON(o))
	}
	if isThread(ch.Type) {
		ch.PermissionOverwrites = nil
		members, count := len(c.members), c.messageCount
		ch.MemberCount, ch.MessageCount, ch.TotalMessageSent = &members, &count, &count
	}
	return ch
}

// channel finds a guild channel, thread or DM channel, rendered.
func (w *world) channel(id gateway.Snowflake) (gateway.Channel, bool) {
	c, g := w.findChannel(id)
	if c == nil {
		return gateway.Channel{}, false
	}
	return c.render(g), true
}

func isThread(t int) bool {
	return t == gateway.ChannelAnnouncementThread || t == gateway.ChannelPublicThread || t == gateway.ChannelPrivateThread
}

// textual reports whether messages can be posted in a channel type.
func textual(t int) bool {
	switch t {
	case gateway.ChannelGuildText, gateway.ChannelDM, gateway.ChannelGuildVoice, gateway.ChannelGuildAnnouncement:
		return true
	}
	return isThread(t)
}

// guildCreate is GUILD_CREATE's d for a session with these intents, with
// Discord's rule for members: without GUILD_PRESENCES only the bot and
// members in voice are listed; with it, a large guild (more members than
// large_threshold) lists only members who are online, have a role or a
// nickname, or are in voice, a small one everyone. member_count is always the true count, so a library that
// wants everyone sees the list is partial and requests the rest (op 8).
func (g *guildState) guildCreate(intents gateway.Intents, largeThreshold int) gateway.Guild {
	out := g.guild
	out.Channels = []gateway.Channel{}
	out.Threads = []json.RawMessage{}
	for _, c := range g.channels {
		if isThread(c.ch.Type) {
			out.Threads = append(out.Threads, mustJSON(c.render(g)))
		} else {
			out.Channels = append(out.Channels, c.render(nil)) // GUILD_CREATE's channels carry no guild_id
		}
	}
	out.MemberCount = len(g.members)
	out.Large = out.MemberCount > largeThreshold
	presences := intents.Has(gateway.IntentGuildPresences)
	out.Members = []gateway.Member{}
	out.Presences = []gateway.Presence{}
	out.VoiceStates = []json.RawMessage{}
	for _, r := range g.members {
		inVoice := r.voice != 0
		if inVoice {
			out.VoiceStates = append(out.VoiceStates, mustJSON(r.voiceState(g.guild.ID, false)))
		}
		notable := r.status != "offline" || len(r.member.Roles) > 0 || r.member.Nick != nil
		listed := r.member.User.ID == BotID || inVoice || (presences && (!out.Large || notable))
		if !listed {
			continue
		}
		out.Members = append(out.Members, r.member)
		if presences && r.status != "offline" {
			out.Presences = append(out.Presences, r.presence(0))
		}
	}
	out.StageInstances, out.ScheduledEvts = []json.RawMessage{}, []json.RawMessage{}
	return out
}

// presence is the resident's presence; a non-zero guild adds guild_id as
// PRESENCE_UPDATE carries it (GUILD_CREATE's presences leave it out).
func (r *resident) presence(guild gateway.Snowflake) gateway.Presence {
	p := gateway.Presence{User: gateway.PresenceUserRef{ID: r.member.User.ID}, Status: r.status, Activities: []gateway.Activity{}, ClientStatus: map[string]string{}}
	if r.activity != nil {
		p.Activities = append(p.Activities, *r.activity)
	}
	if r.status != "offline" {
		p.ClientStatus["desktop"] = r.status
	}
	if guild != 0 {
		p.GuildID = sf(guild)
	}
	return p
}

// voiceState is the resident's voice state; withMember adds the member,
// as VOICE_STATE_UPDATE carries it.
func (r *resident) voiceState(guild gateway.Snowflake, withMember bool) map[string]any {
	v := map[string]any{
		"guild_id": guild, "channel_id": r.voice, "user_id": r.member.User.ID, "session_id": "voice-" + r.member.User.ID.String(),
		"deaf": false, "mute": false, "self_deaf": false, "self_mute": false, "self_video": false, "suppress": false, "request_to_speak_timestamp": nil,
	}
	if withMember {
		v["member"] = r.member
	}
	return v
}

func (w *world) store(m gateway.Message) {
	list := append(w.messages[m.ChannelID], m)
	if len(list) >= 2*maxStoredMessages { // trim in batches: one copy per maxStoredMessages posts
		w.forgetReactions(list[:len(list)-maxStoredMessages])
		list = append(list[:0:0], list[len(list)-maxStoredMessages:]...)
	}
	w.messages[m.ChannelID] = list
	if c, _ := w.findChannel(m.ChannelID); c != nil {
		c.ch.LastMessageID = sf(m.ID)
		c.messageCount++
	}
}

// dropChannelMessages forgets a channel's messages and who reacted to them,
// when the channel itself is gone.
func (w *world) dropChannelMessages(channel gateway.Snowflake) {
	w.forgetReactions(w.messages[channel])
	delete(w.messages, channel)
}

// humans are the home guild's residents who are not bots, sorted by id so
// scripted choices are reproducible for a given random source.
func (w *world) humans() []*resident {
	var out []*resident
	for _, r := range w.home().members {
		if !r.member.User.Bot {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].member.User.ID < out[j].member.User.ID })
	return out
}

func containsID(ids []gateway.Snowflake, id gateway.Snowflake) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
