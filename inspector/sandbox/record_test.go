package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// restFrames collects the REST exchanges observers are given.
func restFrames(frames <-chan gateway.WireFrame, n int) []gateway.WireFrame {
	var out []gateway.WireFrame
	deadline := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case f := <-frames:
			if f.REST != nil {
				out = append(out, f)
			}
		case <-deadline:
			return out
		}
	}
	return out
}

func callAs(t *testing.T, url, userAgent, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", botAuth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestRESTExchangesAreFramesOfTheirBot(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(256)
	defer cancel()
	url := ts.URL + "/api/v10/channels/" + GeneralChannelID.String() + "/messages"
	const pyAgent = "DiscordBot (https://github.com/Rapptz/discord.py 2.2.2) Python/3.11 aiohttp/3.8"

	// Before any bot identified, the call has a stream of its own.
	callAs(t, url, pyAgent, `{"content":"early `+Token+`"}`)
	got := restFrames(frames, 1)
	if len(got) != 1 || got[0].Conn != "rest" || got[0].Peer != pyAgent {
		t.Fatalf("unattributed exchange = %+v", got)
	}
	ex := got[0].REST
	if ex.Route != "POST /channels/{channel_id}/messages" || ex.Status != 200 || ex.RateLimit["X-RateLimit-Limit"] != "5" || ex.RateLimit["X-RateLimit-Bucket"] == "" {
		t.Fatalf("exchange = %+v", ex)
	}
	if strings.Contains(string(got[0].Data), Token) || !strings.Contains(string(ex.Request), "[redacted token]") {
		t.Fatalf("the token reached an observer: %s", got[0].Data)
	}
	var body gateway.Message
	if json.Unmarshal(ex.Body, &body) != nil || body.ChannelID != GeneralChannelID {
		t.Fatalf("response body = %s", ex.Body)
	}

	// With one bot identified, its calls are in its stream.
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	id := identifyWith(gateway.IntentGuilds)
	id.Properties.Browser = "discord.py"
	c.send(gateway.OpIdentify, id)
	c.expectDispatch("READY")
	conn := s.Connections()[0].ID
	callAs(t, url, pyAgent, `{"content":"hello"}`)
	if got := restFrames(frames, 1); len(got) != 1 || got[0].Conn != conn || got[0].Peer != "discord.py" {
		t.Fatalf("exchange of the only bot = %+v", got)
	}

	// With two, the User-Agent's library picks the one whose Identify named it.
	d := dial(t, ts, "?v=10")
	d.expect(gateway.OpHello, "")
	id.Properties.Browser = "DiscordGo"
	d.send(gateway.OpIdentify, id)
	d.expectDispatch("READY")
	callAs(t, url, "DiscordBot (https://github.com/bwmarrin/discordgo, v0.28.1)", `{"content":"go"}`)
	got = restFrames(frames, 1)
	if len(got) != 1 || got[0].Peer != "DiscordGo" || got[0].Conn == conn {
		t.Fatalf("exchange of the discordgo bot = %+v", got)
	}

	// A path Discord does not have is still shown, with no route.
	callAs(t, ts.URL+"/api/v10/nowhere", pyAgent, "")
	if got := restFrames(frames, 1); len(got) != 1 || got[0].REST.Status != 404 || got[0].REST.Route != "" {
		t.Fatalf("exchange of a 404 = %+v", got)
	}
	// gatewaytour's own clients record their calls themselves.
	callAs(t, url, "DiscordBot (https://github.com/gatewaytour, 1) hello-world walk", `{"content":"walk"}`)
	callAs(t, url, pyAgent, `{"content":"after the walk"}`)
	if got := restFrames(frames, 1); len(got) != 1 || !strings.Contains(string(got[0].REST.Request), "after the walk") {
		t.Fatalf("an own client's exchange was published again: %+v", got)
	}
}
