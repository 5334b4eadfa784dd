package sandbox

import (
	"testing"

	"gatewaytour/inspector/gateway"
)

// expectNothingBefore proves c received no dispatch before a heartbeat's ACK:
// frames are queued in order, so anything dispatched earlier arrives first.
func (c *client) expectNothingBefore() {
	c.t.Helper()
	c.sendRaw(`{"op":1,"d":null}`)
	p, ce := c.next()
	if ce != nil {
		c.t.Fatalf("closed %d %q", ce.Code, ce.Text)
	}
	if p.Op != gateway.OpHeartbeatACK {
		c.t.Fatalf("want nothing before the ACK, got %s", describe(p))
	}
}

func TestMessageContentStripping(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	without, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentDirectMessages)
	with, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	none, _ := login(t, ts, gateway.IntentGuilds)

	check := func(c *client, wantContent string) gateway.Message {
		t.Helper()
		m := decode[gateway.Message](t, c.expectDispatch("MESSAGE_CREATE").D)
		if m.Content != wantContent {
			t.Fatalf("content = %q, want %q", m.Content, wantContent)
		}
		if m.Embeds == nil || m.Attachments == nil {
			t.Fatalf("embeds/attachments must be [] not null: %+v", m)
		}
		return m
	}

	if _, err := s.Post(GeneralChannelID, DefaultMemberID, "hello world"); err != nil {
		t.Fatal(err)
	}
	m := check(without, "")
	if m.Member == nil || m.Member.User != nil || m.GuildID == nil || *m.GuildID != GuildID {
		t.Fatalf("guild message: member must be present without a nested user: %+v", m)
	}
	check(with, "hello world")
	none.expectNothingBefore() // no GUILD_MESSAGES, no MESSAGE_CREATE

	// Exemption: the message mentions the bot.
	mention := "<@" + BotID.String() + "> ping"
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, mention)
	if m := check(without, mention); len(m.Mentions) != 1 || m.Mentions[0].ID != BotID {
		t.Fatalf("mentions = %+v", m.Mentions)
	}
	check(with, mention)

	// Exemption: the bot's own message.
	_, _ = s.Post(GeneralChannelID, BotID, "I am the bot")
	check(without, "I am the bot")
	check(with, "I am the bot")

	// Exemption: a DM. It needs DIRECT_MESSAGES, which only `without` has.
	_, _ = s.Post(DMChannelID, DefaultMemberID, "psst")
	if m := check(without, "psst"); m.GuildID != nil || m.Member != nil {
		t.Fatalf("a DM has no guild_id or member: %+v", m)
	}
	with.expectNothingBefore()
}

func TestEventsGatedByIntents(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	all := gateway.IntentGuilds | gateway.IntentGuildMembers | gateway.IntentGuildPresences | gateway.IntentGuildMessageTyping
	everything, _ := login(t, ts, all)
	guildsOnly, _ := login(t, ts, gateway.IntentGuilds)

	s.mu.Lock()
	ada := s.world.resident(DefaultMemberID)
	s.typingLocked(ada, GeneralChannelID)
	ada.status = "idle"
	s.broadcastLocked("PRESENCE_UPDATE", true, mustJSON(ada.presence(GuildID)), nil)
	s.memberJoinLocked(s.world.visitors[0])
	s.memberLeaveLocked(s.world.visitors[0].ID)
	s.mu.Unlock()

	typing := everything.expectDispatch("TYPING_START")
	td := decode[typingStart](t, typing.D)
	if td.UserID != DefaultMemberID || td.Member.User == nil {
		t.Fatalf("TYPING_START = %s", typing.D)
	}
	presence := decode[gateway.Presence](t, everything.expectDispatch("PRESENCE_UPDATE").D)
	if presence.User.ID != DefaultMemberID || presence.Status != "idle" || presence.GuildID == nil {
		t.Fatalf("PRESENCE_UPDATE = %+v", presence)
	}
	add := decode[memberWithGuild](t, everything.expectDispatch("GUILD_MEMBER_ADD").D)
	if add.User == nil || add.User.ID != s.world.visitors[0].ID || add.GuildID != GuildID {
		t.Fatalf("GUILD_MEMBER_ADD = %+v", add)
	}
	everything.expectDispatch("GUILD_MEMBER_REMOVE")
	guildsOnly.expectNothingBefore()
}

type typingStart struct {
	UserID gateway.Snowflake `json:"user_id"`
	Member gateway.Member    `json:"member"`
}

func TestNoGuildCreateWithoutGuildsIntent(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuildMessages))
	ready := decode[gateway.Ready](t, c.expect(gateway.OpDispatch, "READY").D)
	if len(ready.Guilds) != 2 {
		t.Fatalf("READY guilds = %+v", ready.Guilds)
	}
	c.expectNothingBefore()
}
