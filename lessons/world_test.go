package lessons

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// The lessons' examples use the sandbox's own guild, so a learner can find
// the same ids in the panel. sandboxNames logs in to a sandbox the way a bot
// does and lists the name of every user, guild, channel and role its READY
// and GUILD_CREATEs show, by id. An id can have two names: a guild's
// @everyone role has the guild's id.
func sandboxNames(t *testing.T) map[string][]string {
	t.Helper()
	s := sandbox.New(sandbox.Config{ServerHeartbeatEvery: -1})
	ts := httptest.NewServer(s.Handler())
	defer func() {
		s.Close()
		ts.Close()
	}()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/gateway?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	identify := map[string]any{"op": 2, "d": map[string]any{
		"token": sandbox.Token, "intents": gateway.IntentGuilds | gateway.IntentGuildMembers | gateway.IntentGuildPresences,
		"properties": map[string]string{"os": "linux", "browser": "gatewaytour lessons test", "device": "gatewaytour lessons test"},
	}}
	if err := ws.WriteJSON(identify); err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	name := func(id gateway.Snowflake, n string) { names[id.String()] = append(names[id.String()], n) }
	guildsLeft := -1
	for guildsLeft != 0 {
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		var frame struct {
			T string          `json:"t"`
			D json.RawMessage `json:"d"`
		}
		if err := ws.ReadJSON(&frame); err != nil {
			t.Fatalf("reading the sandbox's login frames: %v", err)
		}
		switch frame.T {
		case "READY":
			var ready struct {
				User   gateway.User `json:"user"`
				Guilds []struct{}   `json:"guilds"`
			}
			if err := json.Unmarshal(frame.D, &ready); err != nil {
				t.Fatal(err)
			}
			name(ready.User.ID, ready.User.Username)
			guildsLeft = len(ready.Guilds)
		case "GUILD_CREATE":
			var g gateway.Guild
			if err := json.Unmarshal(frame.D, &g); err != nil {
				t.Fatal(err)
			}
			name(g.ID, g.Name)
			for _, c := range g.Channels {
				name(c.ID, c.Name)
			}
			for _, r := range g.Roles {
				name(r.ID, r.Name)
			}
			for _, m := range g.Members {
				name(m.User.ID, m.User.Username)
			}
			guildsLeft--
		}
	}
	// GUILD_CREATE lists only some members, as Discord does in a guild this
	// size; the actor API's view of the world names the others.
	for _, g := range s.World().Guilds {
		for _, m := range g.Members {
			if !slices.Contains(names[m.ID.String()], m.Username) {
				name(m.ID, m.Username)
			}
		}
	}
	return names
}

// worldProblems lists the JSON examples that give a sandbox id another name
// than the sandbox does.
func worldProblems(samples []sample, names map[string][]string) []string {
	var problems []string
	for _, s := range samples {
		if s.Lang != "json" {
			continue
		}
		var v any
		if json.Unmarshal([]byte(s.Code), &v) != nil {
			continue // TestLessonIDsAreRealSnowflakes reports it
		}
		walkJSON(v, func(obj map[string]any) {
			id, _ := obj["id"].(string)
			want, known := names[id]
			if !known {
				return
			}
			for _, key := range []string{"username", "name"} {
				if got, ok := obj[key].(string); ok && !slices.Contains(want, got) {
					problems = append(problems, fmt.Sprintf("%s: id %s is %q in the sandbox, but the example calls it %q", s.where(), id, strings.Join(want, `" or "`), got))
				}
			}
		})
	}
	return problems
}

func TestLessonExamplesUseTheSandboxWorld(t *testing.T) {
	names := sandboxNames(t)
	if len(names[sandbox.GuildID.String()]) == 0 || len(names[sandbox.DefaultMemberID.String()]) == 0 {
		t.Fatalf("the sandbox's login did not name its guild and default member: %v", names)
	}
	samples := courseSamples(t)
	for _, p := range worldProblems(samples, names) {
		t.Error(p)
	}
	// The guilds, users and members lesson is about the sandbox's people:
	// its examples must name them.
	used := 0
	for _, s := range samples {
		if s.File == "lessons/07-guilds-users-members.md" && s.Lang == "json" {
			for id := range names {
				if strings.Contains(s.Code, `"`+id+`"`) {
					used++
				}
			}
		}
	}
	if used < 10 {
		t.Errorf("lessons/07-guilds-users-members.md uses only %d of the sandbox's ids in its examples", used)
	}
	wrong := []sample{{File: "lessons/99-x.md", Line: 3, Lang: "json", Code: `{"author": {"id": "` + sandbox.DefaultMemberID.String() + `", "username": "mira"}}`}}
	if got := worldProblems(wrong, names); len(got) != 1 || !strings.Contains(got[0], `calls it "mira"`) {
		t.Errorf("a renamed sandbox member is not caught: %q", got)
	}
}
