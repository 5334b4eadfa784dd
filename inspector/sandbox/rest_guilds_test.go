package sandbox

import (
	"testing"

	"gatewaytour/inspector/gateway"
)

const (
	graceID gateway.Snowflake = 1315649146060931072
	kenID   gateway.Snowflake = 1345047861657731072
)

func guildPath(id gateway.Snowflake, rest string) string { return "/guilds/" + id.String() + rest }

func TestRESTGuildAndMembers(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	var g map[string]any
	api(t, ts, "GET", guildPath(GuildID, "?with_counts=true"), "", &g)
	if g["name"] != "Gateway Tour" || g["approximate_member_count"] != 6.0 || g["members"] != nil || g["roles"] == nil {
		t.Fatalf("guild = %v", g)
	}
	resp, raw := api(t, ts, "GET", guildPath(1, ""), "", nil)
	wantError(t, resp, raw, 404, 10004)
	var chans []gateway.Channel
	api(t, ts, "GET", guildPath(GuildID, "/channels"), "", &chans)
	if len(chans) < 6 || chans[0].GuildID == nil {
		t.Fatalf("channels = %+v", chans)
	}
	var m gateway.Member
	api(t, ts, "GET", guildPath(GuildID, "/members/"+DefaultMemberID.String()), "", &m)
	if m.User == nil || m.User.ID != DefaultMemberID {
		t.Fatalf("member = %+v", m)
	}
	resp, raw = api(t, ts, "GET", guildPath(GuildID, "/members/1"), "", nil)
	wantError(t, resp, raw, 404, 10007)
	var list []gateway.Member
	api(t, ts, "GET", guildPath(CommunityGuildID, "/members?limit=1000"), "", &list)
	if len(list) != 1000 {
		t.Fatalf("listed %d community members, want 1000", len(list))
	}
	var next []gateway.Member
	api(t, ts, "GET", guildPath(CommunityGuildID, "/members?limit=1000&after="+list[999].User.ID.String()), "", &next)
	if len(next) != communityCrowd+3-1000 || next[0].User.ID <= list[999].User.ID {
		t.Fatalf("second page has %d", len(next))
	}
	var found []gateway.Member
	api(t, ts, "GET", guildPath(GuildID, "/members/search?query=GR&limit=5"), "", &found)
	if len(found) != 1 || found[0].User.ID != graceID {
		t.Fatalf("search = %+v", found)
	}
	resp, raw = api(t, ts, "GET", guildPath(GuildID, "/members/search"), "", nil)
	wantError(t, resp, raw, 400, 50035, "query")
}

func TestRESTListMembersNeedsTheMembersIntentEnabled(t *testing.T) {
	cfg := testConfig()
	cfg.EnabledPrivileged = PrivilegedNone
	_, ts := startSandbox(t, cfg)
	resp, raw := api(t, ts, "GET", guildPath(GuildID, "/members"), "", nil)
	wantError(t, resp, raw, 403, 50001)
}

func TestRESTMemberChangesFollowTheHierarchy(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMembers|gateway.IntentGuildModeration)
	// The bot (Tour Bot, position 2) manages Member (1), not Moderator (3).
	member := guildPath(GuildID, "/members/"+kenID.String())
	if resp, raw := api(t, ts, "PUT", member+"/roles/"+MemberRoleID.String(), "", nil); resp.StatusCode != 204 {
		t.Fatalf("add role = %d %s", resp.StatusCode, raw)
	}
	if up := decode[gateway.Member](t, c.expectDispatch("GUILD_MEMBER_UPDATE").D); up.User.ID != kenID || !containsID(up.Roles, MemberRoleID) {
		t.Fatalf("GUILD_MEMBER_UPDATE = %+v", up)
	}
	resp, raw := api(t, ts, "PUT", member+"/roles/"+ModeratorRoleID.String(), "", nil)
	wantError(t, resp, raw, 403, 50013)
	resp, raw = api(t, ts, "PUT", member+"/roles/"+BotRoleID.String(), "", nil)
	wantError(t, resp, raw, 403, 50013) // managed
	resp, raw = api(t, ts, "PUT", member+"/roles/1", "", nil)
	wantError(t, resp, raw, 404, 10011)
	var changed gateway.Member
	if resp, raw := api(t, ts, "PATCH", member, `{"nick":"Kenny"}`, &changed); resp.StatusCode != 200 || changed.Nick == nil || *changed.Nick != "Kenny" {
		t.Fatalf("nick = %d %s", resp.StatusCode, raw)
	}
	c.expectDispatch("GUILD_MEMBER_UPDATE")
	// Ada owns the guild: nobody outranks her.
	owner := guildPath(GuildID, "/members/"+DefaultMemberID.String())
	resp, raw = api(t, ts, "PATCH", owner, `{"nick":"boss"}`, nil)
	wantError(t, resp, raw, 403, 50013)
	resp, raw = api(t, ts, "DELETE", owner, "", nil)
	wantError(t, resp, raw, 403, 50013)
	resp, raw = api(t, ts, "PUT", guildPath(GuildID, "/bans/"+DefaultMemberID.String()), "", nil)
	wantError(t, resp, raw, 403, 50013)
	// Kick Grace; ban Ken, then lift it.
	if resp, _ := api(t, ts, "DELETE", guildPath(GuildID, "/members/"+graceID.String()), "", nil); resp.StatusCode != 204 {
		t.Fatalf("kick = %d", resp.StatusCode)
	}
	if rm := decode[map[string]any](t, c.expectDispatch("GUILD_MEMBER_REMOVE").D); rm["guild_id"] != GuildID.String() {
		t.Fatalf("GUILD_MEMBER_REMOVE = %v", rm)
	}
	if resp, _ := api(t, ts, "PUT", guildPath(GuildID, "/bans/"+kenID.String()), `{"delete_message_seconds":60}`, nil); resp.StatusCode != 204 {
		t.Fatalf("ban = %d", resp.StatusCode)
	}
	c.expectDispatch("GUILD_BAN_ADD")
	c.expectDispatch("GUILD_MEMBER_REMOVE")
	var bans []map[string]any
	api(t, ts, "GET", guildPath(GuildID, "/bans"), "", &bans)
	if len(bans) != 1 {
		t.Fatalf("bans = %v", bans)
	}
	if resp, _ := api(t, ts, "GET", guildPath(GuildID, "/bans/"+kenID.String()), "", nil); resp.StatusCode != 200 {
		t.Fatalf("get ban = %d", resp.StatusCode)
	}
	api(t, ts, "DELETE", guildPath(GuildID, "/bans/"+kenID.String()), "", nil)
	c.expectDispatch("GUILD_BAN_REMOVE")
	resp, raw = api(t, ts, "GET", guildPath(GuildID, "/bans/"+kenID.String()), "", nil)
	wantError(t, resp, raw, 404, 10026)
	s.mu.Lock()
	left := len(s.world.home().members)
	s.mu.Unlock()
	if left != 4 {
		t.Fatalf("%d members left, want 4", left)
	}
}

func TestRESTRoles(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds)
	var role gateway.Role
	if resp, raw := api(t, ts, "POST", guildPath(GuildID, "/roles"), `{"name":"Helper","color":255,"permissions":"2048"}`, &role); resp.StatusCode != 200 || role.Name != "Helper" || role.Position != 1 {
		t.Fatalf("create role = %d %s", resp.StatusCode, raw)
	}
	c.expectDispatch("GUILD_ROLE_CREATE")
	// Granting what the bot lacks itself (Administrator) is refused.
	resp, raw := api(t, ts, "POST", guildPath(GuildID, "/roles"), `{"name":"Admin","permissions":"8"}`, nil)
	wantError(t, resp, raw, 403, 50013)
	rolePath := guildPath(GuildID, "/roles/"+role.ID.String())
	var renamed gateway.Role
	api(t, ts, "PATCH", rolePath, `{"name":"Helpers"}`, &renamed)
	if renamed.Name != "Helpers" {
		t.Fatalf("renamed = %+v", renamed)
	}
	c.expectDispatch("GUILD_ROLE_UPDATE")
	resp, raw = api(t, ts, "PATCH", guildPath(GuildID, "/roles/"+ModeratorRoleID.String()), `{"name":"Mods"}`, nil)
	wantError(t, resp, raw, 403, 50013)
	resp, raw = api(t, ts, "DELETE", guildPath(GuildID, "/roles/"+BotRoleID.String()), "", nil)
	wantError(t, resp, raw, 403, 50013)
	if resp, _ := api(t, ts, "DELETE", rolePath, "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete role = %d", resp.StatusCode)
	}
	c.expectDispatch("GUILD_ROLE_DELETE")
	resp, raw = api(t, ts, "GET", rolePath, "", nil)
	wantError(t, resp, raw, 404, 10011)
}

func TestRESTUsersAndDMs(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	var u gateway.User
	api(t, ts, "GET", "/users/"+graceID.String(), "", &u)
	if u.Username != "grace" {
		t.Fatalf("user = %+v", u)
	}
	resp, raw := api(t, ts, "GET", "/users/1", "", nil)
	wantError(t, resp, raw, 404, 10013)
	var guilds []map[string]any
	api(t, ts, "GET", "/users/@me/guilds", "", &guilds)
	if len(guilds) != 2 || guilds[0]["id"] != GuildID.String() || guilds[0]["permissions"] != botPerms.Wire() {
		t.Fatalf("my guilds = %v", guilds)
	}
	var dm gateway.Channel
	api(t, ts, "POST", "/users/@me/channels", `{"recipient_id":"`+DefaultMemberID.String()+`"}`, &dm)
	if dm.ID != DMChannelID || dm.Type != gateway.ChannelDM {
		t.Fatalf("DM with Ada = %+v", dm)
	}
	var dm2, again gateway.Channel
	api(t, ts, "POST", "/users/@me/channels", `{"recipient_id":"`+graceID.String()+`"}`, &dm2)
	api(t, ts, "POST", "/users/@me/channels", `{"recipient_id":"`+graceID.String()+`"}`, &again)
	if dm2.ID == 0 || dm2.ID == DMChannelID || again.ID != dm2.ID {
		t.Fatalf("DM with Grace = %s then %s", dm2.ID, again.ID)
	}
	var m gateway.Message
	if resp, raw := api(t, ts, "POST", channelPath(dm2.ID, "/messages"), `{"content":"hi Grace"}`, &m); resp.StatusCode != 200 || m.GuildID != nil {
		t.Fatalf("DM message = %d %s", resp.StatusCode, raw)
	}
	if got := s.Messages(dm2.ID); len(got) != 1 {
		t.Fatalf("DM stored %d", len(got))
	}
	resp, raw = api(t, ts, "POST", "/users/@me/channels", `{"recipient_id":"`+BotID.String()+`"}`, nil)
	wantError(t, resp, raw, 403, 50007)
	resp, raw = api(t, ts, "POST", "/users/@me/channels", `{}`, nil)
	wantError(t, resp, raw, 400, 50035, "recipient_id")
}
