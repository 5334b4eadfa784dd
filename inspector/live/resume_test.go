package live

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// TestABotsResumeContinuesItsStream: a bot closes with 4000 to resume,
// misses three messages, and resumes on a new connection. The panel shows
// one stream for the session, with a divider saying what happened, and a
// banner that agrees with the close frame's own notes; a fresh Identify
// afterwards is the bot's second session.
func TestABotsResumeContinuesItsStream(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)

	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	bot.identify("discord.py", gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	readyP := bot.expect("READY", func(p gateway.Payload) bool { return p.T != nil && *p.T == "READY" })
	var ready gateway.Ready
	if err := json.Unmarshal(readyP.D, &ready); err != nil {
		t.Fatal(err)
	}
	var seq int64 // the last GUILD_CREATE's: one per guild in READY
	for range ready.Guilds {
		seq = *bot.expect("GUILD_CREATE", func(p gateway.Payload) bool { return p.T != nil && *p.T == "GUILD_CREATE" }).S
	}
	connID := bot.connID(t, sb)
	waitFor(t, "the bot's stream", func() bool { s, ok := h.Stream(connID); return ok && s.Info().State.SessionID == ready.SessionID })
	stream, _ := h.Stream(connID)

	bot.close(4000)
	waitFor(t, "the sandbox to let the connection go", func() bool { return bot.connID(t, sb) == "" })
	st := waitState(t, stream, StateClosed)
	if strings.Contains(st.Detail, "gateway's side") || !strings.Contains(st.Detail, "client closed with 4000") {
		t.Errorf("the banner after the bot's 4000 says %q", st.Detail)
	}
	for i := range 3 {
		if _, err := sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, fmt.Sprint("missed ", i)); err != nil {
			t.Fatal(err)
		}
	}

	again := dialRawBot(t, ts)
	again.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	resume, _ := json.Marshal(map[string]any{"op": 6, "d": gateway.Resume{Token: sandbox.Token, SessionID: ready.SessionID, Seq: seq}})
	if err := again.ws.WriteMessage(websocket.TextMessage, resume); err != nil {
		t.Fatal(err)
	}
	again.expect("RESUMED", func(p gateway.Payload) bool { return p.T != nil && *p.T == "RESUMED" })

	want := "Resumed after 4000: 3 event(s) replayed."
	waitFor(t, "the divider", func() bool { return len(stream.Info().Dividers) == 1 })
	info := stream.Info()
	if d := info.Dividers[0]; d.Text != want || info.State.Detail != want || info.State.Kind != StateIdentified || info.State.Close != nil {
		t.Fatalf("after the resume: %+v", info)
	}
	first := stream.Session().Records(info.Dividers[0].Index, 1)
	if len(first) != 1 || first[0].Source == connID {
		t.Fatalf("the divider does not point at the new connection's first record: %+v", first)
	}
	bots := 0
	for _, s := range h.Streams() {
		if s.Kind == KindSandboxBot {
			bots++
		}
	}
	if bots != 1 {
		t.Fatalf("%d bot streams for one session: %v", bots, streamIDs(h))
	}

	fresh := dialRawBot(t, ts)
	fresh.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	fresh.identify("discord.py", gateway.IntentGuilds)
	fresh.expect("READY", func(p gateway.Payload) bool { return p.T != nil && *p.T == "READY" })
	waitFor(t, "the second session's stream", func() bool {
		for _, s := range h.Streams() {
			if s.Label == "discord.py on the sandbox, session 2" {
				return true
			}
		}
		return false
	})
	if info := stream.Info(); info.Label != "discord.py on the sandbox" {
		t.Errorf("the first session is labelled %q", info.Label)
	}
}
