package sandbox

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkAgainstSpec sends a request and checks the answer against the
// response schema Discord publishes for template, method and status.
func checkAgainstSpec(t *testing.T, doc *openapi3.T, template, method, url, body string) {
	t.Helper()
	resp, raw := rawCall(t, method, url, body)
	schema := responseSchema(doc, template, method, resp.StatusCode)
	if schema == nil {
		t.Errorf("%s %s → %d: Discord documents no JSON schema for that status (body %s)", method, template, resp.StatusCode, raw)
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Errorf("%s %s: not JSON: %q", method, template, raw)
		return
	}
	if err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s %s → %d does not match Discord's schema:\n%v\nbody: %.600s", method, template, resp.StatusCode, err, raw)
	}
}

// TestCommandAndInteractionShapesMatchDiscordsSpec checks the sandbox's
// command, callback and webhook answers against Discord's OpenAPI schemas.
func TestCommandAndInteractionShapesMatchDiscordsSpec(t *testing.T) {
	if _, err := os.Stat(discordOpenAPI); err != nil {
		t.Skipf("Discord's OpenAPI description is not at %s (%v): the schema check needs it", discordOpenAPI, err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(discordOpenAPI)
	if err != nil {
		t.Fatalf("loading Discord's OpenAPI description: %v", err)
	}
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	app := "/applications/{application_id}"
	checkAgainstSpec(t, doc, app+"/commands", "PUT", commandsURL(ts.URL), "["+pingCommand+"]")
	checkAgainstSpec(t, doc, app+"/commands", "GET", commandsURL(ts.URL), "")
	checkAgainstSpec(t, doc, app+"/guilds/{guild_id}/commands", "POST", guildCommandsURL(ts.URL), `{"name":"echo","description":"Echo","options":[{"type":4,"name":"n","description":"A number","choices":[{"name":"one","value":1}]}]}`)

	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	checkAgainstSpec(t, doc, "/interactions/{interaction_id}/{interaction_token}/callback", "POST",
		ts.URL+"/api/v10/interactions/"+id+"/"+token+"/callback?with_response=true", `{"type":4,"data":{"content":"hi <@`+grace+`>"}}`)
	<-done
	hook := "/webhooks/{webhook_id}/{webhook_token}"
	checkAgainstSpec(t, doc, hook, "POST", webhookURL(ts, token, "?wait=true"), `{"content":"follow-up"}`)
	checkAgainstSpec(t, doc, hook+"/messages/@original", "GET", webhookURL(ts, token, "/messages/@original"), "")
	checkAgainstSpec(t, doc, hook+"/messages/@original", "PATCH", webhookURL(ts, token, "/messages/@original"), `{"content":"edited"}`)
}
