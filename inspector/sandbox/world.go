package sandbox

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// timestampLayout is how Discord writes times: RFC 3339 with microseconds
// and an explicit +00:00 offset. discordgo needs valid RFC 3339 here.
const timestampLayout = "2006-01-02T15:04:05.000000-07:00"

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// maxStoredMessages bounds what Messages remembers per channel.
const maxStoredMessages = 500

// resident is one member of the guild with their live presence.
type resident struct {
	member   gateway.Member // with user nested
	status   string         // online, idle, dnd, offline
	activity *gateway.Activity
}

// world is the sandbox's single guild and what has been said in it. Every
// method is called with Server.mu held.
type world struct {
	created   time.Time
	guild     gateway.Guild // without members, channels, presences (built per request)
	channels  []gateway.Channel
	dm        gateway.Channel
	residents []*resident
	messages  map[gateway.Snowflake][]gateway.Message
	visitors  []gateway.User // people the activity loop lets join and leave
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

func newWorld(now time.Time) *world {
	w := &world{created: now, messages: map[gateway.Snowflake][]gateway.Message{}}
	everyonePerms := "1071698660929" // view, send, read history, connect, speak…
	w.guild = gateway.Guild{
		ID: GuildID, Name: "Gateway Tour", OwnerID: DefaultMemberID,
		AFKTimeout: 300, VerificationLevel: 1, PreferredLocale: "en-US",
		SystemChannelID: sf(GeneralChannelID), Description: str("A small guild that lives inside gatewaytour."),
		Roles: []gateway.Role{
			{ID: GuildID, Name: "@everyone", Permissions: everyonePerms},
			{ID: ModeratorRoleID, Name: "Moderator", Color: 0x3498db, Hoist: true, Position: 2, Permissions: "1099511627775", Mentionable: true},
			{ID: MemberRoleID, Name: "Member", Color: 0x2ecc71, Position: 1, Permissions: everyonePerms},
		},
		Emojis: []json.RawMessage{}, Stickers: []json.RawMessage{}, Features: []string{},
		JoinedAt: timestamp(GuildID.Time().Add(time.Hour)),
	}
	w.channels = []gateway.Channel{
		{ID: CategoryID, Type: gateway.ChannelGuildCategory, Name: "Text Channels", Position: 0},
		{ID: GeneralChannelID, Type: gateway.ChannelGuildText, Name: "general", Position: 0, ParentID: sf(CategoryID), Topic: str("Say hello. Members chat here now and then.")},
		{ID: BotCommandsID, Type: gateway.ChannelGuildText, Name: "bot-commands", Position: 1, ParentID: sf(CategoryID), Topic: str("Try !hello")},
		{ID: VoiceChannelID, Type: gateway.ChannelGuildVoice, Name: "Lounge", Position: 0, Bitrate: 64000, UserLimit: 10},
	}
	for i := range w.channels {
		w.channels[i].PermissionOverwrites = []json.RawMessage{}
	}
	joined := func(id gateway.Snowflake) string { return timestamp(id.Time().Add(20 * time.Minute)) }
	add := func(u gateway.User, roles []gateway.Snowflake, status string, act *gateway.Activity) {
		w.residents = append(w.residents, &resident{
			member: gateway.Member{User: &u, Roles: roles, JoinedAt: joined(u.ID)},
			status: status, activity: act,
		})
	}
	bot := botUser()
	add(bot, []gateway.Snowflake{}, "online", nil)
	add(human(DefaultMemberID, "ada", "Ada"), []gateway.Snowflake{ModeratorRoleID, MemberRoleID}, "online", &gateway.Activity{Name: "Custom Status", Type: 4, State: str("reading gateway frames")})
	add(human(1315649146060931072, "grace", "Grace"), []gateway.Snowflake{MemberRoleID}, "online", nil)
	add(human(1330809038438531072, "linus", "Linus"), []gateway.Snowflake{MemberRoleID}, "idle", &gateway.Activity{Name: "a kernel build", Type: 3})
	add(human(1338962765414531072, "margaret", "Margaret"), []gateway.Snowflake{MemberRoleID}, "dnd", nil)
	add(human(1345047861657731072, "ken", "Ken"), []gateway.Snowflake{}, "offline", nil)

	ada := *w.residents[1].member.User
	w.dm = gateway.Channel{ID: DMChannelID, Type: gateway.ChannelDM, Recipients: []gateway.User{ada}, PermissionOverwrites: []json.RawMessage{}}
	w.visitors = []gateway.User{
		human(1349000000000000001, "newcomer_nia", "Nia"),
		human(1349000000000000002, "curious_otto", "Otto"),
		human(1349000000000000003, "lurker_pim", "Pim"),
	}
	return w
}

// guildCreate is GUILD_CREATE's d for a session with these intents.
// Presences need GUILD_PRESENCES. Every member is listed and member_count
// equals len(members), so libraries see the guild as complete and do not
// request members (a real guild without the presences intent would list only
// the bot and people in voice).
func (w *world) guildCreate(intents gateway.Intents) gateway.Guild {
	g := w.guild
	g.Channels = append([]gateway.Channel(nil), w.channels...)
	g.Members = make([]gateway.Member, 0, len(w.residents))
	g.Presences = []gateway.Presence{}
	for _, r := range w.residents {
		g.Members = append(g.Members, r.member)
		if intents.Has(gateway.IntentGuildPresences) && r.status != "offline" {
			g.Presences = append(g.Presences, r.presence(false))
		}
	}
	g.MemberCount = len(g.Members)
	g.Threads, g.VoiceStates, g.StageInstances, g.ScheduledEvts = []json.RawMessage{}, []json.RawMessage{}, []json.RawMessage{}, []json.RawMessage{}
	return g
}

// presence is the resident's presence; withGuild adds guild_id as
// PRESENCE_UPDATE carries it (GUILD_CREATE's presences leave it out).
func (r *resident) presence(withGuild bool) gateway.Presence {
	p := gateway.Presence{User: gateway.PresenceUserRef{ID: r.member.User.ID}, Status: r.status, Activities: []gateway.Activity{}, ClientStatus: map[string]string{}}
	if r.activity != nil {
		p.Activities = append(p.Activities, *r.activity)
	}
	if r.status != "offline" {
		p.ClientStatus["desktop"] = r.status
	}
	if withGuild {
		p.GuildID = sf(GuildID)
	}
	return p
}

func (w *world) resident(id gateway.Snowflake) *resident {
	for _, r := range w.residents {
		if r.member.User.ID == id {
			return r
		}
	}
	return nil
}

// channel finds a guild channel or the DM channel.
func (w *world) channel(id gateway.Snowflake) (gateway.Channel, bool) {
	if id == w.dm.ID {
		return w.dm, true
	}
	for _, c := range w.channels {
		if c.ID == id {
			gid := GuildID
			c.GuildID = &gid
			return c, true
		}
	}
	return gateway.Channel{}, false
}

func (w *world) store(m gateway.Message) {
	list := append(w.messages[m.ChannelID], m)
	if len(list) >= 2*maxStoredMessages { // trim in batches: one copy per maxStoredMessages posts
		list = append(list[:0:0], list[len(list)-maxStoredMessages:]...)
	}
	w.messages[m.ChannelID] = list
	for i := range w.channels {
		if w.channels[i].ID == m.ChannelID {
			w.channels[i].LastMessageID = sf(m.ID)
		}
	}
}

// humans are the residents who are not bots, sorted by id so scripted
// choices are reproducible for a given random source.
func (w *world) humans() []*resident {
	var out []*resident
	for _, r := range w.residents {
		if !r.member.User.Bot {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].member.User.ID < out[j].member.User.ID })
	return out
}

// membersChunk answers a Request Guild Members (op 8) in a single chunk:
// user_ids or a username prefix select members (at most 100 then), limit 0
// with an empty query means everyone.
func (w *world) membersChunk(req gateway.RequestGuildMembers, intents gateway.Intents) map[string]any {
	limit := req.Limit
	if len(req.UserIDs) > 0 || (req.Query != nil && *req.Query != "") {
		if limit <= 0 || limit > 100 {
			limit = 100
		}
	}
	members := []gateway.Member{}
	presences := []gateway.Presence{}
	found := map[gateway.Snowflake]bool{}
	for _, r := range w.residents {
		u := r.member.User
		switch {
		case len(req.UserIDs) > 0:
			if !containsID(req.UserIDs, u.ID) {
				continue
			}
		case req.Query != nil && *req.Query != "":
			if !strings.HasPrefix(strings.ToLower(u.Username), strings.ToLower(*req.Query)) {
				continue
			}
		}
		if limit > 0 && len(members) >= limit {
			break
		}
		found[u.ID] = true
		members = append(members, r.member)
		if req.Presences && intents.Has(gateway.IntentGuildPresences) {
			presences = append(presences, r.presence(false))
		}
	}
	chunk := map[string]any{"guild_id": GuildID, "members": members, "chunk_index": 0, "chunk_count": 1}
	if req.Presences && intents.Has(gateway.IntentGuildPresences) {
		chunk["presences"] = presences
	}
	if req.Nonce != "" {
		chunk["nonce"] = req.Nonce
	}
	var notFound []gateway.Snowflake
	for _, id := range req.UserIDs {
		if !found[id] {
			notFound = append(notFound, id)
		}
	}
	if len(notFound) > 0 {
		chunk["not_found"] = notFound
	}
	return chunk
}

func containsID(ids []gateway.Snowflake, id gateway.Snowflake) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
