package sandbox

import (
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

func TestRequestGuildMembersRules(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	_, ts := startSandbox(t, cfg)
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMembers)
	whole := `{"op":8,"d":{"guild_id":"` + CommunityGuildID.String() + `","query":"","limit":0,"presences":true,"nonce":"all"}}`
	c.sendRaw(whole)
	for i := 0; i < 2; i++ {
		chunk := decode[map[string]any](t, c.expectDispatch("GUILD_MEMBERS_CHUNK").D)
		if chunk["chunk_index"] != float64(i) || chunk["chunk_count"] != 2.0 || chunk["presences"] != nil {
			t.Fatalf("chunk %d = index %v count %v presences %v (presences need GUILD_PRESENCES)", i, chunk["chunk_index"], chunk["chunk_count"], chunk["presences"] != nil)
		}
	}
	// The whole list again within 30 s: RATE_LIMITED, for this guild only.
	c.sendRaw(whole)
	rl := decode[map[string]any](t, c.expectDispatch("RATE_LIMITED").D)
	meta, _ := rl["meta"].(map[string]any)
	if rl["opcode"] != 8.0 || rl["retry_after"].(float64) <= 0 || meta["guild_id"] != CommunityGuildID.String() || meta["nonce"] != "all" {
		t.Fatalf("RATE_LIMITED = %v", rl)
	}
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `","query":"","limit":0}}`)
	c.expectDispatch("GUILD_MEMBERS_CHUNK")
	clock.Advance(wholeListEvery)
	c.sendRaw(whole)
	c.expectDispatch("GUILD_MEMBERS_CHUNK")
	c.expectDispatch("GUILD_MEMBERS_CHUNK")

	// A prefix returns at most 100.
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + CommunityGuildID.String() + `","query":"tourist","limit":0}}`)
	if chunk := decode[map[string]any](t, c.expectDispatch("GUILD_MEMBERS_CHUNK").D); len(chunk["members"].([]any)) != 100 {
		t.Fatalf("prefix returned %d", len(chunk["members"].([]any)))
	}
	// user_ids with one unknown: not_found names it.
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `","user_ids":["` + graceID.String() + `","42"]}}`)
	chunk := decode[map[string]any](t, c.expectDispatch("GUILD_MEMBERS_CHUNK").D)
	if len(chunk["members"].([]any)) != 1 || len(chunk["not_found"].([]any)) != 1 {
		t.Fatalf("user_ids chunk = %v", chunk)
	}
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `","user_ids":[` + strings.TrimSuffix(strings.Repeat(`"1",`, 101), ",") + `]}}`)
	c.expectClose(gateway.CloseUnknownOpcode)
}

func TestRequestWholeMemberListNeedsTheMembersIntent(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds)
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `","query":"","limit":0}}`)
	c.expectClose(gateway.CloseDisallowedIntents)
	d, _ := login(t, ts, gateway.IntentGuilds)
	d.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `"}}`)
	d.expectClose(gateway.CloseUnknownOpcode) // neither query nor user_ids
}

func TestGuildCreateListsMembersAsDiscordDoes(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds|gateway.IntentGuildPresences))
	c.expectDispatch("READY")
	home := decode[gateway.Guild](t, c.expectDispatch("GUILD_CREATE").D)
	community := decode[gateway.Guild](t, c.expectDispatch("GUILD_CREATE").D)
	// Small guild with presences: everyone. Large guild: only the online,
	// those with a role or nickname, and those in voice.
	if len(home.Members) != home.MemberCount || home.Large {
		t.Fatalf("home lists %d of %d", len(home.Members), home.MemberCount)
	}
	if !community.Large || len(community.Members) >= community.MemberCount || len(community.Members) < 3 {
		t.Fatalf("community lists %d of %d (large %v)", len(community.Members), community.MemberCount, community.Large)
	}
	// The bot, Ada and Grace (roles), 171 tourists with a role, 30 online,
	// 4 of them both.
	if want := 3 + communityCrowd/7 + communityCrowd/40 - communityCrowd/280; len(community.Members) != want || len(community.Presences) != 30+3 {
		t.Fatalf("community lists %d members and %d presences, want %d and 33 (the bot, Ada, Grace and 30 tourists online)", len(community.Members), len(community.Presences), want)
	}
}
