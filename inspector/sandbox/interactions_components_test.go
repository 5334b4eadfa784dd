package sandbox

import (
	"strings"
	"testing"
)

// TestInteractionButtonSelectAndModal plays a bot that answers a command
// with a button and a menu, opens a modal from the button and updates its
// message when the modal is submitted.
func TestInteractionButtonSelectAndModal(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	components := `[{"type":1,"components":[{"type":2,"style":1,"label":"Rename","custom_id":"rename"},{"type":2,"style":5,"label":"Docs","url":"https://example.invalid"}]},
		{"type":1,"components":[{"type":3,"custom_id":"flavour","min_values":1,"max_values":2,"options":[{"label":"Mint","value":"mint"},{"label":"Lime","value":"lime"}]}]},
		{"type":1,"components":[{"type":5,"custom_id":"pick-user"}]}]`
	if status, body := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"Pick one","components":`+components+`}}`); status != 204 {
		t.Fatalf("callback = %d %v", status, body)
	}
	<-done
	_, msg := nextMessageEvent(t, bot)
	msgID := msg["id"].(string)

	// A string select: values must be offered, and within min/max.
	for _, bad := range []string{`["mint","lime","mint"]`, `["cherry"]`, `[]`} {
		res := act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+msgID+`","custom_id":"flavour","values":`+bad+`}`)
		if res.status != 400 {
			t.Errorf("select values %s = %d %v, want 400", bad, res.status, res.body)
		}
	}
	if res := act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+msgID+`","custom_id":"nope"}`); res.status != 404 {
		t.Errorf("unknown custom_id = %d %v", res.status, res.body)
	}
	done = interactAsync(t, ts, `{"type":"component","message_id":"`+msgID+`","custom_id":"pick-user","values":["`+grace+`"]}`)
	d, sid, stoken := receivedInteraction(t, bot)
	if dig(d, "data", "component_type") != 5.0 || dig(d, "data", "resolved", "users", grace, "username") != "grace" || dig(d, "message", "id") != msgID {
		t.Fatalf("user select interaction = %v", d)
	}
	callback(t, ts, sid, stoken, "", `{"type":6}`)
	if res := <-done; res.body["acknowledged"] != true || dig(res.body, "response", "type") != 6.0 {
		t.Fatalf("deferred update = %v", res.body)
	}

	// The button opens a modal; the member submits it.
	done = interactAsync(t, ts, `{"type":"component","message_id":"`+msgID+`","custom_id":"rename"}`)
	d, bid, btoken := receivedInteraction(t, bot)
	if d["type"] != 3.0 || dig(d, "data", "custom_id") != "rename" || dig(d, "data", "component_type") != 2.0 {
		t.Fatalf("button interaction = %v", d)
	}
	modal := `{"type":9,"data":{"custom_id":"rename-modal","title":"Rename","components":[{"type":1,"components":[{"type":4,"custom_id":"name","label":"New name","style":1,"min_length":2,"max_length":20}]},{"type":1,"components":[{"type":4,"custom_id":"why","label":"Why","style":2,"required":false}]}]}}`
	if status, body := callback(t, ts, bid, btoken, "", modal); status != 204 {
		t.Fatalf("modal callback = %d %v", status, body)
	}
	if res := <-done; dig(res.body, "response", "type") != 9.0 || dig(res.body, "response", "data", "title") != "Rename" {
		t.Fatalf("actor answer for the modal = %v", res.body)
	}
	if res := act(t, ts, "POST", "/interactions", `{"type":"modal","custom_id":"rename-modal","fields":{"why":"because"}}`); res.status != 400 || !strings.Contains(res.body["message"].(string), "name is required") {
		t.Fatalf("modal without a required field = %d %v", res.status, res.body)
	}
	done = interactAsync(t, ts, `{"type":"modal","custom_id":"rename-modal","fields":{"name":"Ada L."}}`)
	d, mid, mtoken := receivedInteraction(t, bot)
	rows, _ := dig(d, "data", "components").([]any)
	if d["type"] != 5.0 || len(rows) != 2 || dig(rows[0], "components") == nil || dig(d, "message", "id") != msgID {
		t.Fatalf("modal submit = %v", d)
	}
	first := rows[0].(map[string]any)["components"].([]any)[0]
	if dig(first, "custom_id") != "name" || dig(first, "value") != "Ada L." {
		t.Fatalf("submitted input = %v", first)
	}
	if status, body := callback(t, ts, mid, mtoken, "", `{"type":7,"data":{"content":"Renamed to Ada L.","components":[]}}`); status != 204 {
		t.Fatalf("update callback = %d %v", status, body)
	}
	res := <-done
	if dig(res.body, "response", "message", "content") != "Renamed to Ada L." || dig(res.body, "response", "message", "id") != msgID {
		t.Fatalf("actor answer for the update = %v", res.body)
	}
	if kind, m := nextMessageEvent(t, bot); kind != "MESSAGE_UPDATE" || m["id"] != msgID || m["content"] != "Renamed to Ada L." {
		t.Fatalf("%s %v, want MESSAGE_UPDATE of the button's message", kind, m)
	}
	// The modal was used: submitting it again finds nothing.
	if res := act(t, ts, "POST", "/interactions", `{"type":"modal","custom_id":"rename-modal","fields":{"name":"Again"}}`); res.status != 404 {
		t.Fatalf("second submit = %d %v", res.status, res.body)
	}
}

func TestInteractionAutocomplete(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	done := interactAsync(t, ts, `{"type":"autocomplete","name":"greet","options":{"city":"Ber"},"focused":"city"}`)
	d, id, token := receivedInteraction(t, bot)
	opts := dig(d, "data", "options").([]any)
	if d["type"] != 4.0 || len(opts) != 1 || dig(opts[0], "focused") != true || dig(opts[0], "value") != "Ber" {
		t.Fatalf("autocomplete interaction = %v", d)
	}
	if status, body := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"no"}}`); status != 400 || body["code"] != 50035.0 {
		t.Fatalf("a message answer to autocomplete = %d %v, want 50035", status, body)
	}
	if status, _ := callback(t, ts, id, token, "", `{"type":8,"data":{"choices":[{"name":"Berlin","value":"berlin"},{"name":"Bern","value":"bern"}]}}`); status != 204 {
		t.Fatalf("autocomplete callback = %d", status)
	}
	res := <-done
	choices, _ := dig(res.body, "response", "data", "choices").([]any)
	if len(choices) != 2 || dig(choices[0], "name") != "Berlin" {
		t.Fatalf("actor answer = %v", res.body)
	}
}

func TestInteractionSelectMenusResolveTheirValues(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	done := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	menus := `[{"type":1,"components":[{"type":3,"custom_id":"s","options":[{"label":"A","value":"a"}]}]},
		{"type":1,"components":[{"type":6,"custom_id":"r"}]},
		{"type":1,"components":[{"type":8,"custom_id":"c","channel_types":[0]}]},
		{"type":1,"components":[{"type":7,"custom_id":"m","max_values":2}]}]`
	callback(t, ts, id, token, "", `{"type":4,"data":{"content":"menus","flags":64,"components":`+menus+`}}`)
	res := <-done
	msgID := dig(res.body, "response", "message", "id").(string)

	cases := []struct {
		custom, values string
		path           []string
	}{
		{"s", `["a"]`, nil},
		{"r", `["` + MemberRoleID.String() + `"]`, []string{"resolved", "roles", MemberRoleID.String(), "name"}},
		{"c", `["` + GeneralChannelID.String() + `"]`, []string{"resolved", "channels", GeneralChannelID.String(), "name"}},
		{"m", `["` + grace + `","` + ModeratorRoleID.String() + `"]`, []string{"resolved", "users", grace, "username"}},
	}
	for _, tc := range cases {
		done := interactAsync(t, ts, `{"type":"component","message_id":"`+msgID+`","custom_id":"`+tc.custom+`","values":`+tc.values+`}`)
		d, sid, stoken := receivedInteraction(t, bot)
		data := d["data"].(map[string]any)
		if len(data["values"].([]any)) == 0 || (tc.path != nil && dig(data, tc.path...) == nil) {
			t.Errorf("select %s: data = %v", tc.custom, data)
		}
		if dig(d, "message", "flags") != 64.0 {
			t.Errorf("select %s on an ephemeral message: message = %v", tc.custom, d["message"])
		}
		callback(t, ts, sid, stoken, "", `{"type":6}`)
		<-done
	}
	// A voice channel is not among the channel select's types; only the
	// invoker can use components on their ephemeral message.
	if r := act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+msgID+`","custom_id":"c","values":["`+VoiceChannelID.String()+`"]}`); r.status != 400 {
		t.Errorf("voice channel in a text-channel select = %d %v", r.status, r.body)
	}
	if r := act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+msgID+`","custom_id":"s","values":["a"],"user_id":"`+grace+`"}`); r.status != 404 {
		t.Errorf("someone else using an ephemeral message = %d %v", r.status, r.body)
	}
}
