package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

const openAPIPath = "../../../shared/ref/discord-openapi.json"

var (
	openAPIOnce sync.Once
	openAPIDoc  *openapi3.T
	openAPIErr  error
)

// discordSpec is Discord's published OpenAPI description, loaded once.
func discordSpec(t *testing.T) *openapi3.T {
	t.Helper()
	if _, err := os.Stat(openAPIPath); err != nil {
		t.Skipf("Discord's OpenAPI description is not at %s: %v", openAPIPath, err)
	}
	openAPIOnce.Do(func() {
		loader := openapi3.NewLoader()
		openAPIDoc, openAPIErr = loader.LoadFromFile(openAPIPath)
	})
	if openAPIErr != nil {
		t.Fatalf("loading %s: %v", openAPIPath, openAPIErr)
	}
	return openAPIDoc
}

// checkAgainstSpec sends a request and validates the answer's body against
// the response schema Discord publishes for template and status.
func checkAgainstSpec(t *testing.T, doc *openapi3.T, template, method, url, body string) []byte {
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
	item := doc.Paths.Find(template)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("the spec has no %s %s", method, template)
	}
	route := &routers.Route{Spec: doc, Path: template, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: &openapi3filter.Options{IncludeResponseStatus: true}},
		Status:                 resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(raw)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not match Discord's schema: %v\nbody: %s", method, template, resp.StatusCode, err, raw)
	}
	return raw
}

// TestCommandAndInteractionShapesMatchDiscordsSpec checks the sandbox's
// command, callback and webhook answers against Discord's OpenAPI schemas.
func TestCommandAndInteractionShapesMatchDiscordsSpec(t *testing.T) {
	doc := discordSpec(t)
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	app := "/applications/{application_id}"
	checkAgainstSpec(t, doc, app+"/commands", "PUT", commandsURL(ts.URL), "["+pingCommand+"]")
	checkAgainstSpec(t, doc, app+"/commands", "GET", commandsURL(ts.URL), "")
	checkAgainstSpec(t, doc, app+"/guilds/{guild_id}/commands", "POST", guildCommandsURL(ts.URL), `{"name":"echo","description":"Echo","options":[{"type":4,"name":"n","description":"A number","choices":[{"name":"one","value":1}]}]}`)

	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	checkAgainstSpec(t, doc, "/interactions/{interaction_id}/{interaction_token}/callback", "POST",
		ts.URL+"/api/v10/interactions/"+id+"/"+token+"/callback?with_response=true", `{"type":4,"data":{"content":"hi"}}`)
	<-done
	hook := "/webhooks/{webhook_id}/{webhook_token}"
	checkAgainstSpec(t, doc, hook, "POST", webhookURL(ts, token, "?wait=true"), `{"content":"follow-up"}`)
	checkAgainstSpec(t, doc, hook+"/messages/@original", "GET", webhookURL(ts, token, "/messages/@original"), "")
	checkAgainstSpec(t, doc, hook+"/messages/@original", "PATCH", webhookURL(ts, token, "/messages/@original"), `{"content":"edited"}`)
}
