package lessons

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// slashExchange is a slash command a lesson's bot registers: when its code
// matches trigger, ada uses /command through the actor API, as Discord's
// client would, and the bot's reply must read reply; then she clicks the
// button custom_id and the bot must update the message to read clicked.
type slashExchange struct {
	trigger  *regexp.Regexp
	command  string
	reply    string
	customID string
	clicked  string
}

var slashExchanges = []slashExchange{
	{regexp.MustCompile(`"wave"`), "hello", "Hello, ada!", "wave", "ada waved back!"},
}

// actorCall is one request to the sandbox's actor API and its JSON answer.
func actorCall(t *testing.T, base, method, path string, body any) map[string]any {
	t.Helper()
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		in = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+"/sandbox"+path, in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s answered %d, not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return out
}

// registered says whether the bot has registered name, globally or in a guild.
func registered(t *testing.T, base, name string) bool {
	t.Helper()
	var view struct {
		Global []struct{ Name string }            `json:"global"`
		Guilds map[string][]struct{ Name string } `json:"guilds"`
	}
	raw, _ := json.Marshal(actorCall(t, base, http.MethodGet, "/commands", nil))
	_ = json.Unmarshal(raw, &view)
	lists := [][]struct{ Name string }{view.Global}
	for _, l := range view.Guilds {
		lists = append(lists, l)
	}
	for _, l := range lists {
		for _, c := range l {
			if c.Name == name {
				return true
			}
		}
	}
	return false
}

// field digs a string out of a decoded JSON object by keys.
func field(v any, keys ...string) string {
	s, _ := dig(v, keys...).(string)
	return s
}

// runSlashExchanges plays every slash exchange the bot's code matches and
// says how many it played.
func runSlashExchanges(t *testing.T, bot sample, out *logged, base string) int {
	played := 0
	for _, ex := range slashExchanges {
		if !ex.trigger.MatchString(bot.Code) {
			continue
		}
		played++
		waitUntil(t, out, "the bot to register /"+ex.command, func() bool { return registered(t, base, ex.command) })
		res := actorCall(t, base, http.MethodPost, "/interactions", map[string]any{"type": "command", "name": ex.command})
		if got := field(res, "response", "message", "content"); got != ex.reply {
			t.Fatalf("%s: /%s got the reply %q, want %q; the actor API answered %v", bot.where(), ex.command, got, ex.reply, res)
		}
		msgID := field(res, "response", "message", "id")
		// A library files a message's buttons once Discord has answered
		// its callback, a moment after the reply exists; a person takes
		// longer than that to click, so a click that found no handler yet
		// is tried again.
		var click map[string]any
		for try := 0; try < 3; try++ {
			time.Sleep(200 * time.Millisecond)
			click = actorCall(t, base, http.MethodPost, "/interactions", map[string]any{"type": "component", "message_id": msgID, "custom_id": ex.customID})
			if field(click, "error") == "" {
				break
			}
		}
		if typ, _ := dig(click, "response", "type").(float64); typ != 7 {
			t.Fatalf("%s: clicking %q got %v, want an update-message callback (type 7)", bot.where(), ex.customID, click)
		}
		if got := field(click, "response", "message", "content"); got != ex.clicked {
			t.Fatalf("%s: after the click the message reads %q, want %q", bot.where(), got, ex.clicked)
		}
	}
	return played
}

// dig walks a decoded JSON object by keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}
