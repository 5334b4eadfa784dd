package sandbox

import (
	"testing"

	"gatewaytour/inspector/gateway"
)

func TestRESTThreads(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentGuildMembers)
	m, _ := s.Post(GeneralChannelID, DefaultMemberID, "let's discuss")
	c.expectDispatch("MESSAGE_CREATE")
	var th gateway.Channel
	if resp, raw := api(t, ts, "POST", channelPath(GeneralChannelID, "/messages/"+m.ID.String()+"/threads"), `{"name":"discussion"}`, &th); resp.StatusCode != 201 || th.ID != m.ID || th.Type != gateway.ChannelPublicThread || th.ThreadMetadata == nil || th.MemberCount == nil {
		t.Fatalf("thread from message = %d %s", resp.StatusCode, raw)
	}
	if created := decode[map[string]any](t, c.expectDispatch("THREAD_CREATE").D); created["newly_created"] != true || created["parent_id"] != GeneralChannelID.String() {
		t.Fatalf("THREAD_CREATE = %v", created)
	}
	resp, raw := api(t, ts, "POST", channelPath(GeneralChannelID, "/messages/"+m.ID.String()+"/threads"), `{"name":"again"}`, nil)
	wantError(t, resp, raw, 400, 160004)
	resp, raw = api(t, ts, "POST", channelPath(GeneralChannelID, "/threads"), `{"type":11}`, nil)
	wantError(t, resp, raw, 400, 50035, "name")
	resp, raw = api(t, ts, "PUT", channelPath(GeneralChannelID, "/thread-members/@me"), "", nil)
	wantError(t, resp, raw, 400, 50024)

	if resp, _ := api(t, ts, "POST", channelPath(th.ID, "/messages"), `{"content":"in the thread"}`, nil); resp.StatusCode != 200 {
		t.Fatalf("post in thread = %d", resp.StatusCode)
	}
	api(t, ts, "PUT", channelPath(th.ID, "/thread-members/"+DefaultMemberID.String()), "", nil)
	if up := decode[map[string]any](t, c.expectDispatch("THREAD_MEMBERS_UPDATE").D); up["member_count"] != 2.0 || up["added_members"] == nil {
		t.Fatalf("THREAD_MEMBERS_UPDATE = %v", up)
	}
	var members []map[string]any
	api(t, ts, "GET", channelPath(th.ID, "/thread-members"), "", &members)
	if len(members) != 2 {
		t.Fatalf("thread members = %v", members)
	}
	api(t, ts, "DELETE", channelPath(th.ID, "/thread-members/@me"), "", nil)
	if up := decode[map[string]any](t, c.expectDispatch("THREAD_MEMBERS_UPDATE").D); up["removed_member_ids"] == nil {
		t.Fatalf("leave = %v", up)
	}
	resp, raw = api(t, ts, "GET", channelPath(th.ID, "/thread-members/"+BotID.String()), "", nil)
	wantError(t, resp, raw, 404, 10007)

	var private gateway.Channel
	if resp, raw := api(t, ts, "POST", channelPath(BotCommandsID, "/threads"), `{"name":"secret"}`, &private); resp.StatusCode != 201 || private.Type != gateway.ChannelPrivateThread {
		t.Fatalf("thread without a message = %d %s", resp.StatusCode, raw)
	}
	var active struct {
		Threads []gateway.Channel `json:"threads"`
		Members []map[string]any  `json:"members"`
	}
	api(t, ts, "GET", guildPath(GuildID, "/threads/active"), "", &active)
	if len(active.Threads) != 3 || len(active.Members) != 1 {
		t.Fatalf("active threads = %d, bot in %d", len(active.Threads), len(active.Members))
	}
	// An archived thread takes no new messages.
	if resp, raw := api(t, ts, "PATCH", channelPath(th.ID, ""), `{"archived":true}`, nil); resp.StatusCode != 200 {
		t.Fatalf("archive = %d %s", resp.StatusCode, raw)
	}
	c.expectDispatch("THREAD_UPDATE")
	resp, raw = api(t, ts, "POST", channelPath(th.ID, "/messages"), `{"content":"late"}`, nil)
	wantError(t, resp, raw, 400, 50083)
	if resp, _ := api(t, ts, "DELETE", channelPath(th.ID, ""), "", nil); resp.StatusCode != 200 {
		t.Fatalf("delete thread = %d", resp.StatusCode)
	}
	c.expectDispatch("THREAD_DELETE")
}
