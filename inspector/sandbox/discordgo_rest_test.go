package sandbox

import (
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
)

// openDiscordgo logs a real discordgo session in to the sandbox and waits
// for READY.
func openDiscordgo(t *testing.T, baseURL string, intents discordgo.Intent) *discordgo.Session {
	t.Helper()
	testkit.PointDiscordgoAt(t, baseURL)
	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = intents
	ready := make(chan struct{})
	var once sync.Once
	dg.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { once.Do(func() { close(ready) }) })
	if err := dg.Open(); err != nil {
		t.Fatalf("discordgo could not open a session: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("no READY for discordgo")
	}
	return dg
}

// events counts the gateway events a discordgo session handled, by type.
type events struct {
	mu   sync.Mutex
	seen map[string]int
}

func (e *events) add(name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen[name]++
}

func (e *events) has(names ...string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, n := range names {
		if e.seen[n] == 0 {
			return false
		}
	}
	return true
}

// TestDiscordgoDoesWhatBotsDo drives every family of REST calls through
// discordgo's own high-level API and checks the answers it decoded and the
// events it received.
func TestDiscordgoDoesWhatBotsDo(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	dg := openDiscordgo(t, ts.URL, discordgo.IntentsAll)
	ev := &events{seen: map[string]int{}}
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) { ev.add(e.Type) })
	general, guild := GeneralChannelID.String(), GuildID.String()

	sent, err := dg.ChannelMessageSend(general, "first draft")
	must(t, "send", err)
	edited, err := dg.ChannelMessageEdit(general, sent.ID, "final")
	must(t, "edit", err)
	if edited.Content != "final" || edited.EditedTimestamp == nil {
		t.Fatalf("edited = %+v", edited)
	}
	must(t, "react", dg.MessageReactionAdd(general, sent.ID, "👍"))
	users, err := dg.MessageReactions(general, sent.ID, "👍", 10, "", "")
	must(t, "reactions", err)
	if len(users) != 1 || users[0].ID != BotID.String() {
		t.Fatalf("reactors = %+v", users)
	}
	must(t, "typing", dg.ChannelTyping(general))
	must(t, "pin", dg.ChannelMessagePin(general, sent.ID))
	pins, err := dg.ChannelMessagesPinned(general)
	must(t, "pins", err)
	if len(pins) != 1 {
		t.Fatalf("pins = %d", len(pins))
	}
	history, err := dg.ChannelMessages(general, 10, "", "", "")
	must(t, "history", err)
	if len(history) < 2 {
		t.Fatalf("history = %d", len(history))
	}
	th, err := dg.MessageThreadStart(general, sent.ID, "about the draft", 60)
	must(t, "thread", err)
	if th.ID != sent.ID || !th.IsThread() {
		t.Fatalf("thread = %+v", th)
	}
	_, err = dg.ChannelMessageSend(th.ID, "in the thread")
	must(t, "send in thread", err)
	must(t, "delete", dg.ChannelMessageDelete(general, history[0].ID))

	g, err := dg.Guild(guild)
	must(t, "guild", err)
	if g.Name != "Gateway Tour" || len(g.Roles) < 4 {
		t.Fatalf("guild = %+v", g)
	}
	member, err := dg.GuildMember(guild, DefaultMemberID.String())
	must(t, "member", err)
	if member.User.Username != "ada" {
		t.Fatalf("member = %+v", member.User)
	}
	members, err := dg.GuildMembers(CommunityGuildID.String(), "", 1000)
	must(t, "members", err)
	if len(members) != 1000 {
		t.Fatalf("members = %d", len(members))
	}
	u, err := dg.User(kenID.String())
	must(t, "user", err)
	if u.Username != "ken" {
		t.Fatalf("user = %+v", u)
	}
	mine, err := dg.UserGuilds(100, "", "", false)
	must(t, "my guilds", err)
	if len(mine) != 2 {
		t.Fatalf("my guilds = %d", len(mine))
	}
	dm, err := dg.UserChannelCreate(graceID.String())
	must(t, "open DM", err)
	_, err = dg.ChannelMessageSend(dm.ID, "a DM")
	must(t, "DM", err)

	color := 0x00ff00
	role, err := dg.GuildRoleCreate(guild, &discordgo.RoleParams{Name: "Helper", Color: &color})
	must(t, "role", err)
	must(t, "give role", dg.GuildMemberRoleAdd(guild, kenID.String(), role.ID))
	must(t, "nickname", dg.GuildMemberNickname(guild, kenID.String(), "Kenny"))
	err = dg.GuildMemberRoleAdd(guild, kenID.String(), ModeratorRoleID.String())
	if rerr, ok := err.(*discordgo.RESTError); !ok || rerr.Message == nil || rerr.Message.Code != discordgo.ErrCodeMissingPermissions {
		t.Fatalf("assigning a role above the bot's = %v", err)
	}
	ch, err := dg.GuildChannelCreate(guild, "scratch", discordgo.ChannelTypeGuildText)
	must(t, "create channel", err)
	topic := "changed"
	_, err = dg.ChannelEdit(ch.ID, &discordgo.ChannelEdit{Topic: topic})
	must(t, "edit channel", err)
	_, err = dg.ChannelDelete(ch.ID)
	must(t, "delete channel", err)
	must(t, "kick", dg.GuildMemberDelete(guild, graceID.String()))
	must(t, "ban", dg.GuildBanCreate(guild, kenID.String(), 0))

	waitFor(t, "every event discordgo should have received", func() bool {
		return ev.has("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_REACTION_ADD", "TYPING_START", "CHANNEL_PINS_UPDATE",
			"THREAD_CREATE", "GUILD_ROLE_CREATE", "GUILD_MEMBER_UPDATE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE",
			"GUILD_MEMBER_REMOVE", "GUILD_BAN_ADD")
	})
	dmID, _ := gateway.ParseSnowflake(dm.ID)
	if got := s.Messages(dmID); len(got) != 1 || got[0].Content != "a DM" {
		t.Fatalf("DM = %+v", got)
	}
}

// TestDiscordgoRequestsMembersWithAGuildArray: discordgo sends op 8's
// guild_id as an array; the community guild comes back in two chunks.
func TestDiscordgoRequestsMembersWithAGuildArray(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	dg := openDiscordgo(t, ts.URL, discordgo.IntentsAllWithoutPrivileged|discordgo.IntentsGuildMembers)
	chunks := make(chan *discordgo.GuildMembersChunk, 4)
	dg.AddHandler(func(_ *discordgo.Session, c *discordgo.GuildMembersChunk) { chunks <- c })
	must(t, "request members", dg.RequestGuildMembers(CommunityGuildID.String(), "", 0, "n1", false))
	total := 0
	for i := 0; i < 2; i++ {
		select {
		case c := <-chunks:
			if c.ChunkCount != 2 || c.Nonce != "n1" || c.GuildID != CommunityGuildID.String() {
				t.Fatalf("chunk = index %d count %d nonce %q", c.ChunkIndex, c.ChunkCount, c.Nonce)
			}
			total += len(c.Members)
		case <-time.After(10 * time.Second):
			t.Fatal("no member chunk")
		}
	}
	if total != communityCrowd+3 {
		t.Fatalf("chunked %d members, want %d", total, communityCrowd+3)
	}
	must(t, "request by id", dg.RequestGuildMembersList(GuildID.String(), []string{kenID.String(), "1"}, 0, "n2", false))
	select {
	case c := <-chunks:
		if len(c.Members) != 1 || c.Members[0].User.ID != kenID.String() || len(c.NotFound) != 1 {
			t.Fatalf("by id = %+v", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no chunk for user_ids")
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
