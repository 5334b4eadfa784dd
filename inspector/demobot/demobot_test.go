package demobot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

func startSandbox(t *testing.T) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Config{HeartbeatInterval: time.Second, ServerHeartbeatEvery: -1})
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { ts.Close(); sb.Close() })
	return sb, ts
}

func actor(t *testing.T, ts *httptest.Server, method, path, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+"/sandbox"+path, bytes.NewBufferString(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s = %d %v", method, path, resp.StatusCode, out)
	}
	return out
}

func dig(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting until %s", what)
}

func TestDemoBotAnswersHelloRollButtonsAndModal(t *testing.T) {
	sb, ts := startSandbox(t)
	sup := &Supervisor{API: ts.URL + "/api/v10", Token: sandbox.Token, Others: OtherBots(sb), Every: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sup.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	waitUntil(t, "the demo bot registered /hello and /roll", func() bool { return len(sb.Commands().Global) == 2 })

	hello := actor(t, ts, "POST", "/interactions", `{"type":"command","name":"hello"}`)
	msg := dig(hello, "response", "message")
	if !strings.HasPrefix(dig(msg, "content").(string), "Hello, **ada**!") || hello["error"] != nil {
		t.Fatalf("/hello = %v", hello)
	}
	roll := actor(t, ts, "POST", "/interactions", `{"type":"command","name":"roll","options":{"sides":20}}`)
	if dig(roll, "response", "type") != 5.0 {
		t.Fatalf("/roll did not defer: %v", roll)
	}
	waitUntil(t, "the roll's edit", func() bool {
		v := actor(t, ts, "GET", "/interactions/"+roll["id"].(string), "")
		c, _ := dig(v, "response", "message", "content").(string)
		return strings.Contains(c, "rolled **") && strings.Contains(c, "(1–20)")
	})
	id := dig(msg, "id").(string)
	wave := actor(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+id+`","custom_id":"demo:wave"}`)
	if dig(wave, "response", "ephemeral") != true {
		t.Fatalf("wave = %v", wave)
	}
	note := actor(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+id+`","custom_id":"demo:note"}`)
	if dig(note, "response", "type") != 9.0 {
		t.Fatalf("the note button did not open the modal: %v", note)
	}
	said := actor(t, ts, "POST", "/interactions", `{"type":"modal","custom_id":"demo:note-modal","fields":{"note":"hi\nthere"}}`)
	if c, _ := dig(said, "response", "message", "content").(string); c != "📝 ada said:\n> hi\n> there" {
		t.Fatalf("modal answer = %v", said)
	}
	if _, err := sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "!ping"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "Pong!", func() bool {
		for _, m := range sb.Messages(sandbox.GeneralChannelID) {
			if m.Author.ID == sandbox.BotID && m.Content == "Pong!" {
				return true
			}
		}
		return false
	})
}

func TestDemoBotStepsAwayForAnotherBotAndCanBeTurnedOff(t *testing.T) {
	sb, ts := startSandbox(t)
	sup := &Supervisor{API: ts.URL + "/api/v10", Token: sandbox.Token, Others: OtherBots(sb), Every: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sup.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	demoConnected := func() bool {
		for _, c := range sb.Connections() {
			if c.Peer == Peer {
				return true
			}
		}
		return false
	}
	waitUntil(t, "the demo bot connects", demoConnected)

	// The learner's bot arrives: the demo leaves it the guild.
	botCtx, stopBot := context.WithCancel(context.Background())
	bot, _ := client.New(client.Config{RESTBase: ts.URL + "/api/v10", Token: sandbox.Token, Intents: gateway.IntentGuilds,
		Properties: gateway.IdentifyProperties{OS: "linux", Browser: "learner", Device: "learner"}})
	botDone := make(chan struct{})
	go func() { _ = bot.Run(botCtx); close(botDone) }()
	waitUntil(t, "the demo bot steps away", func() bool { return !demoConnected() && OtherBots(sb)() == 1 })
	stopBot()
	<-botDone
	waitUntil(t, "the demo bot comes back", demoConnected)

	// Turned off from the page (same origin), it stays away; another site cannot.
	h := sup.Handler()
	post := func(origin, body string) int {
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/sandbox/demobot", strings.NewReader(body))
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post("https://evil.example", `{"enabled":false}`); code != 403 {
		t.Fatalf("another site turning it off = %d, want 403", code)
	}
	if code := post("", `{"on":false}`); code != 400 {
		t.Fatalf("a body without enabled = %d, want 400", code)
	}
	if code := post("http://127.0.0.1:8080", `{"enabled":false}`); code != 200 {
		t.Fatalf("the page turning it off = %d", code)
	}
	waitUntil(t, "the demo bot leaves", func() bool { return !demoConnected() })
	if st := sup.Status(); st.Enabled || st.Running {
		t.Fatalf("status = %+v", st)
	}
}
