package experiment

import (
	"encoding/json"
	"fmt"
	"net/http"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// post has a member say something through the actor API and waits for the
// MESSAGE_CREATE it causes, describing it with describe.
func (r *run) post(body map[string]any, what string, describe func(inspector.Record, gateway.Message) string) error {
	raw, err := r.e.call(http.MethodPost, "/sandbox/messages", "", body)
	if err != nil {
		return err
	}
	var sent gateway.Message
	_ = json.Unmarshal(raw, &sent)
	_, err = r.see("MESSAGE_CREATE for "+what, func(rec inspector.Record) bool {
		return isEvent("MESSAGE_CREATE")(rec) && messageOf(rec).ID == sent.ID
	}, func(rec inspector.Record) string { return describe(rec, messageOf(rec)) })
	return err
}

// runGuildAndDM has the same person write in #general and in a DM.
func runGuildAndDM(r *run) error {
	describe := func(where string) func(inspector.Record, gateway.Message) string {
		return func(rec inspector.Record, m gateway.Message) string {
			if m.Member != nil {
				nested := "without a nested user (d.author is the user)"
				if m.Member.User != nil {
					nested = "with a nested user"
				}
				return fmt.Sprintf("%s (s %d): d.author is the user %s, and d.member is there too (their membership: %d roles, joined %s), %s", where, deref(rec.S), m.Author.Username, len(m.Member.Roles), m.Member.JoinedAt, nested)
			}
			return fmt.Sprintf("%s (s %d): d.author is the user %s, and there is no d.member and no guild_id: a DM belongs to no guild", where, deref(rec.S), m.Author.Username)
		}
	}
	if err := r.post(map[string]any{"content": "hello from #general"}, "the guild message", describe("in #general")); err != nil {
		return err
	}
	return r.post(map[string]any{"content": "hello in private", "dm": true}, "the DM", describe("in a DM"))
}

// guildCreateText describes the sandbox guild's GUILD_CREATE by its lists.
func guildCreateText(prefix string) func(inspector.Record) string {
	return func(rec inspector.Record) string {
		g := dOf[struct {
			MemberCount int               `json:"member_count"`
			Members     []json.RawMessage `json:"members"`
			Presences   []json.RawMessage `json:"presences"`
		}](rec)
		return fmt.Sprintf("%s: GUILD_CREATE (s %d) lists %d of its %d members and %d presences", prefix, deref(rec.S), len(g.Members), g.MemberCount, len(g.Presences))
	}
}

func isSandboxGuildCreate(rec inspector.Record) bool {
	if !isEvent("GUILD_CREATE")(rec) {
		return false
	}
	return dOf[struct {
		ID gateway.Snowflake `json:"id"`
	}](rec).ID == sandbox.GuildID
}

// runWithoutPresences logs in without GUILD_PRESENCES and again with it,
// so the two GUILD_CREATEs of the same guild can be compared.
func runWithoutPresences(r *run) error {
	intents := r.e.inspectorIntents() | gateway.IntentGuilds
	defer r.restoreIntents(intents)
	if err := r.relogin(intents&^gateway.IntentGuildPresences, "logged in without GUILD_PRESENCES"); err != nil {
		return err
	}
	if _, err := r.see("GUILD_CREATE", isSandboxGuildCreate, guildCreateText("without GUILD_PRESENCES")); err != nil {
		return err
	}
	if err := r.relogin(intents|gateway.IntentGuildPresences, "logged in again with GUILD_PRESENCES"); err != nil {
		return err
	}
	_, err := r.see("GUILD_CREATE", isSandboxGuildCreate, guildCreateText("with GUILD_PRESENCES"))
	return err
}

// restoreIntents logs the inspector in again with intents unless it
// already identified with them: what a deadline mid-way leaves to do.
func (r *run) restoreIntents(intents gateway.Intents) {
	if r.e.inspectorIntents() != intents {
		_ = r.e.hub.ConnectSandbox(intents)
	}
}

// runWithoutMembers logs in without GUILD_MEMBERS; someone joins, then a
// member speaks: the join never reaches the bot.
func runWithoutMembers(r *run) error {
	intents := r.e.inspectorIntents()
	defer r.restoreIntents(intents)
	if err := r.relogin((intents|gateway.IntentGuildMessages)&^gateway.IntentGuildMembers, "logged in without GUILD_MEMBERS"); err != nil {
		return err
	}
	raw, err := r.e.call(http.MethodPost, "/sandbox/members", "", map[string]any{"username": "quiet-newcomer"})
	if err != nil {
		return err
	}
	var joined struct {
		User gateway.User `json:"user"`
	}
	_ = json.Unmarshal(raw, &joined)
	defer func() {
		_, _ = r.e.call(http.MethodDelete, fmt.Sprintf("/sandbox/members/%d", joined.User.ID), "", nil)
	}()
	sawJoin := false
	if err := r.post(map[string]any{"content": "did anyone see who just joined?"}, "the message after the join", func(rec inspector.Record, _ gateway.Message) string {
		return fmt.Sprintf("%s joined the guild just before this MESSAGE_CREATE (s %d), and no GUILD_MEMBER_ADD came: without GUILD_MEMBERS the bot is not told", joined.User.Username, deref(rec.S))
	}); err != nil {
		return err
	}
	st, _ := r.e.hub.Stream(InspectorStream)
	last := r.steps[len(r.steps)-1].Index
	for _, rec := range st.Session().Records(r.steps[0].Index, int(last-r.steps[0].Index)) {
		sawJoin = sawJoin || isEvent("GUILD_MEMBER_ADD")(rec)
	}
	if sawJoin {
		return fmt.Errorf("a GUILD_MEMBER_ADD arrived although the session has no GUILD_MEMBERS")
	}
	return r.relogin(intents, "logged in again with the intents it had before")
}
