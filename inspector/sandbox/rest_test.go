package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// call makes one REST request and decodes a JSON answer into a map.
func call(t *testing.T, method, url, auth, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, url, raw, err)
		}
	}
	return resp, m
}

const botAuth = "Bot " + Token

func checkRateHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("%s %s: no %s header", resp.Request.Method, resp.Request.URL.Path, h)
		}
	}
}

func TestRESTGatewayURLFollowsTheRequestHost(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for _, version := range []string{"/api/v10", "/api/v9", "/api"} {
		resp, body := call(t, "GET", ts.URL+version+"/gateway", "", "")
		if resp.StatusCode != 200 || body["url"] != wsURL(ts) {
			t.Fatalf("%s/gateway = %d %v, want %s", version, resp.StatusCode, body, wsURL(ts))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type = %q, want exactly application/json", ct)
		}
		checkRateHeaders(t, resp)
	}
	// Mounted under a prefix inside another server, the URL keeps the prefix.
	s := New(testConfig())
	defer s.Close()
	mux := http.NewServeMux()
	mux.Handle("/sandbox-mount/", http.StripPrefix("/sandbox-mount", s.Handler()))
	outer := httptest.NewServer(mux)
	defer outer.Close()
	_, body := call(t, "GET", outer.URL+"/sandbox-mount/api/v10/gateway", "", "")
	if want := "ws" + strings.TrimPrefix(outer.URL, "http") + "/sandbox-mount/gateway"; body["url"] != want {
		t.Fatalf("mounted url = %v, want %s", body["url"], want)
	}
}

func TestRESTGatewayBotCountsSessionStarts(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	_, before := call(t, "GET", ts.URL+"/api/v10/gateway/bot", botAuth, "")
	login(t, ts, gateway.IntentGuilds)
	_, after := call(t, "GET", ts.URL+"/api/v10/gateway/bot", botAuth, "")
	limitBefore := before["session_start_limit"].(map[string]any)
	limitAfter := after["session_start_limit"].(map[string]any)
	if limitBefore["total"] != 1000.0 || limitBefore["max_concurrency"] != 1.0 || limitBefore["reset_after"].(float64) <= 0 {
		t.Fatalf("session_start_limit = %v", limitBefore)
	}
	if limitAfter["remaining"].(float64) != limitBefore["remaining"].(float64)-1 {
		t.Fatalf("remaining went %v → %v after one Identify", limitBefore["remaining"], limitAfter["remaining"])
	}
	if after["url"] != wsURL(ts) || after["shards"] != 1.0 {
		t.Fatalf("gateway/bot = %v", after)
	}
}

func TestRESTAuth(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for _, auth := range []string{"", "Bot wrong", Token /* a bot token needs the Bot prefix */} {
		resp, body := call(t, "GET", ts.URL+"/api/v10/users/@me", auth, "")
		if resp.StatusCode != 401 || body["message"] != "401: Unauthorized" || body["code"] != 0.0 {
			t.Fatalf("auth %q: %d %v", auth, resp.StatusCode, body)
		}
		checkRateHeaders(t, resp)
	}
	resp, me := call(t, "GET", ts.URL+"/api/v10/users/@me", botAuth, "")
	if resp.StatusCode != 200 || me["id"] != BotID.String() || me["bot"] != true {
		t.Fatalf("users/@me = %d %v", resp.StatusCode, me)
	}
	for _, key := range []string{"username", "discriminator", "avatar"} {
		if _, ok := me[key]; !ok {
			t.Errorf("users/@me lacks %q", key)
		}
	}
}

func TestRESTApplication(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for _, path := range []string{"/api/v10/oauth2/applications/@me", "/api/v10/applications/@me"} {
		resp, app := call(t, "GET", ts.URL+path, botAuth, "")
		if resp.StatusCode != 200 || app["id"] != ApplicationID.String() {
			t.Fatalf("%s = %d %v", path, resp.StatusCode, app)
		}
		// discord.py indexes these keys directly.
		for _, key := range []string{"id", "name", "description", "icon", "rpc_origins", "bot_public", "bot_require_code_grant", "owner", "verify_key", "flags", "team", "bot"} {
			if _, ok := app[key]; !ok {
				t.Errorf("%s lacks %q", path, key)
			}
		}
	}
}

func TestRESTNotFound(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	resp, body := call(t, "GET", ts.URL+"/api/v10/nowhere", botAuth, "")
	if resp.StatusCode != 404 || body["message"] != "404: Not Found" || body["code"] != 0.0 {
		t.Fatalf("unknown route = %d %v", resp.StatusCode, body)
	}
	checkRateHeaders(t, resp)
	resp, body = call(t, "GET", ts.URL+"/api/v10/channels/123", botAuth, "")
	if resp.StatusCode != 404 || body["message"] != "Unknown Channel" || body["code"] != 10003.0 {
		t.Fatalf("unknown channel = %d %v", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", ts.URL+"/api/v10/channels/"+GeneralChannelID.String(), botAuth, "")
	if resp.StatusCode != 200 || body["name"] != "general" || body["guild_id"] != GuildID.String() {
		t.Fatalf("GET channel = %d %v", resp.StatusCode, body)
	}
}

func TestRESTCreateMessage(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	url := ts.URL + "/api/v9/channels/" + GeneralChannelID.String() + "/messages"
	// discordgo's body, null arrays and all.
	resp, msg := call(t, "POST", url, botAuth, `{"content":"hi","embeds":null,"tts":false,"components":null,"sticker_ids":null,"nonce":"n-1"}`)
	if resp.StatusCode != 200 || msg["content"] != "hi" || msg["nonce"] != "n-1" || msg["guild_id"] != GuildID.String() {
		t.Fatalf("create = %d %v", resp.StatusCode, msg)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	if author := msg["author"].(map[string]any); author["id"] != BotID.String() {
		t.Fatalf("author = %v", author)
	}
	if got := s.Messages(GeneralChannelID); len(got) != 1 || got[0].Content != "hi" {
		t.Fatalf("stored = %+v", got)
	}
	resp, body := call(t, "POST", url, botAuth, `{"content":"","embeds":null}`)
	if resp.StatusCode != 400 || body["code"] != 50006.0 {
		t.Fatalf("empty = %d %v", resp.StatusCode, body)
	}
	resp, body = call(t, "POST", url, botAuth, `{"content":"`+strings.Repeat("x", 2001)+`"}`)
	if resp.StatusCode != 400 || body["code"] != 50035.0 {
		t.Fatalf("too long = %d %v", resp.StatusCode, body)
	}
	resp, body = call(t, "POST", ts.URL+"/api/v10/channels/42/messages", botAuth, `{"content":"x"}`)
	if resp.StatusCode != 404 || body["code"] != 10003.0 {
		t.Fatalf("unknown channel = %d %v", resp.StatusCode, body)
	}
	// A callback for an interaction that never happened is Unknown interaction.
	resp, body = call(t, "POST", ts.URL+"/api/v10/interactions/1/tok/callback", "", `{"type":4,"data":{"content":"ok"}}`)
	if resp.StatusCode != 404 || body["code"] != 10062.0 {
		t.Fatalf("interaction callback = %d %v, want 404 10062", resp.StatusCode, body)
	}
}

func TestRESTMessageDispatchedToTheSenderToo(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages)
	call(t, "POST", ts.URL+"/api/v10/channels/"+GeneralChannelID.String()+"/messages", botAuth, `{"content":"from the bot","nonce":42}`)
	m := decode[gateway.Message](t, c.expectDispatch("MESSAGE_CREATE").D)
	// The bot's own message keeps its content without MESSAGE_CONTENT.
	if m.Content != "from the bot" || string(m.Nonce) != "42" || m.Author.ID != BotID {
		t.Fatalf("MESSAGE_CREATE = %+v", m)
	}
}

func TestREST429WhenPostingTooFast(t *testing.T) {
	clock := newTestClock() // frozen: the bucket cannot refill mid-test
	cfg := testConfig()
	cfg.Now = clock.Now
	_, ts := startSandbox(t, cfg)
	url := ts.URL + "/api/v10/channels/" + GeneralChannelID.String() + "/messages"
	for i := 0; i < messageLimit; i++ {
		resp, _ := call(t, "POST", url, botAuth, `{"content":"spam `+strconv.Itoa(i)+`"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("post %d = %d", i, resp.StatusCode)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(messageLimit-1-i) {
			t.Fatalf("post %d: Remaining = %s", i, got)
		}
	}
	resp, body := call(t, "POST", url, botAuth, `{"content":"one too many"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("post %d = %d, want 429", messageLimit, resp.StatusCode)
	}
	for _, h := range []string{"Retry-After", "Via", "X-RateLimit-Scope"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("429 lacks %s", h)
		}
	}
	checkRateHeaders(t, resp)
	if body["message"] != "You are being rate limited." || body["global"] != false || body["retry_after"].(float64) <= 0 {
		t.Fatalf("429 body = %v", body)
	}
	// Another channel has its own bucket.
	resp, _ = call(t, "POST", ts.URL+"/api/v10/channels/"+BotCommandsID.String()+"/messages", botAuth, `{"content":"elsewhere"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("other channel = %d", resp.StatusCode)
	}
	clock.Advance(messageWindow)
	resp, _ = call(t, "POST", url, botAuth, `{"content":"after the reset"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("after reset = %d", resp.StatusCode)
	}
}

func TestRESTListMessagesAndWrongMethod(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "first")
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "second")
	req, _ := http.NewRequest("GET", ts.URL+"/api/v10/channels/"+GeneralChannelID.String()+"/messages", nil)
	req.Header.Set("Authorization", botAuth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []gateway.Message
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Content != "second" || list[1].Content != "first" {
		t.Fatalf("messages (newest first) = %+v", list)
	}
	resp2, body := call(t, "DELETE", ts.URL+"/api/v10/users/@me", botAuth, "")
	if resp2.StatusCode != http.StatusMethodNotAllowed || body["message"] != "405: Method Not Allowed" {
		t.Fatalf("DELETE users/@me = %d %v", resp2.StatusCode, body)
	}
	checkRateHeaders(t, resp2)
}
