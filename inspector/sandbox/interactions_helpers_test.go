package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// actorResult is one actor API answer.
type actorResult struct {
	status int
	body   map[string]any
}

// act calls the actor API as curl would (no Origin, no token).
func act(t *testing.T, ts *httptest.Server, method, path, body string) actorResult {
	t.Helper()
	resp, m := call(t, method, ts.URL+"/sandbox"+path, "", body)
	return actorResult{resp.StatusCode, m}
}

// interactAsync posts to /sandbox/interactions without blocking the test,
// which must play the bot meanwhile.
func interactAsync(t *testing.T, ts *httptest.Server, body string) <-chan actorResult {
	t.Helper()
	out := make(chan actorResult, 1)
	go func() {
		resp, m, err := callNoFatal("POST", ts.URL+"/sandbox/interactions", body)
		if err != nil {
			t.Error(err)
		}
		out <- actorResult{resp, m}
	}()
	return out
}

// botWithCommands logs a raw client in and registers the test commands in
// the guild.
func botWithCommands(t *testing.T, ts *httptest.Server) *client {
	t.Helper()
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent|gateway.IntentDirectMessages)
	status, list, errBody := callList(t, "PUT", guildCommandsURL(ts.URL), `[
		{"name":"greet","description":"Greets someone","options":[
			{"type":3,"name":"word","description":"What to say","required":true,"min_length":2},
			{"type":6,"name":"who","description":"Whom to greet"},
			{"type":7,"name":"where","description":"Where","channel_types":[0]},
			{"type":8,"name":"role","description":"A role"},
			{"type":4,"name":"times","description":"How often","min_value":1,"max_value":3},
			{"type":3,"name":"mood","description":"Mood","choices":[{"name":"Happy","value":"happy"},{"name":"Calm","value":"calm"}]},
			{"type":3,"name":"city","description":"A city","autocomplete":true}]},
		{"name":"tag","description":"Tags","options":[{"type":1,"name":"add","description":"Add a tag","options":[{"type":3,"name":"text","description":"Text","required":true}]}]}]`)
	if status != 200 || len(list) != 2 {
		t.Fatalf("registering commands = %d %v %v", status, list, errBody)
	}
	return c
}

// callback answers an interaction as the bot would.
func callback(t *testing.T, ts *httptest.Server, id, token, query, body string) (int, map[string]any) {
	t.Helper()
	resp, m := call(t, "POST", ts.URL+"/api/v10/interactions/"+id+"/"+token+"/callback"+query, "", body)
	return resp.StatusCode, m
}

func webhookURL(ts *httptest.Server, token, rest string) string {
	return ts.URL + "/api/v10/webhooks/" + ApplicationID.String() + "/" + token + rest
}

// receivedInteraction reads the next INTERACTION_CREATE.
func receivedInteraction(t *testing.T, c *client) (map[string]any, string, string) {
	t.Helper()
	d := decode[map[string]any](t, c.expectDispatch("INTERACTION_CREATE").D)
	return d, d["id"].(string), d["token"].(string)
}

// nextMessageEvent reads dispatches until a MESSAGE_* one and returns its type and d.
func nextMessageEvent(t *testing.T, c *client) (string, map[string]any) {
	t.Helper()
	for {
		p, ce := c.next()
		if ce != nil {
			t.Fatalf("closed %d", ce.Code)
		}
		if p.Op == gateway.OpDispatch && len(*p.T) > 8 && (*p.T)[:8] == "MESSAGE_" {
			return *p.T, decode[map[string]any](t, p.D)
		}
	}
}

func dig(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// callNoFatal is call for goroutines other than the test's own.
func callNoFatal(method, url, body string) (int, map[string]any, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	err = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, err
}
