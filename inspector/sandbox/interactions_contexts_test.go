package sandbox

import (
	"testing"
)

func TestInteractionContextsTargetsAndPermissions(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	if status, _, e := callList(t, "PUT", commandsURL(ts.URL), `[{"name":"about","description":"About the bot"},
		{"name":"admin","description":"Administrators only","default_member_permissions":"8"},
		{"name":"nobody","description":"Disabled by default","default_member_permissions":"0"},
		{"name":"guildonly","description":"Not in DMs","contexts":[0]},
		{"type":2,"name":"Wave"},{"type":3,"name":"Quote"}]`); status != 200 {
		t.Fatalf("global commands = %d %v", status, e)
	}
	roundTrip := func(body string) map[string]any {
		t.Helper()
		done := interactAsync(t, ts, body)
		d, id, token := receivedInteraction(t, bot)
		if status, _ := callback(t, ts, id, token, "", `{"type":5,"data":{"flags":64}}`); status != 204 {
			t.Fatalf("callback for %s = %d", body, status)
		}
		if res := <-done; res.body["acknowledged"] != true {
			t.Fatalf("%s: %v", body, res.body)
		}
		return d
	}

	d := roundTrip(`{"type":"command","name":"about","dm":true}`)
	if d["context"] != 1.0 || d["channel_id"] != DMChannelID.String() || dig(d, "user", "id") != DefaultMemberID.String() || d["member"] != nil || d["guild_id"] != nil {
		t.Fatalf("DM interaction = %v (a DM carries user, not member)", d)
	}
	if dig(d, "authorizing_integration_owners", "0") != "0" {
		t.Errorf("authorizing_integration_owners in a DM = %v", d["authorizing_integration_owners"])
	}
	for _, body := range []string{`{"type":"command","name":"guildonly","dm":true}`, `{"type":"command","name":"greet","options":{"word":"hi"},"dm":true}`} {
		if res := act(t, ts, "POST", "/interactions", body); res.status != 400 && res.status != 404 {
			t.Errorf("%s = %d %v, want it refused outside a guild", body, res.status, res.body)
		}
	}
	if res := act(t, ts, "POST", "/interactions", `{"type":"command","name":"admin","user_id":"`+grace+`"}`); res.status != 403 || res.body["code"] != 50013.0 {
		t.Errorf("admin command by grace = %d %v, want 403 50013", res.status, res.body)
	}
	if res := act(t, ts, "POST", "/interactions", `{"type":"command","name":"nobody","user_id":"`+grace+`"}`); res.status != 403 {
		t.Errorf("a command disabled by default, used by grace = %d %v, want 403", res.status, res.body)
	}
	roundTrip(`{"type":"command","name":"admin"}`) // ada owns the guild

	d = roundTrip(`{"type":"command","command_type":2,"name":"Wave","target_id":"` + grace + `"}`)
	if dig(d, "data", "target_id") != grace || dig(d, "data", "resolved", "users", grace, "username") != "grace" || dig(d, "data", "type") != 2.0 {
		t.Fatalf("user command = %v", d["data"])
	}
	posted := act(t, ts, "POST", "/messages", `{"channel_id":"`+BotCommandsID.String()+`","content":"quote me"}`)
	nextMessageEvent(t, bot)
	mid := posted.body["id"].(string)
	d = roundTrip(`{"type":"command","command_type":3,"name":"Quote","target_id":"` + mid + `"}`)
	if dig(d, "data", "resolved", "messages", mid, "content") != "quote me" {
		t.Fatalf("message command = %v", d["data"])
	}
}
