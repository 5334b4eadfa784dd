package sandbox

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

func activityConfig() Config {
	cfg := testConfig()
	cfg.Activity, cfg.ActivityEvery = true, 20*time.Millisecond
	return cfg
}

func TestNoActivityWithoutAnIdentifiedClient(t *testing.T) {
	s, ts := startSandbox(t, activityConfig())
	// Connected but not identified: still nothing runs.
	idle := dial(t, ts, "?v=10")
	idle.expect(gateway.OpHello, "")
	time.Sleep(10 * s.cfg.ActivityEvery) // let time pass: nothing may happen in it
	if n, w := s.activityEvents.Load(), s.activityWorkers.Load(); n != 0 || w != 0 {
		t.Fatalf("with no identified client: %d events, %d activity goroutines", n, w)
	}

	c, _ := login(t, ts, gateway.IntentGuilds)
	waitFor(t, "scripted activity", func() bool { return s.activityEvents.Load() >= 3 })
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "done"))
	waitFor(t, "the activity loop to stop", func() bool { return s.activityWorkers.Load() == 0 && !s.activityRunning() })
	before := s.activityEvents.Load()
	time.Sleep(10 * s.cfg.ActivityEvery) // let time pass: nothing may happen in it
	if after := s.activityEvents.Load(); after != before {
		t.Fatalf("%d events generated after the last client left", after-before)
	}
}

func TestActivityTypesBeforeItSpeaks(t *testing.T) {
	s, ts := startSandbox(t, activityConfig())
	all := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentGuildMessageTyping | gateway.IntentMessageContent
	c, _ := login(t, ts, all)
	typed := map[gateway.Snowflake]bool{}
	for {
		p := c.expect(gateway.OpDispatch, "")
		switch *p.T {
		case "TYPING_START":
			typed[decode[typingStart](t, p.D).UserID] = true
		case "MESSAGE_CREATE":
			m := decode[gateway.Message](t, p.D)
			if !typed[m.Author.ID] {
				t.Fatalf("%s spoke without typing first", m.Author.Username)
			}
			if len(s.Messages(m.ChannelID)) == 0 {
				t.Fatal("scripted message not stored")
			}
			return
		}
	}
}
