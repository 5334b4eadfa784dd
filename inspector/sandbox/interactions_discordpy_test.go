package sandbox

import (
	"fmt"
	"testing"

	"gatewaytour/inspector/gateway"
)

// TestDiscordPySlashCommandButtonAndModal runs testdata/slash_bot.py with
// the real discord.py: tree.sync registers /greet, and the actor API uses
// it, autocompletes an option, clicks the button and submits the modal.
func TestDiscordPySlashCommandButtonAndModal(t *testing.T) {
	needDiscordPy(t)
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(4096)
	defer cancel()
	bot := startPyScript(t, "testdata/slash_bot.py", ts.URL, GuildID.String())
	if line := bot.waitLine(t, "SYNCED"); line != "SYNCED 1 greet" {
		t.Fatalf("bot printed %q", line)
	}
	bot.waitLine(t, "READY")
	cmds := s.Commands().Guilds[GuildID]
	if len(cmds) != 1 || len(cmds[0].Options) != 3 || !cmds[0].Options[0].Required || !cmds[0].Options[2].Autocomplete {
		t.Fatalf("registered = %+v", cmds)
	}

	res := act(t, ts, "POST", "/interactions", `{"type":"autocomplete","name":"greet","options":{"word":"hi","city":"be"},"focused":"city"}`)
	choices, _ := dig(res.body, "response", "data", "choices").([]any)
	if dig(res.body, "response", "type") != 8.0 || len(choices) != 2 || dig(choices[0], "value") != "berlin" {
		t.Fatalf("autocomplete answer = %v\n%s", res.body, bot.stderr.String())
	}
	res = act(t, ts, "POST", "/interactions", `{"type":"command","name":"greet","options":{"word":"Hello","who":"`+grace+`"}}`)
	msg := dig(res.body, "response", "message")
	if res.body["acknowledged"] != true || dig(msg, "content") != "Hello, grace!" || dig(msg, "components") == nil {
		t.Fatalf("command answer = %v\n%s", res.body, bot.stderr.String())
	}
	bot.waitLine(t, "REPLIED") // as a person would, wait for the button to show
	res = act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+dig(msg, "id").(string)+`","custom_id":"feedback"}`)
	if dig(res.body, "response", "type") != 9.0 || dig(res.body, "response", "data", "title") != "Feedback" {
		t.Fatalf("button answer = %v\n%s", res.body, bot.stderr.String())
	}
	bot.waitLine(t, "MODAL OPEN") // as a person would, wait for the modal to show
	res = act(t, ts, "POST", "/interactions", `{"type":"modal","custom_id":"feedback-modal","fields":{"text":"lovely"}}`)
	if dig(res.body, "response", "type") != 7.0 || dig(res.body, "response", "message", "content") != "Thanks for: lovely" {
		t.Fatalf("modal answer = %v\n%s", res.body, bot.stderr.String())
	}
	id := res.body["id"].(string)
	waitFor(t, "the ephemeral follow-up", func() bool {
		f, _ := act(t, ts, "GET", "/interactions/"+id, "").body["followups"].([]any)
		return len(f) == 1 && dig(f[0], "content") == "noted"
	})
	bot.checkNoTraceback(t)

	// The panel saw the four interactions dispatched, in order.
	var kinds []float64
	for f := range drain(frames) {
		if f.Dir == gateway.Recv && f.Data != nil {
			if p, err := gateway.DecodePayload(f.Data); err == nil && p.T != nil && *p.T == "INTERACTION_CREATE" {
				kinds = append(kinds, decode[map[string]any](t, p.D)["type"].(float64))
			}
		}
	}
	if fmt.Sprint(kinds) != "[4 2 3 5]" {
		t.Fatalf("observed INTERACTION_CREATE types %v, want [4 2 3 5]", kinds)
	}
}
