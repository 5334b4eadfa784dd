package sandbox

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const grace = "1315649146060931072"

func TestInteractionCommandRoundTrip(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hello","who":"`+grace+`","where":"`+GeneralChannelID.String()+`","role":"`+MemberRoleID.String()+`","times":2}}`)
	d, id, token := receivedInteraction(t, bot)

	for _, k := range []string{"application_id", "guild_id", "channel_id", "channel", "member", "version", "app_permissions", "locale", "guild_locale", "entitlements", "authorizing_integration_owners", "context"} {
		if _, ok := d[k]; !ok {
			t.Errorf("INTERACTION_CREATE has no %s: %v", k, d)
		}
	}
	if d["type"] != 2.0 || d["guild_id"] != GuildID.String() || d["channel_id"] != BotCommandsID.String() || d["context"] != 0.0 {
		t.Errorf("interaction = %v", d)
	}
	if dig(d, "member", "user", "id") != DefaultMemberID.String() || dig(d, "member", "permissions") == nil || d["user"] != nil {
		t.Errorf("member = %v (a guild interaction carries member with user and permissions, not user)", d["member"])
	}
	if dig(d, "authorizing_integration_owners", "0") != GuildID.String() {
		t.Errorf("authorizing_integration_owners = %v", d["authorizing_integration_owners"])
	}
	data := d["data"].(map[string]any)
	if data["name"] != "greet" || len(data["options"].([]any)) != 5 {
		t.Fatalf("data = %v", data)
	}
	if dig(data, "resolved", "users", grace, "username") != "grace" || dig(data, "resolved", "members", grace, "permissions") == nil ||
		dig(data, "resolved", "members", grace, "user") != nil || dig(data, "resolved", "channels", GeneralChannelID.String(), "name") != "general" ||
		dig(data, "resolved", "roles", MemberRoleID.String(), "name") != "Member" {
		t.Errorf("resolved = %v", data["resolved"])
	}

	status, _ := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"Hello, Grace!"}}`)
	if status != 204 {
		t.Fatalf("callback = %d", status)
	}
	kind, m := nextMessageEvent(t, bot)
	if kind != "MESSAGE_CREATE" || m["content"] != "Hello, Grace!" || m["type"] != 20.0 || dig(m, "interaction_metadata", "id") != id || m["webhook_id"] != ApplicationID.String() {
		t.Fatalf("%s %v, want the response as a type-20 message", kind, m)
	}
	res := <-done
	if res.status != 200 || res.body["acknowledged"] != true || dig(res.body, "response", "type") != 4.0 ||
		dig(res.body, "response", "message", "content") != "Hello, Grace!" || res.body["error"] != nil || res.body["id"] != id {
		t.Fatalf("actor answer = %d %v", res.status, res.body)
	}

	status, body := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"again"}}`)
	if status != 400 || body["code"] != 40060.0 {
		t.Fatalf("second callback = %d %v, want 40060", status, body)
	}
	resp, f := call(t, "POST", webhookURL(ts, token, "?wait=true"), "", `{"content":"and a follow-up"}`)
	if resp.StatusCode != 200 || f["content"] != "and a follow-up" {
		t.Fatalf("follow-up = %d %v", resp.StatusCode, f)
	}
	nextMessageEvent(t, bot)
	resp, e := call(t, "PATCH", webhookURL(ts, token, "/messages/@original"), "", `{"content":"Hello again, Grace!"}`)
	if resp.StatusCode != 200 || e["content"] != "Hello again, Grace!" || e["edited_timestamp"] == nil {
		t.Fatalf("edit @original = %d %v", resp.StatusCode, e)
	}
	if kind, m := nextMessageEvent(t, bot); kind != "MESSAGE_UPDATE" || m["content"] != "Hello again, Grace!" {
		t.Fatalf("%s %v, want MESSAGE_UPDATE", kind, m)
	}
	if _, recent, _ := callList(t, "GET", ts.URL+"/sandbox/interactions", ""); len(recent) != 1 || recent[0]["id"] != id {
		t.Fatalf("GET /sandbox/interactions = %v", recent)
	}
	later := act(t, ts, "GET", "/interactions/"+id, "")
	if dig(later.body, "response", "message", "content") != "Hello again, Grace!" || len(later.body["followups"].([]any)) != 1 {
		t.Fatalf("GET /sandbox/interactions/%s = %v", id, later.body)
	}
	followup := "/messages/" + f["id"].(string)
	if resp, g := call(t, "PATCH", webhookURL(ts, token, followup), "", `{"content":"a better follow-up"}`); resp.StatusCode != 200 || g["content"] != "a better follow-up" {
		t.Fatalf("edit follow-up = %d %v", resp.StatusCode, g)
	}
	nextMessageEvent(t, bot)
	if resp, g := call(t, "GET", webhookURL(ts, token, followup), "", ""); resp.StatusCode != 200 || g["content"] != "a better follow-up" {
		t.Fatalf("get follow-up = %d %v", resp.StatusCode, g)
	}
	if resp, g := call(t, "GET", webhookURL(ts, token, "/messages/"+BotCommandsID.String()), "", ""); resp.StatusCode != 404 || g["code"] != 10008.0 {
		t.Fatalf("a message that is not the interaction's = %d %v, want 10008", resp.StatusCode, g)
	}
	resp, _ = call(t, "DELETE", webhookURL(ts, token, "/messages/"+f["id"].(string)), "", "")
	if resp.StatusCode != 204 {
		t.Fatalf("delete follow-up = %d", resp.StatusCode)
	}
	if kind, m := nextMessageEvent(t, bot); kind != "MESSAGE_DELETE" || m["id"] != f["id"] {
		t.Fatalf("%s %v, want MESSAGE_DELETE", kind, m)
	}
}

// withTestClock is a sandbox on a clock the test moves, with a bot and the
// test commands.
func withTestClock(t *testing.T) (*testClock, *httptest.Server, *client) {
	t.Helper()
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	_, ts := startSandbox(t, cfg)
	return clock, ts, botWithCommands(t, ts)
}

func TestInteractionExpiresAfterThreeSeconds(t *testing.T) {
	clock, ts, bot := withTestClock(t)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	clock.Advance(3*time.Second + time.Millisecond)
	res := <-done
	if res.body["acknowledged"] != false || res.body["error"] != noResponse || res.body["response"] != nil {
		t.Fatalf("actor answer = %v, want the invoker told %q", res.body, noResponse)
	}
	status, body := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"too late"}}`)
	if status != 404 || body["code"] != 10062.0 {
		t.Fatalf("late callback = %d %v, want 404 10062", status, body)
	}
	status, body = callback(t, ts, id, "not-the-token", "", `{"type":4,"data":{"content":"x"}}`)
	if status != 404 || body["code"] != 10062.0 {
		t.Fatalf("wrong token = %d %v, want 404 10062", status, body)
	}
}

func TestInteractionTokenLastsFifteenMinutes(t *testing.T) {
	clock, ts, bot := withTestClock(t)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	// Before the callback there is no webhook yet.
	if resp, body := call(t, "POST", webhookURL(ts, token, ""), "", `{"content":"early"}`); resp.StatusCode != 404 || body["code"] != 10015.0 {
		t.Fatalf("follow-up before the callback = %d %v, want 10015", resp.StatusCode, body)
	}
	clock.Advance(2 * time.Second)
	if status, _ := callback(t, ts, id, token, "", `{"type":5}`); status != 204 {
		t.Fatalf("deferred callback = %d", status)
	}
	<-done
	if kind, m := nextMessageEvent(t, bot); kind != "MESSAGE_CREATE" || m["flags"] != float64(flagLoading) {
		t.Fatalf("%s %v, want the loading message (flags 128)", kind, m)
	}
	if v := act(t, ts, "GET", "/interactions/"+id, ""); v.body["error"] != nil || dig(v.body, "response", "message", "flags") != float64(flagLoading) {
		t.Fatalf("a deferred interaction still thinking = %v", v.body)
	}
	clock.Advance(14 * time.Minute)
	// The first follow-up after a deferral fills in the loading message.
	resp, m := call(t, "POST", webhookURL(ts, token, ""), "", `{"content":"done thinking"}`)
	if resp.StatusCode != 200 || m["content"] != "done thinking" || m["flags"] != 0.0 {
		t.Fatalf("follow-up at 14 min = %d %v", resp.StatusCode, m)
	}
	if kind, _ := nextMessageEvent(t, bot); kind != "MESSAGE_UPDATE" {
		t.Fatalf("%s, want MESSAGE_UPDATE of the loading message", kind)
	}
	clock.Advance(time.Minute + time.Second)
	resp, m = call(t, "POST", webhookURL(ts, token, ""), "", `{"content":"too late"}`)
	if resp.StatusCode != 401 || m["code"] != 50027.0 {
		t.Fatalf("follow-up after 15 min = %d %v, want 401 50027", resp.StatusCode, m)
	}

	// A deferral never filled in fails for the invoker when the token runs out.
	done = interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token = receivedInteraction(t, bot)
	callback(t, ts, id, token, "", `{"type":5}`)
	<-done
	clock.Advance(15*time.Minute + time.Second)
	if v := act(t, ts, "GET", "/interactions/"+id, ""); v.body["error"] != noResponse {
		t.Fatalf("a deferral never filled in = %v", v.body)
	}
}

func TestInteractionEphemeralReplyIsOnlyForTheInvoker(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"psst"}}`)
	_, id, token := receivedInteraction(t, bot)
	status, body := callback(t, ts, id, token, "?with_response=true", `{"type":4,"data":{"content":"only you see this","flags":64}}`)
	if status != 200 || dig(body, "interaction", "response_message_ephemeral") != true || dig(body, "resource", "message", "flags") != 64.0 {
		t.Fatalf("with_response = %d %v", status, body)
	}
	res := <-done
	if dig(res.body, "response", "ephemeral") != true || dig(res.body, "response", "message", "content") != "only you see this" {
		t.Fatalf("actor answer = %v", res.body)
	}
	if _, err := s.Post(BotCommandsID, DefaultMemberID, "marker"); err != nil {
		t.Fatal(err)
	}
	if _, m := nextMessageEvent(t, bot); m["content"] != "marker" {
		t.Fatalf("the bot was sent %v; an ephemeral reply is never dispatched", m)
	}
	for _, m := range s.Messages(BotCommandsID) {
		if strings.Contains(m.Content, "only you") {
			t.Fatalf("the ephemeral reply is in the channel's history: %+v", m)
		}
	}
	resp, m := call(t, "GET", webhookURL(ts, token, "/messages/@original"), "", "")
	if resp.StatusCode != 200 || m["content"] != "only you see this" {
		t.Fatalf("GET @original = %d %v", resp.StatusCode, m)
	}
	seen := func(user string) bool {
		_, list, e := callList(t, "GET", ts.URL+"/sandbox/messages?channel_id="+BotCommandsID.String()+"&user_id="+user, "")
		if e != nil {
			t.Fatalf("history for %s: %v", user, e)
		}
		for _, m := range list {
			if m["content"] == "only you see this" {
				return true
			}
		}
		return false
	}
	if !seen(DefaultMemberID.String()) || seen(grace) {
		t.Fatal("GET /sandbox/messages must show the ephemeral reply to its invoker and to nobody else")
	}
}

func TestInteractionOptionsAreValidated(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	botWithCommands(t, ts)
	cases := []struct {
		body   string
		status int
		want   string
	}{
		{`{"type":"command","name":"nope"}`, 404, "has not registered /nope"},
		{`{"type":"command","name":"greet"}`, 400, "word: is required"},
		{`{"type":"command","name":"greet","options":{"word":5}}`, 400, "must be a string"},
		{`{"type":"command","name":"greet","options":{"word":"x"}}`, 400, "min_length"},
		{`{"type":"command","name":"greet","options":{"word":"hi","times":9}}`, 400, "min_value/max_value"},
		{`{"type":"command","name":"greet","options":{"word":"hi","times":1.5}}`, 400, "must be an integer"},
		{`{"type":"command","name":"greet","options":{"word":"hi","mood":"angry"}}`, 400, "one of the choices"},
		{`{"type":"command","name":"greet","options":{"word":"hi","who":"42"}}`, 400, "is not a user"},
		{`{"type":"command","name":"greet","options":{"word":"hi","where":"` + VoiceChannelID.String() + `"}}`, 400, "channel type"},
		{`{"type":"command","name":"greet","options":{"word":"hi","extra":1}}`, 400, "no such option"},
		{`{"type":"command","name":"tag"}`, 400, "needs a subcommand"},
		{`{"type":"command","name":"tag add","options":{}}`, 400, "text: is required"},
		{`{"type":"autocomplete","name":"greet","options":{"word":"hi"},"focused":"word"}`, 400, "does not have autocomplete"},
		{`{"type":"command","name":"greet","options":{"word":"hi"},"user_id":"42"}`, 404, "not a member"},
		{`{"type":"dance"}`, 400, "type must be"},
	}
	for _, tc := range cases {
		res := act(t, ts, "POST", "/interactions", tc.body)
		if msg, _ := res.body["message"].(string); res.status != tc.status || !strings.Contains(msg, tc.want) {
			t.Errorf("%s = %d %v, want %d mentioning %q", tc.body, res.status, res.body, tc.status, tc.want)
		}
	}
}

func TestInteractionWithoutABotSaysSoAtOnce(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	callList(t, "PUT", commandsURL(ts.URL), "["+pingCommand+"]")
	start := time.Now()
	res := act(t, ts, "POST", "/interactions", `{"type":"command","name":"ping","options":{"word":"hi"}}`)
	if msg, _ := res.body["error"].(string); res.status != 200 || !strings.HasPrefix(msg, noResponse) || !strings.Contains(msg, "no bot") {
		t.Fatalf("actor answer = %d %v", res.status, res.body)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("with no bot connected the actor waited for the deadline anyway")
	}
}
