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

// slashExchange is a conversation with a lesson's bot through its
// application commands: when the bot's code matches trigger, ada plays the
// moves through the actor API, as Discord's client would, and after each the
// bot's message must read as the move says.
type slashExchange struct {
	command string // what the bot must have registered first
	trigger *regexp.Regexp
	moves   []move
}

// move is one thing ada does: use a command, press a button or pick from a
// select (a component, on the message the previous move left), or submit
// the modal the bot opened. The bot must answer with callback type answer
// and leave its message reading content.
type move struct {
	request map[string]any
	answer  int
	content string
}

var slashExchanges = []slashExchange{
	{"hello", regexp.MustCompile(`"wave"`), []move{
		{map[string]any{"type": "command", "name": "hello"}, 4, "Hello, ada!"},
		{map[string]any{"type": "component", "custom_id": "wave"}, 7, "ada waved back!"},
	}},
	{"pick", regexp.MustCompile(`"why-modal:`), []move{
		{map[string]any{"type": "command", "name": "pick"}, 4, "Pick a colour"},
		{map[string]any{"type": "component", "custom_id": "colour", "values": []string{"green"}}, 7, "ada picked green"},
		{map[string]any{"type": "component", "custom_id": "why:green"}, 9, "ada picked green"},
		{map[string]any{"type": "modal", "custom_id": "why-modal:green", "fields": map[string]string{"reason": "it is calm"}}, 7, "ada picked green: it is calm"},
	}},
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

// registersCommands spots a bot that registers application commands, in
// any of the three libraries.
var registersCommands = regexp.MustCompile(`app_commands\.CommandTree|ApplicationCommandBulkOverwrite|ApplicationCommandCreate|commands\.set\(|commands\.create\(`)

// runSlashExchanges plays every slash exchange the bot's code matches and
// says how many it played. A bot that registers commands must match one:
// otherwise nothing would check that its commands work.
func runSlashExchanges(t *testing.T, bot sample, out *logged, base string) int {
	played := 0
	defer func() {
		if played == 0 && registersCommands.MatchString(bot.Code) {
			t.Errorf("%s: the bot registers application commands, but no slash exchange of samplebots_slash_test.go matches it", bot.where())
		}
	}()
	for _, ex := range slashExchanges {
		if !ex.trigger.MatchString(bot.Code) {
			continue
		}
		played++
		waitUntil(t, out, "the bot to register /"+ex.command, func() bool { return registered(t, base, ex.command) })
		message := ""
		for _, mv := range ex.moves {
			res := play(t, base, mv, message)
			if typ, _ := dig(res, "response", "type").(float64); int(typ) != mv.answer {
				t.Fatalf("%s: %v got %v, want a callback of type %d", bot.where(), mv.request, res, mv.answer)
			}
			if mv.answer == 9 { // a modal changes no message; the one it came from stays
				continue
			}
			if got := field(res, "response", "message", "content"); got != mv.content {
				t.Fatalf("%s: after %v the message reads %q, want %q", bot.where(), mv.request, got, mv.content)
			}
			message = field(res, "response", "message", "id")
		}
	}
	return played
}

// play makes one move on message. A library files a message's components
// once Discord has answered its callback, a moment after the message
// exists; a person takes longer than that to click, so a move that found
// no handler yet is tried again.
func play(t *testing.T, base string, mv move, message string) map[string]any {
	t.Helper()
	req := map[string]any{}
	for k, v := range mv.request {
		req[k] = v
	}
	if req["type"] == "component" {
		req["message_id"] = message
	}
	var res map[string]any
	for try := 0; try < 3; try++ {
		if req["type"] != "command" {
			time.Sleep(200 * time.Millisecond)
		}
		res = actorCall(t, base, http.MethodPost, "/interactions", req)
		if field(res, "error") == "" {
			break
		}
	}
	return res
}

// dig walks a decoded JSON object by keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}
