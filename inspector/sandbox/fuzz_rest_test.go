package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzREST sends arbitrary methods, paths and bodies to the REST handler.
// It must never panic, and must always answer with a status and either no
// body (204) or a JSON one.
func FuzzREST(f *testing.F) {
	general := "/api/v10/channels/" + GeneralChannelID.String()
	f.Add(uint8(1), general+"/messages", []byte(`{"content":"hi","embeds":[{"title":"t","fields":[{"name":"a","value":"b"}]}]}`))
	f.Add(uint8(2), general+"/messages/1", []byte(`{"content":null,"embeds":[5]}`))
	f.Add(uint8(3), general+"/messages/1/reactions/%F0%9F%91%8D/@me", []byte(``))
	f.Add(uint8(1), "/api/v10/guilds/"+GuildID.String()+"/roles", []byte(`{"permissions":"99999999999999999999"}`))
	f.Add(uint8(2), "/api/v10/guilds/"+GuildID.String()+"/members/1", []byte(`{"roles":["x"],"communication_disabled_until":"never"}`))
	f.Add(uint8(1), general+"/messages/bulk-delete", []byte(`{"messages":"all"}`))
	f.Add(uint8(0), general+"/messages?around=1&limit=-4", []byte(nil))
	f.Add(uint8(1), "/api/v10/users/@me/channels", []byte(`{"recipient_id":[1]}`))
	s := New(testConfig())
	defer s.Close()
	h := s.Handler()
	methods := []string{"GET", "POST", "PATCH", "PUT", "DELETE"}
	f.Fuzz(func(t *testing.T, m uint8, path string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n#") {
			return
		}
		req, err := http.NewRequest(methods[int(m)%len(methods)], "http://127.0.0.1"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", botAuth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == 0 {
			t.Fatalf("no status for %s %s", req.Method, path)
		}
		if rec.Code != http.StatusNoContent && strings.HasPrefix(path, "/api/") && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s → %d, not JSON: %q", req.Method, path, rec.Code, rec.Body.Bytes())
		}
	})
}
