package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

func controlRequest(t *testing.T, method, url, origin, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestControlPostsAsAMember(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	resp := controlRequest(t, "POST", ts.URL+"/sandbox/messages", ts.URL, `{"channel_id":"`+BotCommandsID.String()+`","content":"!hello"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	m := decode[gateway.Message](t, c.expectDispatch("MESSAGE_CREATE").D)
	if m.Author.ID != DefaultMemberID || m.Content != "!hello" || m.ChannelID != BotCommandsID {
		t.Fatalf("MESSAGE_CREATE = %+v", m)
	}
	grace := "1315649146060931072"
	resp = controlRequest(t, "POST", ts.URL+"/sandbox/messages", "", `{"channel_id":"`+GeneralChannelID.String()+`","author_id":"`+grace+`","content":"hi"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if m := s.Messages(GeneralChannelID); len(m) != 1 || m[0].Author.ID.String() != grace {
		t.Fatalf("stored = %+v", m)
	}
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/messages", "", `{"channel_id":"1","content":"x"}`); resp.StatusCode != 404 {
		t.Fatalf("unknown channel: %d", resp.StatusCode)
	}
}

func TestControlRejectsForeignOrigins(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	for _, origin := range []string{"http://evil.example", "null", "http://127.0.0.1:1"} {
		resp := controlRequest(t, "POST", ts.URL+"/sandbox/messages", origin, `{"content":"x"}`)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: status %d, want 403", origin, resp.StatusCode)
		}
		if resp := controlRequest(t, "GET", ts.URL+"/sandbox/connections", origin, ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: GET connections %d, want 403", origin, resp.StatusCode)
		}
	}
	if len(s.Messages(GeneralChannelID)) != 0 {
		t.Fatal("a cross-origin request posted a message")
	}
}

func TestControlConnections(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	c, ready := login(t, ts, gateway.IntentGuilds)
	resp := controlRequest(t, "GET", ts.URL+"/sandbox/connections", "", "")
	var conns []ConnInfo
	if err := json.NewDecoder(resp.Body).Decode(&conns); err != nil {
		t.Fatal(err)
	}
	if len(conns) != 1 || conns[0].SessionID != ready.SessionID || conns[0].Peer != "sandbox-test" {
		t.Fatalf("connections = %+v", conns)
	}
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/"+conns[0].ID+"/reconnect", "", ""); resp.StatusCode != 204 {
		t.Fatalf("reconnect: %d", resp.StatusCode)
	}
	c.expect(gateway.OpReconnect, "")
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/"+conns[0].ID+"/invalidate", "", `{"resumable":true}`); resp.StatusCode != 204 {
		t.Fatalf("invalidate: %d", resp.StatusCode)
	}
	if p := c.expect(gateway.OpInvalidSession, ""); string(p.D) != "true" {
		t.Fatalf("op 9 d = %s", p.D)
	}
	if resp := controlRequest(t, "POST", ts.URL+"/sandbox/connections/nope/reconnect", "", ""); resp.StatusCode != 404 {
		t.Fatalf("unknown conn: %d", resp.StatusCode)
	}
}

func TestRecipePointsAtTheSandbox(t *testing.T) {
	r := Recipe("http://127.0.0.1:8080/")
	for _, want := range []string{
		`discord.http.Route.BASE = "http://127.0.0.1:8080/api/v10"`,
		`DEFAULT_GATEWAY = yarl.URL("ws://127.0.0.1:8080/gateway")`,
		`discordgo.EndpointAPI = "http://127.0.0.1:8080/api/v9/"`,
		`discordgo.EndpointGateway = discordgo.EndpointAPI + "gateway"`,
		Token,
	} {
		if !strings.Contains(r, want) {
			t.Errorf("recipe lacks %s", want)
		}
	}
	if !strings.Contains(Recipe("https://tour.example"), `yarl.URL("wss://tour.example/gateway")`) {
		t.Error("https base should give a wss gateway")
	}
}

func TestControlRecipeUsesTheServersURL(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	resp := controlRequest(t, "GET", ts.URL+"/sandbox/recipe", "", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `Route.BASE = "`+ts.URL+`/api/v10"`) {
		t.Fatalf("recipe = %d\n%s", resp.StatusCode, body)
	}
}
