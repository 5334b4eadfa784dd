package sandbox

import (
	"encoding/json"
	"fmt"
	"time"

	"gatewaytour/inspector/gateway"
)

// communityCrowd is how many generated members the community guild has
// beyond its named ones: more than one GUILD_MEMBERS_CHUNK holds.
const communityCrowd = 1200

var (
	everyonePerms = gateway.PermViewChannel | gateway.PermSendMessages | gateway.PermReadMessageHistory |
		gateway.PermAddReactions | gateway.PermEmbedLinks | gateway.PermAttachFiles | gateway.PermUseExternalEmojis |
		gateway.PermConnect | gateway.PermSpeak | gateway.PermUseVAD | gateway.PermChangeNickname |
		gateway.PermCreatePublicThreads | gateway.PermSendMessagesInThreads | gateway.PermUseApplicationCommands |
		gateway.PermCreateInstantInvite | gateway.PermStream
	// botPerms is what the bot was invited with: enough to moderate, not
	// Administrator, so permission errors are real.
	botPerms = everyonePerms | gateway.PermManageMessages | gateway.PermManageRoles | gateway.PermManageChannels |
		gateway.PermKickMembers | gateway.PermBanMembers | gateway.PermManageThreads | gateway.PermManageNicknames |
		gateway.PermModerateMembers | gateway.PermMentionEveryone | gateway.PermPinMessages | gateway.PermCreatePrivateThreads
	moderatorPerms = botPerms | gateway.PermManageGuild | gateway.PermViewAuditLog | gateway.PermManageWebhooks | gateway.PermMuteMembers
)

func newWorld(now time.Time) *world {
	w := &world{created: now, messages: map[gateway.Snowflake][]gateway.Message{}, reactors: map[reactionKey][]gateway.Snowflake{}, users: map[gateway.Snowflake]gateway.User{}}
	w.guilds = []*guildState{homeGuild(), communityGuild()}
	for _, g := range w.guilds {
		for _, r := range g.members {
			w.users[r.member.User.ID] = *r.member.User
		}
	}
	ada := w.users[DefaultMemberID]
	w.dm = &channelState{ch: gateway.Channel{ID: DMChannelID, Type: gateway.ChannelDM, Recipients: []gateway.User{ada}}}
	w.visitors = []gateway.User{
		human(1349000000000000001, "newcomer_nia", "Nia"),
		human(1349000000000000002, "curious_otto", "Otto"),
		human(1349000000000000003, "lurker_pim", "Pim"),
	}
	for _, v := range w.visitors {
		w.users[v.ID] = v
	}
	return w
}

func joinedAt(id gateway.Snowflake) string { return timestamp(id.Time().Add(20 * time.Minute)) }

func (g *guildState) add(u gateway.User, roles []gateway.Snowflake, status string, act *gateway.Activity) *resident {
	r := &resident{member: gateway.Member{User: &u, Roles: roles, JoinedAt: joinedAt(u.ID)}, status: status, activity: act}
	g.members = append(g.members, r)
	return r
}

func text(id gateway.Snowflake, typ int, name string, pos int, parent gateway.Snowflake, topic string) *channelState {
	c := &channelState{ch: gateway.Channel{ID: id, Type: typ, Name: name, Position: pos}}
	if parent != 0 {
		c.ch.ParentID = sf(parent)
	}
	if topic != "" {
		c.ch.Topic = str(topic)
	}
	return c
}

func guildBase(id gateway.Snowflake, name, description string, system gateway.Snowflake) gateway.Guild {
	return gateway.Guild{
		ID: id, Name: name, OwnerID: DefaultMemberID, AFKTimeout: 300, VerificationLevel: 1, PreferredLocale: "en-US",
		SystemChannelID: sf(system), Description: str(description),
		Emojis: []json.RawMessage{}, Stickers: []json.RawMessage{}, Features: []string{},
		JoinedAt: timestamp(id.Time().Add(time.Hour)),
	}
}

// homeGuild is "Gateway Tour": a small guild owned by Ada ("you"), with a
// role hierarchy Moderator > Tour Bot > Member > @everyone.
func homeGuild() *guildState {
	g := &guildState{guild: guildBase(GuildID, "Gateway Tour", "A small guild that lives inside gatewaytour.", GeneralChannelID)}
	g.guild.Roles = []gateway.Role{
		{ID: GuildID, Name: "@everyone", Permissions: everyonePerms.Wire()},
		{ID: ModeratorRoleID, Name: "Moderator", Color: 0x3498db, Hoist: true, Position: 3, Permissions: moderatorPerms.Wire(), Mentionable: true},
		{ID: BotRoleID, Name: "Tour Bot", Color: 0x9b59b6, Position: 2, Permissions: botPerms.Wire(), Managed: true},
		{ID: MemberRoleID, Name: "Member", Color: 0x2ecc71, Position: 1, Permissions: everyonePerms.Wire()},
	}
	staff := text(StaffChannelID, gateway.ChannelGuildText, "staff-only", 3, CategoryID, "Moderators only.")
	staff.overwrites = []gateway.Overwrite{
		{ID: GuildID, Type: gateway.OverwriteRole, Allow: "0", Deny: gateway.PermViewChannel.Wire()},
		{ID: ModeratorRoleID, Type: gateway.OverwriteRole, Allow: gateway.PermViewChannel.Wire(), Deny: "0"},
	}
	announcements := text(AnnouncementsID, gateway.ChannelGuildAnnouncement, "announcements", 2, CategoryID, "News about the tour.")
	announcements.overwrites = []gateway.Overwrite{
		{ID: GuildID, Type: gateway.OverwriteRole, Allow: "0", Deny: gateway.PermSendMessages.Wire()},
		{ID: BotRoleID, Type: gateway.OverwriteRole, Allow: gateway.PermSendMessages.Wire(), Deny: "0"},
	}
	intro := text(IntroThreadID, gateway.ChannelPublicThread, "introductions", 0, GeneralChannelID, "")
	intro.ch.Topic = nil
	intro.ch.OwnerID = sf(DefaultMemberID)
	intro.ch.ThreadMetadata = &gateway.ThreadMetadata{AutoArchiveDuration: 10080, ArchiveTimestamp: timestamp(IntroThreadID.Time()), CreateTimestamp: timestamp(IntroThreadID.Time())}
	intro.members = []threadMember{{DefaultMemberID, timestamp(IntroThreadID.Time())}}
	g.channels = []*channelState{
		text(CategoryID, gateway.ChannelGuildCategory, "Text Channels", 0, 0, ""),
		text(GeneralChannelID, gateway.ChannelGuildText, "general", 0, CategoryID, "Say hello. Members chat here now and then."),
		text(BotCommandsID, gateway.ChannelGuildText, "bot-commands", 1, CategoryID, "Try !hello"),
		announcements, staff,
		text(VoiceChannelID, gateway.ChannelGuildVoice, "Lounge", 0, 0, ""),
		intro,
	}
	g.channels[5].ch.Topic = nil
	g.channels[5].ch.Bitrate, g.channels[5].ch.UserLimit = intp(64000), intp(10)
	g.add(botUser(), []gateway.Snowflake{BotRoleID}, "online", nil)
	g.add(human(DefaultMemberID, "ada", "Ada"), []gateway.Snowflake{ModeratorRoleID, MemberRoleID}, "online", &gateway.Activity{Name: "Custom Status", Type: 4, State: str("reading gateway frames")})
	g.add(human(1315649146060931072, "grace", "Grace"), []gateway.Snowflake{MemberRoleID}, "online", nil)
	linus := g.add(human(1330809038438531072, "linus", "Linus"), []gateway.Snowflake{MemberRoleID}, "idle", &gateway.Activity{Name: "a kernel build", Type: 3})
	linus.voice = VoiceChannelID
	g.add(human(1338962765414531072, "margaret", "Margaret"), []gateway.Snowflake{MemberRoleID}, "dnd", nil)
	g.add(human(1345047861657731072, "ken", "Ken"), []gateway.Snowflake{}, "offline", nil)
	return g
}

// communityGuild is "Tour Community": large, mostly offline, on the other
// shard.
func communityGuild() *guildState {
	g := &guildState{guild: guildBase(CommunityGuildID, "Tour Community", "A large guild: libraries have to chunk its members.", CommunityGeneralID)}
	g.guild.Roles = []gateway.Role{
		{ID: CommunityGuildID, Name: "@everyone", Permissions: everyonePerms.Wire()},
		{ID: CommunityBotRoleID, Name: "Tour Bot", Color: 0x9b59b6, Position: 2, Permissions: botPerms.Wire(), Managed: true},
		{ID: RegularRoleID, Name: "Regular", Color: 0xe67e22, Position: 1, Permissions: everyonePerms.Wire()},
	}
	g.channels = []*channelState{
		text(CommunityCategoryID, gateway.ChannelGuildCategory, "Community", 0, 0, ""),
		text(CommunityGeneralID, gateway.ChannelGuildText, "lobby", 0, CommunityCategoryID, "Everyone's first stop."),
		text(CommunityVoiceID, gateway.ChannelGuildVoice, "Stage Door", 1, CommunityCategoryID, ""),
	}
	g.channels[2].ch.Topic = nil
	g.channels[2].ch.Bitrate, g.channels[2].ch.UserLimit = intp(64000), intp(25)
	g.add(botUser(), []gateway.Snowflake{CommunityBotRoleID}, "online", nil)
	g.add(human(DefaultMemberID, "ada", "Ada"), []gateway.Snowflake{RegularRoleID}, "online", &gateway.Activity{Name: "Custom Status", Type: 4, State: str("reading gateway frames")})
	g.add(human(1315649146060931072, "grace", "Grace"), []gateway.Snowflake{RegularRoleID}, "online", nil).voice = CommunityVoiceID
	// One new member a minute from the guild's second day.
	first := gateway.Snowflake(1360766435328000000)
	for i := 1; i <= communityCrowd; i++ {
		id := first + gateway.Snowflake(i)*gateway.Snowflake(60000<<22)
		status := "offline"
		if i%40 == 0 {
			status = "online"
		}
		roles := []gateway.Snowflake{}
		if i%7 == 0 {
			roles = append(roles, RegularRoleID)
		}
		g.add(human(id, fmt.Sprintf("tourist_%04d", i), fmt.Sprintf("Tourist %d", i)), roles, status, nil)
	}
	return g
}
