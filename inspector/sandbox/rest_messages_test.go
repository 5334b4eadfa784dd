package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// api makes a bot-authorized REST call and decodes the JSON answer into out
// (when out is not nil). It returns the response with its raw body.
func api(t *testing.T, ts *httptest.Server, method, path, body string, out any) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+"/api/v10"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", botAuth)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %q: %v", method, path, raw, err)
		}
	}
	return resp, raw
}

// wantError checks a Discord error answer: status, code and, for 50035,
// that the error tree reaches path.
func wantError(t *testing.T, resp *http.Response, raw []byte, status, code int, path ...string) {
	t.Helper()
	var body struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Errors  map[string]any `json:"errors"`
	}
	_ = json.Unmarshal(raw, &body)
	if resp.StatusCode != status || body.Code != code || body.Message == "" {
		t.Fatalf("%s %s = %d %s, want %d code %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, raw, status, code)
	}
	node := body.Errors
	for _, seg := range path {
		next, ok := node[seg].(map[string]any)
		if !ok {
			t.Fatalf("error tree %s lacks %v", raw, path)
		}
		node = next
	}
	if len(path) > 0 && node["_errors"] == nil {
		t.Fatalf("error tree %s has no _errors at %v", raw, path)
	}
}

func channelPath(id gateway.Snowflake, rest string) string { return "/channels/" + id.String() + rest }

func TestRESTCreateMessageValidation(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	_, ts := startSandbox(t, cfg)
	post := func(body string) (*http.Response, []byte) {
		clock.Advance(messageWindow) // stay inside the channel's 5-per-5-seconds bucket
		return api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), body, nil)
	}
	embeds := func(n int, embed string) string {
		return `{"embeds":[` + strings.TrimSuffix(strings.Repeat(embed+",", n), ",") + `]}`
	}
	field := `{"name":"n","value":"v"}`
	cases := []struct {
		name   string
		body   string
		status int
		code   int
		path   []string
	}{
		{"content over 2000", `{"content":"` + strings.Repeat("é", 2001) + `"}`, 400, 50035, []string{"content"}},
		{"empty", `{"content":"  "}`, 400, 50006, nil},
		{"eleven embeds", embeds(11, `{"title":"t"}`), 400, 50035, []string{"embeds"}},
		{"title over 256", embeds(1, `{"title":"`+strings.Repeat("t", 257)+`"}`), 400, 50035, []string{"embeds", "0", "title"}},
		{"26 fields", embeds(1, `{"fields":[`+strings.TrimSuffix(strings.Repeat(field+",", 26), ",")+`]}`), 400, 50035, []string{"embeds", "0", "fields"}},
		{"field without a value", embeds(1, `{"fields":[{"name":"n"}]}`), 400, 50035, []string{"embeds", "0", "fields", "0", "value"}},
		{"over 6000 in all", embeds(2, `{"description":"`+strings.Repeat("d", 3500)+`"}`), 400, 50035, []string{"embeds"}},
		{"content of the wrong type", `{"content":5}`, 400, 50035, []string{"content"}},
		{"invalid JSON", `{"content":`, 400, 50109, nil},
		{"bad allowed_mentions", `{"content":"hi","allowed_mentions":{"parse":["users"],"users":["1"]}}`, 400, 50035, []string{"allowed_mentions"}},
		{"reply to nothing", `{"content":"hi","message_reference":{"message_id":"1"}}`, 400, 50035, []string{"message_reference"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, raw := post(tc.body)
			wantError(t, resp, raw, tc.status, tc.code, tc.path...)
		})
	}
	resp, raw := api(t, ts, "POST", channelPath(StaffChannelID, "/messages"), `{"content":"hi"}`, nil)
	wantError(t, resp, raw, 403, 50001)
	resp, raw = api(t, ts, "POST", channelPath(VoiceChannelID+1000, "/messages"), `{"content":"hi"}`, nil)
	wantError(t, resp, raw, 404, 10003)
	resp, raw = api(t, ts, "POST", channelPath(CategoryID, "/messages"), `{"content":"hi"}`, nil)
	wantError(t, resp, raw, 400, 50008)
	// Unknown fields are ignored; the announcement channel lets the bot's role send.
	var m gateway.Message
	if resp, raw := api(t, ts, "POST", channelPath(AnnouncementsID, "/messages"), `{"content":"news","no_such_field":[1,2]}`, &m); resp.StatusCode != 200 || m.Content != "news" {
		t.Fatalf("announcement = %d %s", resp.StatusCode, raw)
	}
}

func TestRESTRepliesNoncesAndMentions(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	first, _ := s.Post(GeneralChannelID, DefaultMemberID, "question?")
	var reply gateway.Message
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"answer <@`+DefaultMemberID.String()+`>","message_reference":{"message_id":"`+first.ID.String()+`"},"allowed_mentions":{"parse":[],"replied_user":false}}`, &reply)
	if reply.Type != 19 || reply.ReferencedMessage == nil || reply.ReferencedMessage.ID != first.ID || reply.MessageReference == nil || len(reply.Mentions) != 0 {
		t.Fatalf("reply = %+v", reply)
	}
	var a, b gateway.Message
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"once","nonce":"n-1","enforce_nonce":true}`, &a)
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"once","nonce":"n-1","enforce_nonce":true}`, &b)
	if a.ID == 0 || a.ID != b.ID || len(s.Messages(GeneralChannelID)) != 3 {
		t.Fatalf("enforce_nonce posted twice: %s / %s", a.ID, b.ID)
	}
	var pinged gateway.Message
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"<@`+DefaultMemberID.String()+`> <@&`+MemberRoleID.String()+`> @everyone"}`, &pinged)
	if len(pinged.Mentions) != 1 || len(pinged.MentionRoles) != 1 || !pinged.MentionEveryone {
		t.Fatalf("mentions = %+v %v %v", pinged.Mentions, pinged.MentionRoles, pinged.MentionEveryone)
	}
}

func TestRESTEditDeleteAndBulkDelete(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	var mine gateway.Message
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"draft"}`, &mine)
	c.expectDispatch("MESSAGE_CREATE")
	var edited gateway.Message
	resp, raw := api(t, ts, "PATCH", channelPath(GeneralChannelID, "/messages/"+mine.ID.String()), `{"content":"final"}`, &edited)
	if resp.StatusCode != 200 || edited.Content != "final" || edited.EditedTimestamp == nil {
		t.Fatalf("edit = %d %s", resp.StatusCode, raw)
	}
	if up := decode[gateway.Message](t, c.expectDispatch("MESSAGE_UPDATE").D); up.Content != "final" || up.GuildID == nil {
		t.Fatalf("MESSAGE_UPDATE = %+v", up)
	}
	theirs, _ := s.Post(GeneralChannelID, DefaultMemberID, "mine, not the bot's")
	c.expectDispatch("MESSAGE_CREATE")
	resp, raw = api(t, ts, "PATCH", channelPath(GeneralChannelID, "/messages/"+theirs.ID.String()), `{"content":"hijack"}`, nil)
	wantError(t, resp, raw, 403, 50005)
	resp, raw = api(t, ts, "DELETE", channelPath(GeneralChannelID, "/messages/1"), "", nil)
	wantError(t, resp, raw, 404, 10008)
	// Manage Messages lets the bot delete a member's message.
	if resp, raw := api(t, ts, "DELETE", channelPath(GeneralChannelID, "/messages/"+theirs.ID.String()), "", nil); resp.StatusCode != 204 {
		t.Fatalf("delete = %d %s", resp.StatusCode, raw)
	}
	if del := decode[map[string]any](t, c.expectDispatch("MESSAGE_DELETE").D); del["id"] != theirs.ID.String() || del["guild_id"] != GuildID.String() {
		t.Fatalf("MESSAGE_DELETE = %v", del)
	}
	resp, raw = api(t, ts, "POST", channelPath(GeneralChannelID, "/messages/bulk-delete"), `{"messages":["`+mine.ID.String()+`"]}`, nil)
	wantError(t, resp, raw, 400, 50035, "messages")
	two, _ := s.Post(GeneralChannelID, DefaultMemberID, "two")
	c.expectDispatch("MESSAGE_CREATE")
	if resp, raw := api(t, ts, "POST", channelPath(GeneralChannelID, "/messages/bulk-delete"), `{"messages":["`+mine.ID.String()+`","`+two.ID.String()+`"]}`, nil); resp.StatusCode != 204 {
		t.Fatalf("bulk delete = %d %s", resp.StatusCode, raw)
	}
	bulk := decode[struct {
		IDs []gateway.Snowflake `json:"ids"`
	}](t, c.expectDispatch("MESSAGE_DELETE_BULK").D)
	if len(bulk.IDs) != 2 || len(s.Messages(GeneralChannelID)) != 0 {
		t.Fatalf("bulk = %+v, left %d", bulk, len(s.Messages(GeneralChannelID)))
	}
}

func TestRESTListMessagesPages(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	var ids []gateway.Snowflake
	for _, text := range []string{"m0", "m1", "m2", "m3", "m4", "m5"} {
		m, _ := s.Post(GeneralChannelID, DefaultMemberID, text)
		ids = append(ids, m.ID)
	}
	page := func(q url.Values) string {
		var list []gateway.Message
		api(t, ts, "GET", channelPath(GeneralChannelID, "/messages?"+q.Encode()), "", &list)
		var out []string
		for _, m := range list {
			out = append(out, m.Content)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		q    url.Values
		want string
	}{
		{url.Values{"limit": {"2"}}, "m5,m4"},
		{url.Values{"before": {ids[3].String()}, "limit": {"2"}}, "m2,m1"},
		{url.Values{"after": {ids[1].String()}, "limit": {"2"}}, "m3,m2"},
		{url.Values{"around": {ids[3].String()}, "limit": {"3"}}, "m4,m3,m2"},
	} {
		if got := page(tc.q); got != tc.want {
			t.Errorf("?%s = %s, want %s", tc.q.Encode(), got, tc.want)
		}
	}
	resp, raw := api(t, ts, "GET", channelPath(GeneralChannelID, "/messages?limit=101"), "", nil)
	wantError(t, resp, raw, 400, 50035, "limit")
}

func TestRESTReactionsPinsAndTyping(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentGuildMessageReactions|gateway.IntentGuildMessageTyping)
	m, _ := s.Post(GeneralChannelID, DefaultMemberID, "react to me")
	c.expectDispatch("MESSAGE_CREATE")
	thumbs := url.PathEscape("👍")
	base := channelPath(GeneralChannelID, "/messages/"+m.ID.String()+"/reactions/")
	if resp, raw := api(t, ts, "PUT", base+thumbs+"/@me", "", nil); resp.StatusCode != 204 {
		t.Fatalf("react = %d %s", resp.StatusCode, raw)
	}
	add := decode[map[string]any](t, c.expectDispatch("MESSAGE_REACTION_ADD").D)
	if add["user_id"] != BotID.String() || add["member"] == nil || add["emoji"].(map[string]any)["name"] != "👍" {
		t.Fatalf("MESSAGE_REACTION_ADD = %v", add)
	}
	var got gateway.Message
	api(t, ts, "GET", channelPath(GeneralChannelID, "/messages/"+m.ID.String()), "", &got)
	if len(got.Reactions) != 1 || got.Reactions[0].Count != 1 || !got.Reactions[0].Me {
		t.Fatalf("reactions = %+v", got.Reactions)
	}
	var users []gateway.User
	api(t, ts, "GET", base+thumbs, "", &users)
	if len(users) != 1 || users[0].ID != BotID {
		t.Fatalf("reactors = %+v", users)
	}
	resp, raw := api(t, ts, "PUT", base+"abc/@me", "", nil)
	wantError(t, resp, raw, 400, 10014)
	resp, raw = api(t, ts, "PUT", base+"custom:123/@me", "", nil)
	wantError(t, resp, raw, 400, 10014)
	api(t, ts, "DELETE", base+thumbs+"/@me", "", nil)
	c.expectDispatch("MESSAGE_REACTION_REMOVE")
	api(t, ts, "PUT", base+thumbs+"/@me", "", nil)
	c.expectDispatch("MESSAGE_REACTION_ADD")
	api(t, ts, "DELETE", channelPath(GeneralChannelID, "/messages/"+m.ID.String()+"/reactions"), "", nil)
	c.expectDispatch("MESSAGE_REACTION_REMOVE_ALL")

	if resp, raw := api(t, ts, "PUT", channelPath(GeneralChannelID, "/pins/"+m.ID.String()), "", nil); resp.StatusCode != 204 {
		t.Fatalf("pin = %d %s", resp.StatusCode, raw)
	}
	if pu := decode[map[string]any](t, c.expectDispatch("CHANNEL_PINS_UPDATE").D); pu["last_pin_timestamp"] == nil || pu["guild_id"] != GuildID.String() {
		t.Fatalf("CHANNEL_PINS_UPDATE = %v", pu)
	}
	if sys := decode[gateway.Message](t, c.expectDispatch("MESSAGE_CREATE").D); sys.Type != 6 || sys.MessageReference == nil {
		t.Fatalf("pin system message = %+v", sys)
	}
	var pins []gateway.Message
	api(t, ts, "GET", channelPath(GeneralChannelID, "/pins"), "", &pins)
	var pinsNew struct {
		Items []struct {
			PinnedAt string          `json:"pinned_at"`
			Message  gateway.Message `json:"message"`
		} `json:"items"`
		HasMore bool `json:"has_more"`
	}
	api(t, ts, "GET", channelPath(GeneralChannelID, "/messages/pins"), "", &pinsNew)
	if len(pins) != 1 || !pins[0].Pinned || len(pinsNew.Items) != 1 || pinsNew.Items[0].PinnedAt == "" {
		t.Fatalf("pins = %+v / %+v", pins, pinsNew)
	}
	api(t, ts, "DELETE", channelPath(GeneralChannelID, "/messages/pins/"+m.ID.String()), "", nil)
	if pu := decode[map[string]any](t, c.expectDispatch("CHANNEL_PINS_UPDATE").D); pu["last_pin_timestamp"] != nil {
		t.Fatalf("after unpin = %v", pu)
	}

	if resp, _ := api(t, ts, "POST", channelPath(BotCommandsID, "/typing"), "", nil); resp.StatusCode != 204 {
		t.Fatalf("typing = %d", resp.StatusCode)
	}
	if ty := decode[map[string]any](t, c.expectDispatch("TYPING_START").D); ty["user_id"] != BotID.String() || ty["channel_id"] != BotCommandsID.String() {
		t.Fatalf("TYPING_START = %v", ty)
	}
}

// A deleted channel takes its messages and their reactions with it.
func TestRESTDeletedChannelForgetsItsMessages(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	var ch gateway.Channel
	api(t, ts, "POST", guildPath(GuildID, "/channels"), `{"name":"temp"}`, &ch)
	var m gateway.Message
	api(t, ts, "POST", channelPath(ch.ID, "/messages"), `{"content":"soon gone"}`, &m)
	api(t, ts, "PUT", channelPath(ch.ID, "/messages/"+m.ID.String()+"/reactions/"+url.PathEscape("👍")+"/@me"), "", nil)
	api(t, ts, "DELETE", channelPath(ch.ID, ""), "", nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.world.messages[ch.ID]) != 0 || len(s.world.reactors) != 0 {
		t.Fatalf("left behind: %d messages, %d reaction lists", len(s.world.messages[ch.ID]), len(s.world.reactors))
	}
}
