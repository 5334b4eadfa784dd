package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func commandsURL(base string) string {
	return base + "/api/v10/applications/" + ApplicationID.String() + "/commands"
}

func guildCommandsURL(base string) string {
	return base + "/api/v10/applications/" + ApplicationID.String() + "/guilds/" + GuildID.String() + "/commands"
}

// rawCall makes one bot-authorized request to an absolute URL and returns
// the status and the raw body.
func rawCall(t *testing.T, method, url, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", botAuth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// callList is rawCall for an endpoint that answers a JSON array; an error
// object comes back as the third result.
func callList(t *testing.T, method, url, body string) (int, []map[string]any, map[string]any) {
	t.Helper()
	resp, raw := rawCall(t, method, url, body)
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		var obj map[string]any
		_ = json.Unmarshal(raw, &obj)
		return resp.StatusCode, nil, obj
	}
	return resp.StatusCode, list, nil
}

// fieldErrorAt digs the _errors code at a dotted path out of a 50035 body.
func fieldErrorAt(body map[string]any, path string) string {
	node, _ := body["errors"].(map[string]any)
	for _, seg := range strings.Split(path, ".") {
		node, _ = node[seg].(map[string]any)
	}
	list, _ := node["_errors"].([]any)
	if len(list) == 0 {
		return ""
	}
	first, _ := list[0].(map[string]any)
	code, _ := first["code"].(string)
	return code
}

const pingCommand = `{"name":"ping","description":"Answers pong","options":[{"type":3,"name":"word","description":"A word","required":true},{"type":4,"name":"times","description":"How often","min_value":1,"max_value":5}]}`

func TestCommandsBulkOverwriteListGetEditDelete(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	status, list, _ := callList(t, "PUT", commandsURL(ts.URL), "["+pingCommand+`,{"type":2,"name":"High Five","description":""}]`)
	if status != 200 || len(list) != 2 {
		t.Fatalf("PUT = %d %v", status, list)
	}
	ping := list[0]
	if ping["application_id"] != ApplicationID.String() || ping["id"] == nil || ping["version"] == nil || ping["type"].(float64) != 1 {
		t.Fatalf("stored command = %v", ping)
	}
	// A second sync keeps the ids of commands that are still there.
	_, again, _ := callList(t, "PUT", commandsURL(ts.URL), "["+pingCommand+"]")
	if len(again) != 1 || again[0]["id"] != ping["id"] {
		t.Fatalf("re-sync = %v, want ping with id %v", again, ping["id"])
	}
	if got := s.Commands().Global; len(got) != 1 || got[0].Name != "ping" {
		t.Fatalf("Commands().Global = %+v", got)
	}
	id := ping["id"].(string)
	resp, got := call(t, "GET", commandsURL(ts.URL)+"/"+id, botAuth, "")
	if resp.StatusCode != 200 || got["name"] != "ping" {
		t.Fatalf("GET = %d %v", resp.StatusCode, got)
	}
	resp, got = call(t, "PATCH", commandsURL(ts.URL)+"/"+id, botAuth, `{"description":"Pong, edited"}`)
	if resp.StatusCode != 200 || got["description"] != "Pong, edited" || got["name"] != "ping" || got["version"] == ping["version"] {
		t.Fatalf("PATCH = %d %v", resp.StatusCode, got)
	}
	// POST with a taken name replaces (200); a new name is created (201).
	resp, got = call(t, "POST", commandsURL(ts.URL), botAuth, pingCommand)
	if resp.StatusCode != 200 || got["id"] != id {
		t.Fatalf("POST same name = %d %v", resp.StatusCode, got)
	}
	resp, _ = call(t, "POST", guildCommandsURL(ts.URL), botAuth, `{"name":"echo","description":"Echo"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("POST guild command = %d", resp.StatusCode)
	}
	if g := s.Commands().Guilds[GuildID]; len(g) != 1 || g[0].GuildID == nil || *g[0].GuildID != GuildID {
		t.Fatalf("guild commands = %+v", g)
	}
	guildCmd := s.Commands().Guilds[GuildID][0].ID.String()
	resp, got = call(t, "GET", guildCommandsURL(ts.URL)+"/"+guildCmd+"/permissions", botAuth, "")
	if resp.StatusCode != 404 || got["code"] != 10066.0 {
		t.Fatalf("a command's permissions = %d %v, want 404 10066 (none set)", resp.StatusCode, got)
	}
	resp, _ = call(t, "DELETE", commandsURL(ts.URL)+"/"+id, botAuth, "")
	if resp.StatusCode != 204 {
		t.Fatalf("DELETE = %d", resp.StatusCode)
	}
	resp, got = call(t, "GET", commandsURL(ts.URL)+"/"+id, botAuth, "")
	if resp.StatusCode != 404 || got["code"].(float64) != 10063 {
		t.Fatalf("GET deleted = %d %v, want 10063", resp.StatusCode, got)
	}
}

func TestCommandsValidateAsDiscordDoes(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	many := make([]string, 26)
	for i := range many {
		many[i] = fmt.Sprintf(`{"type":3,"name":"o%d","description":"d"}`, i)
	}
	cases := []struct{ body, path, code string }{
		{`{"name":"Ping","description":"x"}`, "name", "APPLICATION_COMMAND_INVALID_NAME"},
		{`{"name":"has space","description":"x"}`, "name", "APPLICATION_COMMAND_INVALID_NAME"},
		{`{"name":"ping","description":""}`, "description", "BASE_TYPE_BAD_LENGTH"},
		{`{"name":"ping","description":"` + strings.Repeat("d", 101) + `"}`, "description", "BASE_TYPE_BAD_LENGTH"},
		{`{"description":"x"}`, "name", "BASE_TYPE_REQUIRED"},
		{`{"name":"ping","description":"x","options":[` + strings.Join(many, ",") + `]}`, "options", "BASE_TYPE_MAX_LENGTH"},
		{`{"name":"ping","description":"x","options":[{"type":3,"name":"a","description":"d"},{"type":3,"name":"b","description":"d","required":true}]}`, "options.1", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"},
		{`{"name":"ping","description":"x","options":[{"type":5,"name":"a","description":"d","choices":[{"name":"y","value":"y"}]}]}`, "options.0.choices", "APPLICATION_COMMAND_OPTION_CHOICES_INVALID"},
		{`{"name":"ping","description":"x","options":[{"type":4,"name":"a","description":"d","choices":[{"name":"y","value":"y"}]}]}`, "options.0.choices.0.value", "NUMBER_TYPE_COERCE"},
		{`{"name":"ping","description":"x","options":[{"type":12,"name":"a","description":"d"}]}`, "options.0.type", "BASE_TYPE_CHOICES"},
		{`{"name":"ping","description":"x","options":[{"type":3,"name":"a","description":"d","autocomplete":true,"choices":[{"name":"y","value":"y"}]}]}`, "options.0.autocomplete", "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES"},
		{`{"type":2,"name":"User Info","description":"not allowed"}`, "description", "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION"},
		{`{"name":5,"description":"x"}`, "name", "MODEL_TYPE_CONVERT"},
	}
	for _, tc := range cases {
		resp, body := call(t, "POST", commandsURL(ts.URL), botAuth, tc.body)
		if resp.StatusCode != 400 || body["code"] != float64(50035) || fieldErrorAt(body, tc.path) != tc.code {
			t.Errorf("POST %s = %d %v, want 50035 with %s at %s", tc.body, resp.StatusCode, body, tc.code, tc.path)
		}
	}
	// A bulk overwrite names the command's index, and one bad command keeps the old list.
	_, _, _ = callList(t, "PUT", commandsURL(ts.URL), "["+pingCommand+"]")
	resp, body := call(t, "PUT", commandsURL(ts.URL), botAuth, `[{"name":"a","description":"x"},{"name":"a","description":"y"},{"name":"B","description":"z"}]`)
	if resp.StatusCode != 400 || fieldErrorAt(body, "1.name") != "APPLICATION_COMMANDS_DUPLICATE_NAME" || fieldErrorAt(body, "2.name") != "APPLICATION_COMMAND_INVALID_NAME" {
		t.Fatalf("bad PUT = %d %v", resp.StatusCode, body)
	}
	if _, list, _ := callList(t, "GET", commandsURL(ts.URL), ""); len(list) != 1 || list[0]["name"] != "ping" {
		t.Fatalf("after a refused PUT the list is %v, want the old one", list)
	}
}

func TestCommandsRefuseOtherApplicationsAndGuilds(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	resp, body := call(t, "GET", ts.URL+"/api/v10/applications/1234567890123456789/commands", botAuth, "")
	if resp.StatusCode != 403 || body["code"] != float64(50001) {
		t.Fatalf("other app = %d %v, want 403 50001", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", ts.URL+"/api/v10/applications/"+ApplicationID.String()+"/guilds/1234567890123456789/commands", botAuth, "")
	if resp.StatusCode != 404 || body["code"] != float64(10004) {
		t.Fatalf("unknown guild = %d %v, want 404 10004", resp.StatusCode, body)
	}
	resp, _ = call(t, "GET", commandsURL(ts.URL), "", "")
	if resp.StatusCode != 401 {
		t.Fatalf("no token = %d, want 401", resp.StatusCode)
	}
}
