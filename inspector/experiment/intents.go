package experiment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// call sends one request to the in-process sandbox (its actor API or its
// REST API) and returns the body of a 2xx answer.
func (e *Engine) call(method, path, auth string, body any) ([]byte, error) {
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req := httptest.NewRequest(method, path, &buf)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	e.sb.Handler().ServeHTTP(rec, req)
	if rec.Code/100 != 2 {
		return nil, fmt.Errorf("the sandbox refused %s %s: %d %s", method, path, rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	return rec.Body.Bytes(), nil
}

// relogin replaces the inspector's connection with one identifying with
// intents, and waits for its READY.
func (r *run) relogin(intents gateway.Intents, why string) error {
	if err := r.e.hub.ConnectSandbox(intents); err != nil {
		return err
	}
	ready, err := r.see("READY", isEvent("READY"), func(rec inspector.Record) string {
		return "READY: " + why
	})
	if err == nil {
		r.tg.session = sessionIDOf(ready)
	}
	return err
}

// runDisallowedIntents identifies with a privileged intent whose portal
// switch is off. If the reader has every switch on, it turns MESSAGE_CONTENT
// off for the experiment and back on afterwards.
func runDisallowedIntents(r *run) error {
	intents := r.e.inspectorIntents()
	before := r.e.sb.EnabledPrivileged()
	forbidden := intents & gateway.PrivilegedIntents &^ before
	if forbidden == 0 {
		if !intents.Has(gateway.IntentMessageContent) {
			return fmt.Errorf("the inspector identifies without MESSAGE_CONTENT, so no switch can refuse it: connect it with every intent first")
		}
		forbidden = gateway.IntentMessageContent
		r.e.sb.SetEnabledPrivileged(before &^ forbidden)
		defer r.e.sb.SetEnabledPrivileged(before)
	}
	if err := r.e.hub.ConnectSandbox(intents); err != nil {
		return err
	}
	if _, err := r.see("Identify", isOp(gateway.Send, gateway.OpIdentify), func(rec inspector.Record) string {
		return fmt.Sprintf("the inspector identified again asking for intents %d, which include %s, switched off in the portal", intents, forbidden)
	}); err != nil {
		return err
	}
	if _, err := r.see("the 4014 close", isClose, func(rec inspector.Record) string {
		text := closeText(rec)
		if rec.Close.Reason != "" {
			text += ": “" + rec.Close.Reason + "”"
		}
		if !rec.Close.Reconnect {
			text += "; retrying cannot help until the switch is on or the intent is dropped"
		}
		return text
	}); err != nil {
		return err
	}
	// Leave the stream as it was: the experiment's own switch goes back on;
	// a switch the reader turned off stays off, and the inspector drops that
	// intent so it can log in.
	r.e.sb.SetEnabledPrivileged(before)
	allowed := intents &^ (gateway.PrivilegedIntents &^ before)
	why := "the switch is back on and the inspector logged in again with its intents"
	if allowed != intents {
		why = fmt.Sprintf("the inspector logged in again without %s, which the portal switches still refuse", intents&^allowed)
	}
	return r.relogin(allowed, why)
}

// runWithoutMessageContent logs the inspector in without MESSAGE_CONTENT,
// has a member post in a guild channel, in a DM and with a mention of the
// bot, and the bot post itself, then logs in again as before.
func runWithoutMessageContent(r *run) error {
	intents := r.e.inspectorIntents()
	need := gateway.IntentGuildMessages | gateway.IntentDirectMessages
	defer func() {
		if r.e.inspectorIntents() != intents {
			_ = r.e.hub.ConnectSandbox(intents) // the deadline passed mid-way
		}
	}()
	if err := r.relogin((intents|need)&^gateway.IntentMessageContent, "logged in without MESSAGE_CONTENT"); err != nil {
		return err
	}
	posts := []struct {
		kind, path, auth string
		body             map[string]any
	}{
		{"a member's message in #general", "/sandbox/messages", "", map[string]any{"content": "can the bot read this?"}},
		{"a member's DM to the bot", "/sandbox/messages", "", map[string]any{"content": "a secret, in a DM", "dm": true}},
		{"a member's message mentioning the bot", "/sandbox/messages", "", map[string]any{"content": fmt.Sprintf("<@%d> can you read this?", sandbox.BotID)}},
		{"the bot's own message", fmt.Sprintf("/api/v10/channels/%d/messages", sandbox.GeneralChannelID), "Bot " + sandbox.Token, map[string]any{"content": "the bot always reads its own words"}},
	}
	for _, p := range posts {
		raw, err := r.e.call(http.MethodPost, p.path, p.auth, p.body)
		if err != nil {
			return err
		}
		var sent gateway.Message
		_ = json.Unmarshal(raw, &sent)
		kind := p.kind
		if _, err := r.see("MESSAGE_CREATE for "+kind, func(rec inspector.Record) bool {
			return isEvent("MESSAGE_CREATE")(rec) && messageOf(rec).ID == sent.ID
		}, func(rec inspector.Record) string {
			if got := messageOf(rec).Content; got != "" {
				return fmt.Sprintf("MESSAGE_CREATE (s %d) for %s: content %q arrives whole, an exemption", deref(rec.S), kind, got)
			}
			return fmt.Sprintf("MESSAGE_CREATE (s %d) for %s: content is \"\"", deref(rec.S), kind)
		}); err != nil {
			return err
		}
	}
	return r.relogin(intents, "logged in again with the intents it had before")
}

func messageOf(rec inspector.Record) gateway.Message { return dOf[gateway.Message](rec) }

// runMemberJoin has someone new join the guild, then leave again.
func runMemberJoin(r *run) error {
	raw, err := r.e.call(http.MethodPost, "/sandbox/members", "", map[string]any{"username": "newcomer"})
	if err != nil {
		return err
	}
	var joined struct {
		User gateway.User `json:"user"`
	}
	_ = json.Unmarshal(raw, &joined)
	left := false
	leave := func() error {
		left = true
		_, err := r.e.call(http.MethodDelete, fmt.Sprintf("/sandbox/members/%d", joined.User.ID), "", nil)
		return err
	}
	defer func() {
		if !left {
			_ = leave() // the guild is left as it was found
		}
	}()
	if _, err := r.see("GUILD_MEMBER_ADD", isEvent("GUILD_MEMBER_ADD"), func(rec inspector.Record) string {
		d := dOf[struct {
			User    *gateway.User     `json:"user"`
			GuildID gateway.Snowflake `json:"guild_id"`
		}](rec)
		if d.User == nil {
			return fmt.Sprintf("GUILD_MEMBER_ADD (s %d) without a nested user", deref(rec.S))
		}
		return fmt.Sprintf("GUILD_MEMBER_ADD (s %d): a member object with the user nested at d.user (%s) and guild_id %d", deref(rec.S), d.User.Username, d.GuildID)
	}); err != nil {
		return fmt.Errorf("%w (a bot hears of joins only with the GUILD_MEMBERS intent)", err)
	}
	if err := leave(); err != nil {
		return err
	}
	_, err = r.see("GUILD_MEMBER_REMOVE", isEvent("GUILD_MEMBER_REMOVE"), func(rec inspector.Record) string {
		return fmt.Sprintf("GUILD_MEMBER_REMOVE (s %d) as they leave again: only a user and guild_id, no member", deref(rec.S))
	})
	return err
}
