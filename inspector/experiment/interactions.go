package experiment

import (
	"encoding/json"
	"fmt"
	"net/http"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// experimentCommand is the slash command the interaction experiment
// registers for the bot, usable in guilds and in DMs, and removes afterwards.
var experimentCommand = map[string]any{
	"name": "whoami", "description": "Shows who used it (a gatewaytour experiment)",
	"integration_types": []int{0}, "contexts": []int{0, 1},
}

// runInteractionGuildAndDM has ada use a slash command in #bot-commands and
// in her DM with the bot. The experiment answers each interaction as the bot
// would (a callback over REST), so nobody waits for the 3-second timeout.
func runInteractionGuildAndDM(r *run) error {
	auth := "Bot " + sandbox.Token
	base := fmt.Sprintf("/api/v10/applications/%d/commands", sandbox.ApplicationID)
	raw, err := r.e.call(http.MethodPost, base, auth, experimentCommand)
	if err != nil {
		return err
	}
	var cmd struct {
		ID gateway.Snowflake `json:"id"`
	}
	_ = json.Unmarshal(raw, &cmd)
	defer func() { _, _ = r.e.call(http.MethodDelete, fmt.Sprintf("%s/%d", base, cmd.ID), auth, nil) }()

	for _, where := range []struct {
		label string
		dm    bool
	}{{"in #bot-commands", false}, {"in a DM", true}} {
		done := make(chan error, 1)
		go func() {
			_, err := r.e.call(http.MethodPost, "/sandbox/interactions", "", map[string]any{"type": "command", "name": "whoami", "dm": where.dm})
			done <- err
		}()
		rec, err := r.see("INTERACTION_CREATE "+where.label, isEvent("INTERACTION_CREATE"), func(rec inspector.Record) string {
			return interactionText(where.label, rec)
		})
		if err != nil {
			return err
		}
		in := dOf[struct {
			ID    gateway.Snowflake `json:"id"`
			Token string            `json:"token"`
		}](rec)
		callback := fmt.Sprintf("/api/v10/interactions/%d/%s/callback", in.ID, in.Token)
		if _, err := r.e.call(http.MethodPost, callback, "", map[string]any{"type": 4, "data": map[string]any{"content": "seen " + where.label, "flags": 64}}); err != nil {
			return err
		}
		if err := <-done; err != nil {
			return err
		}
	}
	return nil
}

func interactionText(where string, rec inspector.Record) string {
	d := dOf[struct {
		GuildID *gateway.Snowflake `json:"guild_id"`
		Member  *struct {
			User *gateway.User `json:"user"`
		} `json:"member"`
		User *gateway.User `json:"user"`
	}](rec)
	switch {
	case d.Member != nil && d.Member.User != nil && d.User == nil:
		return fmt.Sprintf("INTERACTION_CREATE %s (s %d): d.member with the user nested at d.member.user (%s), and no d.user", where, deref(rec.S), d.Member.User.Username)
	case d.Member == nil && d.User != nil:
		return fmt.Sprintf("INTERACTION_CREATE %s (s %d): d.user (%s) and no d.member, since there is no guild", where, deref(rec.S), d.User.Username)
	default:
		return fmt.Sprintf("INTERACTION_CREATE %s (s %d): member present %t, user present %t", where, deref(rec.S), d.Member != nil, d.User != nil)
	}
}
