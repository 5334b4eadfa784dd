package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCommandsAndInteractions sends arbitrary bodies to the command routes,
// an interaction callback and the actor's interactions. The sandbox must
// never panic, must answer with a status from its documented set and, for
// a refused command, must leave the registered list as it was.
func FuzzCommandsAndInteractions(f *testing.F) {
	f.Add(0, `{"name":"ping","description":"Pong","options":[{"type":3,"name":"a","description":"d","choices":[{"name":"x","value":"y"}]}]}`)
	f.Add(1, `[{"name":"a","description":"x","options":[{"type":1,"name":"s","description":"d","options":[{"type":4,"name":"n","description":"d","min_value":5,"max_value":1}]}]}]`)
	f.Add(2, `{"type":9,"data":{"custom_id":"m","title":"T","components":[{"type":1,"components":[{"type":4,"custom_id":"x","style":1}]}]}}`)
	f.Add(3, `{"type":"command","name":"ping","options":{"a":"y","b":[1,2]}}`)
	f.Add(3, `{"type":"component","message_id":"1","custom_id":"x","values":["1","2"]}`)
	f.Add(0, `{"name":"\u0000","options":null,"default_member_permissions":-1}`)
	s := New(testConfig())
	defer s.Close()
	h := s.Handler()
	do := func(method, path, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", botAuth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	allowed := map[int]bool{200: true, 201: true, 204: true, 400: true, 403: true, 404: true, 413: true, 429: true}
	f.Fuzz(func(t *testing.T, route int, body string) {
		var status int
		switch route % 4 {
		case 0:
			before := len(s.Commands().Global)
			status = do(http.MethodPost, "/api/v10/applications/"+ApplicationID.String()+"/commands", body)
			if status >= 400 && len(s.Commands().Global) != before {
				t.Fatalf("a refused command (%d) changed the list: %q", status, body)
			}
		case 1:
			status = do(http.MethodPut, "/api/v10/applications/"+ApplicationID.String()+"/guilds/"+GuildID.String()+"/commands", body)
		case 2:
			status = do(http.MethodPost, "/api/v10/interactions/1/token/callback", body)
		default:
			status = do(http.MethodPost, "/sandbox/interactions", body)
		}
		if !allowed[status] {
			t.Fatalf("route %d answered %d to %q", route%4, status, body)
		}
	})
}
