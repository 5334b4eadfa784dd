package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

func TestActorWorldListsGuildsChannelsRolesAndMembers(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	res := act(t, ts, "GET", "/world", "")
	if res.status != 200 || dig(res.body, "you", "id") != DefaultMemberID.String() || dig(res.body, "bot", "id") != BotID.String() {
		t.Fatalf("world = %d %v", res.status, res.body)
	}
	v := s.World()
	if len(v.Guilds) != 2 || v.Guilds[0].ID != GuildID || v.Guilds[1].ID != CommunityGuildID {
		t.Fatalf("guilds = %+v", v.Guilds)
	}
	home := v.Guilds[0]
	has := func(what string, ok bool) {
		if !ok {
			t.Errorf("the home guild's view has no %s", what)
		}
	}
	var general, moderator, graceSeen bool
	for _, c := range home.Channels {
		general = general || (c.ID == GeneralChannelID && c.Name == "general")
	}
	for _, r := range home.Roles {
		moderator = moderator || (r.ID == ModeratorRoleID && r.Name == "Moderator")
	}
	for _, m := range home.Members {
		graceSeen = graceSeen || (m.ID.String() == grace && m.Username == "grace" && len(m.Roles) > 0)
	}
	has("#general", general)
	has("Moderator role", moderator)
	has("grace with her roles", graceSeen)
	if home.MemberCount != len(home.Members) || len(v.DMs) == 0 || v.DMs[0].RecipientID != DefaultMemberID {
		t.Errorf("member_count %d for %d members; dms %+v", home.MemberCount, len(home.Members), v.DMs)
	}
}

func TestActorMessagesRepliesAndDMs(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent|gateway.IntentDirectMessages)
	first := act(t, ts, "POST", "/messages", `{"content":"first"}`)
	if first.status != 200 || first.body["channel_id"] != GeneralChannelID.String() || dig(first.body, "author", "id") != DefaultMemberID.String() {
		t.Fatalf("post = %d %v", first.status, first.body)
	}
	nextMessageEvent(t, bot)
	reply := act(t, ts, "POST", "/messages", `{"content":"a reply","user_id":"`+grace+`","message_reference":{"message_id":"`+first.body["id"].(string)+`"}}`)
	if reply.status != 200 || reply.body["type"] != 19.0 || dig(reply.body, "author", "id") != grace {
		t.Fatalf("reply = %d %v", reply.status, reply.body)
	}
	if _, m := nextMessageEvent(t, bot); m["type"] != 19.0 {
		t.Fatalf("dispatched reply = %v", m)
	}
	dm := act(t, ts, "POST", "/messages", `{"content":"psst, bot","dm":true}`)
	if dm.status != 200 || dm.body["channel_id"] != DMChannelID.String() || dm.body["guild_id"] != nil {
		t.Fatalf("dm = %d %v", dm.status, dm.body)
	}
	if _, m := nextMessageEvent(t, bot); m["channel_id"] != DMChannelID.String() || m["content"] != "psst, bot" {
		t.Fatalf("dispatched dm = %v", m)
	}
	// Someone without a DM yet gets one opened.
	other := act(t, ts, "POST", "/messages", `{"content":"hello from grace","dm":true,"user_id":"`+grace+`"}`)
	if other.status != 200 || other.body["channel_id"] == DMChannelID.String() {
		t.Fatalf("grace's dm = %d %v", other.status, other.body)
	}
	if bad := act(t, ts, "POST", "/messages", `{"content":"x","channel_id":"42"}`); bad.status != 404 || bad.body["code"] != 10003.0 {
		t.Fatalf("unknown channel = %d %v", bad.status, bad.body)
	}
}

func TestActorMembersJoinAndLeave(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	bot, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMembers)
	res := act(t, ts, "POST", "/members", `{"username":"newbie","global_name":"Newbie"}`)
	id, _ := dig(res.body, "user", "id").(string)
	if res.status != 200 || res.body["guild_id"] != GuildID.String() || id == "" {
		t.Fatalf("join = %d %v", res.status, res.body)
	}
	add := decode[map[string]any](t, bot.expectDispatch("GUILD_MEMBER_ADD").D)
	if dig(add, "user", "username") != "newbie" || add["guild_id"] != GuildID.String() {
		t.Fatalf("GUILD_MEMBER_ADD = %v", add)
	}
	if again := act(t, ts, "POST", "/members", `{"user_id":"`+id+`"}`); again.status != 400 {
		t.Fatalf("joining twice = %d %v", again.status, again.body)
	}
	if r := act(t, ts, "DELETE", "/members/"+id, ""); r.status != 204 {
		t.Fatalf("leave = %d %v", r.status, r.body)
	}
	rm := decode[map[string]any](t, bot.expectDispatch("GUILD_MEMBER_REMOVE").D)
	if dig(rm, "user", "id") != id {
		t.Fatalf("GUILD_MEMBER_REMOVE = %v", rm)
	}
	for _, m := range s.World().Guilds[0].Members {
		if m.ID.String() == id {
			t.Fatal("the member who left is still listed")
		}
	}
	if r := act(t, ts, "DELETE", "/members/"+DefaultMemberID.String(), ""); r.status != 400 {
		t.Fatalf("the owner leaving = %d %v", r.status, r.body)
	}
	if r := act(t, ts, "DELETE", "/members/42", ""); r.status != 404 || r.body["code"] != 10007.0 {
		t.Fatalf("unknown member = %d %v", r.status, r.body)
	}
}

func TestActorRefusesOtherOrigins(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for _, path := range []string{"/interactions", "/members", "/messages"} {
		resp := controlRequest(t, http.MethodPost, ts.URL+"/sandbox"+path, "http://evil.example", `{}`)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s from another origin = %d, want 403", path, resp.StatusCode)
		}
	}
}

func TestRecipeShowsTheActorAPI(t *testing.T) {
	r := Recipe("http://127.0.0.1:9999")
	for _, want := range []string{"curl http://127.0.0.1:9999/sandbox/world", "http://127.0.0.1:9999/sandbox/interactions"} {
		if !strings.Contains(r, want) {
			t.Errorf("the recipe does not show %q:\n%s", want, r)
		}
	}
}

func TestActorReactions(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	bot, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentGuildMessageReactions)
	m, err := s.Post(GeneralChannelID, BotID, "react to me")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"message_id":"` + m.ID.String() + `","emoji":"👍","user_id":"` + grace + `"}`
	if r := act(t, ts, "PUT", "/reactions", body); r.status != 204 {
		t.Fatalf("react = %d %v", r.status, r.body)
	}
	add := decode[map[string]any](t, bot.expectDispatch("MESSAGE_REACTION_ADD").D)
	if add["user_id"] != grace || dig(add, "emoji", "name") != "👍" || add["message_id"] != m.ID.String() || add["guild_id"] != GuildID.String() {
		t.Fatalf("MESSAGE_REACTION_ADD = %v", add)
	}
	if r := act(t, ts, "DELETE", "/reactions", body); r.status != 204 {
		t.Fatalf("unreact = %d %v", r.status, r.body)
	}
	if rm := decode[map[string]any](t, bot.expectDispatch("MESSAGE_REACTION_REMOVE").D); rm["user_id"] != grace {
		t.Fatalf("MESSAGE_REACTION_REMOVE = %v", rm)
	}
	for _, tc := range []struct {
		body string
		code float64
	}{
		{`{"message_id":"` + m.ID.String() + `","emoji":"thumbsup"}`, 10014},
		{`{"message_id":"42","emoji":"👍"}`, 10008},
	} {
		if r := act(t, ts, "PUT", "/reactions", tc.body); r.body["code"] != tc.code {
			t.Errorf("PUT %s = %d %v, want code %v", tc.body, r.status, r.body, tc.code)
		}
	}
}

func TestActorHistoryIsWhatTheMemberCanRead(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	for i := 0; i < 3; i++ {
		if _, err := s.Post(GeneralChannelID, DefaultMemberID, fmt.Sprint("line ", i)); err != nil {
			t.Fatal(err)
		}
	}
	status, list, e := callList(t, "GET", ts.URL+"/sandbox/messages?channel_id="+GeneralChannelID.String()+"&limit=2", "")
	if status != 200 || len(list) != 2 || list[0]["content"] != "line 1" || list[1]["content"] != "line 2" {
		t.Fatalf("history = %d %v %v, want the last two, oldest first", status, list, e)
	}
	if status, _, e := callList(t, "GET", ts.URL+"/sandbox/messages?channel_id="+StaffChannelID.String()+"&user_id="+grace, ""); status != 403 || e["code"] != 50001.0 {
		t.Fatalf("grace reading the staff channel = %d %v, want 403 50001", status, e)
	}
	if status, _, _ := callList(t, "GET", ts.URL+"/sandbox/messages?limit=500", ""); status != 400 {
		t.Fatalf("limit 500 = %d, want 400", status)
	}
}
