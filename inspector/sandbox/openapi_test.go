package sandbox

import (
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"gatewaytour/inspector/gateway"
)

// discordOpenAPI is Discord's published OpenAPI description (MIT), kept in
// the shared reference folder rather than in the repository.
const discordOpenAPI = "../../../shared/ref/discord-openapi.json"

// TestRESTAnswersMatchDiscordsSchemas sends a sample of requests and checks
// every answer against the response schema Discord publishes for that route
// and status.
func TestRESTAnswersMatchDiscordsSchemas(t *testing.T) {
	if _, err := os.Stat(discordOpenAPI); err != nil {
		t.Skipf("Discord's OpenAPI description is not at %s (%v): the schema check needs it", discordOpenAPI, err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(discordOpenAPI)
	if err != nil {
		t.Fatalf("loading Discord's OpenAPI description: %v", err)
	}
	s, ts := startSandbox(t, testConfig())
	member, _ := s.Post(GeneralChannelID, DefaultMemberID, "a member's message")
	thumbs := url.PathEscape("👍")
	var posted gateway.Message
	api(t, ts, "POST", channelPath(GeneralChannelID, "/messages"), `{"content":"hi","embeds":[{"title":"t","fields":[{"name":"a","value":"b"}]}]}`, &posted)
	api(t, ts, "PUT", channelPath(GeneralChannelID, "/messages/"+posted.ID.String()+"/reactions/"+thumbs+"/@me"), "", nil)
	api(t, ts, "PUT", channelPath(GeneralChannelID, "/pins/"+posted.ID.String()), "", nil)
	msg := "/messages/" + posted.ID.String()

	samples := []struct{ method, path, body string }{
		{"GET", "/gateway", ""},
		{"GET", "/gateway/bot", ""},
		{"GET", "/users/@me", ""},
		{"GET", "/applications/@me", ""},
		{"GET", channelPath(GeneralChannelID, ""), ""},
		{"GET", channelPath(IntroThreadID, ""), ""},
		{"GET", channelPath(DMChannelID, ""), ""},
		{"POST", channelPath(GeneralChannelID, "/messages"), `{"content":"reply","message_reference":{"message_id":"` + member.ID.String() + `"}}`},
		{"GET", channelPath(GeneralChannelID, msg), ""},
		{"GET", channelPath(GeneralChannelID, "/messages?limit=5"), ""},
		{"PATCH", channelPath(GeneralChannelID, msg), `{"content":"edited"}`},
		{"GET", channelPath(GeneralChannelID, msg+"/reactions/"+thumbs), ""},
		{"GET", channelPath(GeneralChannelID, "/pins"), ""},
		{"GET", channelPath(GeneralChannelID, "/messages/pins"), ""},
		{"POST", guildPath(GuildID, "/channels"), `{"name":"new-channel","topic":"t"}`},
		{"PATCH", channelPath(BotCommandsID, ""), `{"topic":"changed"}`},
		{"POST", channelPath(GeneralChannelID, "/messages/"+member.ID.String()+"/threads"), `{"name":"a thread"}`},
		{"GET", channelPath(IntroThreadID, "/thread-members"), ""},
		{"GET", guildPath(GuildID, "/threads/active"), ""},
		{"GET", guildPath(GuildID, "?with_counts=true"), ""},
		{"GET", guildPath(GuildID, "/channels"), ""},
		{"GET", guildPath(GuildID, "/members/"+DefaultMemberID.String()), ""},
		{"GET", guildPath(GuildID, "/members?limit=10"), ""},
		{"GET", guildPath(GuildID, "/members/search?query=a&limit=5"), ""},
		{"PATCH", guildPath(GuildID, "/members/"+kenID.String()), `{"nick":"Kenny"}`},
		{"GET", guildPath(GuildID, "/roles"), ""},
		{"POST", guildPath(GuildID, "/roles"), `{"name":"Helper"}`},
		{"GET", guildPath(GuildID, "/roles/"+MemberRoleID.String()), ""},
		{"GET", "/users/" + graceID.String(), ""},
		{"GET", "/users/@me/guilds", ""},
		{"POST", "/users/@me/channels", `{"recipient_id":"` + graceID.String() + `"}`},
		{"GET", channelPath(1, ""), ""},
		{"POST", channelPath(GeneralChannelID, "/messages"), `{"content":""}`},
		{"POST", channelPath(GeneralChannelID, "/messages"), `{"embeds":[{"title":"` + strings.Repeat("t", 300) + `"}]}`},
	}
	for _, sm := range samples {
		resp, raw := api(t, ts, sm.method, sm.path, sm.body, nil)
		u, _ := url.Parse(sm.path)
		tpl, _, ok := gateway.LookupDiscordRoute(u.Path)
		if !ok {
			t.Errorf("%s %s is not a Discord route", sm.method, sm.path)
			continue
		}
		schema := responseSchema(doc, tpl, sm.method, resp.StatusCode)
		if schema == nil {
			t.Errorf("%s %s → %d: Discord documents no JSON schema for that status", sm.method, tpl, resp.StatusCode)
			continue
		}
		var body any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("%s %s: not JSON: %q", sm.method, sm.path, raw)
			continue
		}
		// Discord's description types a field error's code as an integer,
		// but Discord sends strings there ("BASE_TYPE_MAX_LENGTH"), as the
		// libraries expect: the 50035 tree is checked by the error tests,
		// the envelope here.
		if m, ok := body.(map[string]any); ok && m["code"] == float64(gateway.ErrInvalidFormBody) {
			delete(m, "errors")
		}
		if err := schema.VisitJSON(body, openapi3.MultiErrors(), openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("%s %s → %d does not match Discord's schema:\n%v\nbody: %.600s", sm.method, tpl, resp.StatusCode, err, raw)
		}
	}
}

// responseSchema is the JSON schema Discord gives for an operation's
// status, falling back to 4XX and default as OpenAPI does.
func responseSchema(doc *openapi3.T, tpl, method string, status int) *openapi3.Schema {
	item := doc.Paths.Find(tpl)
	if item == nil {
		return nil
	}
	op := item.GetOperation(method)
	if op == nil || op.Responses == nil {
		return nil
	}
	for _, key := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX", "default"} {
		r := op.Responses.Value(key)
		if r == nil || r.Value == nil {
			continue
		}
		if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			return mt.Schema.Value
		}
	}
	return nil
}
