package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func TestTokenCarriesBotID(t *testing.T) {
	first, _, _ := strings.Cut(Token, ".")
	raw, err := base64.RawStdEncoding.DecodeString(first)
	if err != nil {
		t.Fatalf("first part of the token is not unpadded base64: %v", err)
	}
	if string(raw) != BotID.String() {
		t.Fatalf("token's first part decodes to %s, want the bot id %s", raw, BotID)
	}
	if n := strings.Count(Token, "."); n != 2 {
		t.Fatalf("token has %d dots, want three parts", n)
	}
}

func TestHelloThenHeartbeatACKBeforeIdentify(t *testing.T) {
	cfg := testConfig()
	cfg.HeartbeatInterval = 1234 * time.Millisecond
	_, ts := startSandbox(t, cfg)
	c := dial(t, ts, "?v=10&encoding=json")
	hello := decode[gateway.Hello](t, c.expect(gateway.OpHello, "").D)
	if hello.HeartbeatInterval != 1234 {
		t.Fatalf("heartbeat_interval = %d, want 1234", hello.HeartbeatInterval)
	}
	c.sendRaw(`{"op":1,"d":null}`) // discord.py beats before identifying
	ack := c.expect(gateway.OpHeartbeatACK, "")
	if ack.S != nil || ack.T != nil {
		t.Fatalf("ACK carries s/t: %s", describe(ack))
	}
}

func TestReadyAndGuildCreate(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c := dial(t, ts, "?v=10&encoding=json")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.DefaultIntents|gateway.IntentMessageContent))
	p := c.expect(gateway.OpDispatch, "READY")
	if *p.S != 1 {
		t.Fatalf("READY s = %d, want 1", *p.S)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(p.D, &raw)
	for _, key := range []string{"v", "user", "guilds", "session_id", "resume_gateway_url", "shard", "application", "private_channels"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("READY lacks %q", key)
		}
	}
	ready := decode[gateway.Ready](t, p.D)
	if ready.V != 10 || ready.User.ID != BotID || !ready.User.Bot || ready.User.Username == "" {
		t.Errorf("READY v/user wrong: %+v", ready)
	}
	if len(ready.Guilds) != 2 || ready.Guilds[0].ID != GuildID || ready.Guilds[1].ID != CommunityGuildID || !ready.Guilds[0].Unavailable {
		t.Errorf("READY guilds = %+v", ready.Guilds)
	}
	if ready.ResumeGatewayURL != wsURL(ts) {
		t.Errorf("resume_gateway_url = %q, want %q", ready.ResumeGatewayURL, wsURL(ts))
	}
	if ready.Shard == nil || *ready.Shard != [2]int{0, 1} {
		t.Errorf("shard = %v, want [0,1]", ready.Shard)
	}
	if ready.Application.ID != ApplicationID || string(raw["private_channels"]) != "[]" {
		t.Errorf("application/private_channels wrong: %s %s", raw["application"], raw["private_channels"])
	}

	gc := c.expect(gateway.OpDispatch, "GUILD_CREATE")
	if *gc.S != 2 {
		t.Fatalf("GUILD_CREATE s = %d, want 2", *gc.S)
	}
	g := decode[gateway.Guild](t, gc.D)
	// Without GUILD_PRESENCES only the bot and members in voice are listed,
	// while member_count is the true count: libraries see they must chunk.
	if g.ID != GuildID || g.Large || g.Unavailable || g.MemberCount != 6 || len(g.Members) != 2 || len(g.VoiceStates) != 1 {
		t.Fatalf("guild header wrong: id %s large %v members %d count %d voice %d", g.ID, g.Large, len(g.Members), g.MemberCount, len(g.VoiceStates))
	}
	community := decode[gateway.Guild](t, c.expect(gateway.OpDispatch, "GUILD_CREATE").D)
	if community.ID != CommunityGuildID || !community.Large || community.MemberCount <= chunkSize || len(community.Members) != 2 {
		t.Fatalf("community guild header wrong: id %s large %v members %d count %d", community.ID, community.Large, len(community.Members), community.MemberCount)
	}
	types := map[int]int{}
	for _, ch := range g.Channels {
		types[ch.Type]++
		if ch.PermissionOverwrites == nil || ch.Name == "" {
			t.Errorf("channel %s lacks name or permission_overwrites", ch.ID)
		}
	}
	if types[gateway.ChannelGuildText] < 2 || types[gateway.ChannelGuildVoice] < 1 || types[gateway.ChannelGuildCategory] < 1 {
		t.Errorf("channel types = %v, want text, voice and a category", types)
	}
	everyone := false
	for _, r := range g.Roles {
		everyone = everyone || (r.ID == GuildID && r.Name == "@everyone")
	}
	if !everyone {
		t.Errorf("no @everyone role with the guild's id")
	}
	var rawGuild struct {
		Members []map[string]json.RawMessage `json:"members"`
	}
	_ = json.Unmarshal(gc.D, &rawGuild)
	sawBot := false
	for _, m := range rawGuild.Members {
		for _, key := range []string{"user", "roles", "flags", "joined_at"} {
			if _, ok := m[key]; !ok {
				t.Errorf("member lacks %q: %v", key, m)
			}
		}
		var at string
		_ = json.Unmarshal(m["joined_at"], &at)
		if _, err := time.Parse(time.RFC3339, at); err != nil {
			t.Errorf("joined_at %q is not RFC 3339", at)
		}
		u := decode[gateway.User](t, m["user"])
		sawBot = sawBot || u.ID == BotID
	}
	if !sawBot {
		t.Errorf("the bot is not a member of its guild")
	}
	if len(g.Presences) != 0 {
		t.Errorf("presences sent without GUILD_PRESENCES: %d", len(g.Presences))
	}
}

func TestPresencesOnlyWithPresenceIntent(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c := dial(t, ts, "?v=10&encoding=json")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds|gateway.IntentGuildPresences))
	c.expect(gateway.OpDispatch, "READY")
	g := decode[gateway.Guild](t, c.expect(gateway.OpDispatch, "GUILD_CREATE").D)
	if len(g.Presences) == 0 {
		t.Fatal("no presences although GUILD_PRESENCES was asked for")
	}
}

func TestShardEchoedAndRouted(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	holder := map[gateway.Snowflake]int{GuildID: int((uint64(GuildID) >> 22) % 2), CommunityGuildID: int((uint64(CommunityGuildID) >> 22) % 2)}
	if holder[GuildID] == holder[CommunityGuildID] {
		t.Fatal("the two guilds sit on one shard of two: sharding would split nothing")
	}
	for shard := 0; shard < 2; shard++ {
		c := dial(t, ts, "?v=10&encoding=json")
		c.expect(gateway.OpHello, "")
		id := identifyWith(gateway.IntentGuilds)
		id.Shard = &[2]int{shard, 2}
		c.send(gateway.OpIdentify, id)
		ready := decode[gateway.Ready](t, c.expect(gateway.OpDispatch, "READY").D)
		if ready.Shard == nil || *ready.Shard != [2]int{shard, 2} {
			t.Fatalf("shard not echoed: %v", ready.Shard)
		}
		if len(ready.Guilds) != 1 || holder[ready.Guilds[0].ID] != shard {
			t.Fatalf("shard %d holds %+v", shard, ready.Guilds)
		}
	}
}

func TestRequestGuildMembersEchoesNonce(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMembers)
	// discord.py sends guild_id as a number.
	c.sendRaw(`{"op":8,"d":{"guild_id":` + GuildID.String() + `,"query":"","limit":0,"nonce":"abc123"}}`)
	p := c.expectDispatch("GUILD_MEMBERS_CHUNK")
	type membersChunk struct {
		GuildID gateway.Snowflake `json:"guild_id"`
		Members []gateway.Member  `json:"members"`
		Nonce   string            `json:"nonce"`
		Count   int               `json:"chunk_count"`
	}
	chunk := decode[membersChunk](t, p.D)
	if chunk.GuildID != GuildID || chunk.Nonce != "abc123" || chunk.Count != 1 || len(chunk.Members) < 6 {
		t.Fatalf("chunk = %+v", chunk)
	}
	if !strings.Contains(string(p.D), `"guild_id":"`+GuildID.String()+`"`) {
		t.Fatalf("guild_id not echoed as a string: %s", p.D)
	}
	c.sendRaw(`{"op":8,"d":{"guild_id":"` + GuildID.String() + `","query":"gr","limit":10,"nonce":"q"}}`)
	p = c.expectDispatch("GUILD_MEMBERS_CHUNK")
	byName := decode[membersChunk](t, p.D)
	if len(byName.Members) != 1 || byName.Members[0].User.Username != "grace" {
		t.Fatalf("query gr found %+v", byName.Members)
	}
}

func TestServerRequestsHeartbeats(t *testing.T) {
	cfg := testConfig()
	cfg.ServerHeartbeatEvery = 100 * time.Millisecond
	_, ts := startSandbox(t, cfg)
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	p := c.expect(gateway.OpHeartbeat, "")
	if p.S != nil {
		t.Fatalf("server op 1 carries s: %s", describe(p))
	}
}

// TestSilentClientClosedWith4009EndsSession: a client that stops
// heartbeating is closed with 4009, which ends its session as Discord
// documents (and as the close table says): a Resume gets op 9 false, and
// identifying again works.
func TestSilentClientClosedWith4009EndsSession(t *testing.T) {
	cfg := testConfig()
	cfg.HeartbeatInterval, cfg.HeartbeatGrace = 300*time.Millisecond, 300*time.Millisecond
	s, ts := startSandbox(t, cfg)
	c, ready := login(t, ts, gateway.IntentGuilds)
	if reason := c.expectClose(gateway.CloseSessionTimedOut); !strings.Contains(reason, "identify") {
		t.Errorf("4009 reason %q does not say to identify again", reason)
	}
	waitFor(t, "the connection to be dropped", func() bool { return len(s.Connections()) == 0 })
	if info := gateway.LookupClose(gateway.CloseSessionTimedOut); info.CanResume {
		t.Fatal("the close table calls 4009 resumable; the sandbox ends the session")
	}

	r := dial(t, ts, "?v=10")
	r.expect(gateway.OpHello, "")
	r.send(gateway.OpResume, gateway.Resume{Token: Token, SessionID: ready.SessionID, Seq: loginSeq(ready)})
	if p := r.expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
		t.Fatalf("Resume after 4009: op 9 d = %s, want false", p.D)
	}
	r.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
	if again := decode[gateway.Ready](t, r.expectDispatch("READY").D); again.SessionID == ready.SessionID {
		t.Fatal("identifying after 4009 got the old session back")
	}
}

func TestHeartbeatsKeepTheConnection(t *testing.T) {
	cfg := testConfig()
	cfg.HeartbeatInterval, cfg.HeartbeatGrace = 500*time.Millisecond, 500*time.Millisecond
	s, ts := startSandbox(t, cfg)
	c, _ := login(t, ts, gateway.IntentGuilds)
	// Beat for longer than one timeout period; every beat must be ACKed and
	// the connection must stay.
	for i := 0; i < 12; i++ {
		c.sendRaw(`{"op":1,"d":2}`)
		c.expect(gateway.OpHeartbeatACK, "")
		time.Sleep(100 * time.Millisecond) // pacing the client, not synchronisation
	}
	if len(s.Connections()) != 1 {
		t.Fatal("a heartbeating client was dropped")
	}
}

func TestMaxConcurrencyWhenEnforced(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now, cfg.MaxConcurrency = clock.Now, 2
	_, ts := startSandbox(t, cfg)
	identify := func(shard int) *client {
		c := dial(t, ts, "?v=10")
		c.expect(gateway.OpHello, "")
		id := identifyWith(gateway.IntentGuilds)
		id.Shard = &[2]int{shard, 4}
		c.send(gateway.OpIdentify, id)
		return c
	}
	identify(0).expectDispatch("READY")
	identify(1).expectDispatch("READY") // another bucket: 1 % 2
	if p := identify(2).expect(gateway.OpInvalidSession, ""); string(p.D) != "false" {
		t.Fatalf("shard 2 in bucket 0 within 5 s = %s", p.D)
	}
	clock.Advance(identifyWindow)
	identify(2).expectDispatch("READY")
	_, body := call(t, "GET", ts.URL+"/api/v10/gateway/bot", botAuth, "")
	if limit := body["session_start_limit"].(map[string]any); limit["max_concurrency"] != 2.0 {
		t.Fatalf("session_start_limit = %v", limit)
	}
}
