package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// BenchmarkInteractionRoundTrip is one member's slash command through the
// actor API: POST /sandbox/interactions, INTERACTION_CREATE to a bot, the
// bot's callback POST, the reply's MESSAGE_CREATE, and the actor's answer.
func BenchmarkInteractionRoundTrip(b *testing.B) {
	cfg := testConfig()
	cfg.HeartbeatInterval = 50 * time.Second
	s, ts := startSandbox(b, cfg)
	req, _ := http.NewRequest("PUT", commandsURL(ts.URL), strings.NewReader("["+pingCommand+"]"))
	req.Header.Set("Authorization", botAuth)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		b.Fatalf("registering: %v %v", resp, err)
	}
	bot := dial(b, ts, "?v=10&encoding=json")
	bot.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
	go func() {
		_ = bot.ws.SetReadDeadline(time.Time{})
		for {
			_, data, err := bot.ws.ReadMessage()
			if err != nil {
				return
			}
			if !strings.Contains(string(data), `"t":"INTERACTION_CREATE"`) {
				continue
			}
			var p struct {
				D struct{ ID, Token string }
			}
			_ = json.Unmarshal(data, &p)
			resp, err := http.Post(ts.URL+"/api/v10/interactions/"+p.D.ID+"/"+p.D.Token+"/callback", "application/json",
				strings.NewReader(`{"type":4,"data":{"content":"pong"}}`))
			if err == nil {
				if resp.StatusCode != 204 {
					b.Errorf("callback answered %d", resp.StatusCode)
				}
				resp.Body.Close()
			}
		}
	}()
	waitFor(b, "the bot's session", func() bool {
		c := s.Connections()
		return len(c) == 1 && c[0].SessionID != ""
	})
	body := `{"type":"command","name":"ping","options":{"word":"hi"}}`
	b.ResetTimer()
	for i := range b.N {
		_, m, err := callNoFatal("POST", ts.URL+"/sandbox/interactions", body)
		if err != nil || m["acknowledged"] != true {
			b.Fatalf("round trip %d = %v %v", i, m, err)
		}
	}
}
