package hello

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// TestWalkAllTenSteps walks the whole hello-world against a real sandbox,
// posting the member's message through the sandbox's HTTP control
// endpoint, and checks every step's frames against what the wire carried.
func TestWalkAllTenSteps(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, k := newWalk(t, ts, nil, Options{})
	var shown []gateway.WireFrame

	s1 := mustNext(t, w, 1)
	ex := exchangeOf(t, s1.Frames[0])
	if ex.HTTP != "GET /api/v10/gateway/bot" || ex.Status != 200 || !strings.Contains(string(ex.Body), `"url":"ws://`) {
		t.Fatalf("step 1 exchange = %+v", ex)
	}
	s2 := mustNext(t, w, 2)
	if ex := exchangeOf(t, s2.Frames[0]); ex.HTTP != "GET /gateway?v=10&encoding=json" || ex.Status != 101 {
		t.Fatalf("step 2 exchange = %+v", ex)
	}
	waitFor(t, "the sandbox to see the connection", func() bool { return len(s.Connections()) == 1 })
	s3 := mustNext(t, w, 3)
	if p := payloadOf(t, s3.Frames[0]); p.Op != gateway.OpHello || s3.Frames[0].Dir != gateway.Recv {
		t.Fatalf("step 3 frame = %s", s3.Frames[0].Data)
	}
	s4 := mustNext(t, w, 4)
	if len(s4.Frames) != 2 || payloadOf(t, s4.Frames[0]).Op != gateway.OpHeartbeat || s4.Frames[0].Dir != gateway.Send ||
		payloadOf(t, s4.Frames[1]).Op != gateway.OpHeartbeatACK {
		t.Fatalf("step 4 frames = %v", s4.Frames)
	}
	s5 := mustNext(t, w, 5)
	var id gateway.Identify
	if p := payloadOf(t, s5.Frames[0]); p.Op != gateway.OpIdentify || json.Unmarshal(p.D, &id) != nil {
		t.Fatalf("step 5 frame = %s", s5.Frames[0].Data)
	}
	wantIntents := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent
	if id.Intents != wantIntents || id.Token != inspector.RedactedToken {
		t.Fatalf("Identify as shown: intents %v token %q", id.Intents, id.Token)
	}
	s6 := mustNext(t, w, 6)
	var ready gateway.Ready
	if p := payloadOf(t, s6.Frames[0]); p.T == nil || *p.T != "READY" || json.Unmarshal(p.D, &ready) != nil {
		t.Fatalf("step 6 frame = %s", s6.Frames[0].Data)
	}
	if ready.User.ID != sandbox.BotID || len(ready.Guilds) != 2 || !ready.Guilds[0].Unavailable {
		t.Fatalf("READY user %v guilds %+v", ready.User.ID, ready.Guilds)
	}
	conns := s.Connections()
	if len(conns) != 1 || conns[0].Peer != Peer || conns[0].Intents != wantIntents {
		t.Fatalf("sandbox connections = %+v", conns)
	}
	s7 := mustNext(t, w, 7)
	var guild gateway.Guild
	if p := payloadOf(t, s7.Frames[0]); p.T == nil || *p.T != "GUILD_CREATE" || json.Unmarshal(p.D, &guild) != nil || guild.ID != sandbox.GuildID {
		t.Fatalf("step 7 frame = %.200s", s7.Frames[0].Data)
	}
	s8 := mustNext(t, w, 8)
	msg := messageIn(t, s8.Frames[0])
	if msg.Content != "!hello" || msg.Author.ID != sandbox.DefaultMemberID || msg.Member == nil || msg.Member.User != nil {
		t.Fatalf("step 8 MESSAGE_CREATE = %s", s8.Frames[0].Data)
	}
	s9 := mustNext(t, w, 9)
	ex = exchangeOf(t, s9.Frames[0])
	if ex.HTTP != "POST /api/v10/channels/"+sandbox.BotCommandsID.String()+"/messages" || ex.Status != 200 ||
		string(ex.Request) != `{"content":"Hello, ada!"}` {
		t.Fatalf("step 9 exchange = %+v", ex)
	}
	if !botSaid(s, "Hello, ada!") {
		t.Fatal("the reply is not in the channel")
	}
	s10 := mustNext(t, w, 10)
	if echo := messageIn(t, s10.Frames[0]); echo.Author.ID != sandbox.BotID || echo.Content != "Hello, ada!" {
		t.Fatalf("step 10 MESSAGE_CREATE = %s", s10.Frames[0].Data)
	}
	if last, err := w.Next(ctxFor(t)); !errors.Is(err, ErrFinished) || last.N != 10 {
		t.Fatalf("Next after the end = %d, %v", last.N, err)
	}

	for _, st := range []Step{s1, s2, s3, s4, s5, s6, s7, s8, s9, s10} {
		if len(st.CodeLines["python"]) == 0 || len(st.CodeLines["go"]) == 0 {
			t.Errorf("step %d has no code lines", st.N)
		}
		shown = append(shown, st.Frames...)
	}
	emitted := k.All()
	assertInOrder(t, shown, emitted)
	for _, f := range emitted {
		if strings.Contains(string(f.Data), sandbox.Token) {
			t.Fatalf("the token reached the sink: %s", f.Data)
		}
		if f.Conn != w.ConnID() || f.Peer != Peer {
			t.Fatalf("frame from %q/%q, want %q/%q", f.Conn, f.Peer, w.ConnID(), Peer)
		}
	}
}

// TestWalkWithoutMessageContent identifies without the intent: the
// member's !hello arrives empty and the bot posts nothing.
func TestWalkWithoutMessageContent(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, _ := newWalk(t, ts, s, Options{WithoutMessageContent: true})
	for n := 1; n <= 7; n++ {
		mustNext(t, w, n)
	}
	if conns := s.Connections(); len(conns) != 1 || conns[0].Intents.Has(gateway.IntentMessageContent) {
		t.Fatalf("connections = %+v", conns)
	}
	s8 := mustNext(t, w, 8)
	if msg := messageIn(t, s8.Frames[0]); msg.Content != "" || msg.Author.ID != sandbox.DefaultMemberID {
		t.Fatalf("step 8 MESSAGE_CREATE = %s", s8.Frames[0].Data)
	}
	s9 := mustNext(t, w, 9)
	s10 := mustNext(t, w, 10)
	if len(s9.Frames) != 0 || len(s10.Frames) != 0 || !strings.Contains(s9.Explanation, "MESSAGE_CONTENT") && !strings.Contains(s9.Explanation, "message_content") {
		t.Fatalf("steps 9 and 10 = %+v / %+v", s9, s10)
	}
	if botSaid(s, "Hello, ada!") {
		t.Fatal("the bot answered a message it could not read")
	}
	if stored := s.Messages(sandbox.BotCommandsID); len(stored) == 0 || stored[len(stored)-1].Content != "!hello" {
		t.Fatalf("the member's message is not the last in the channel: %+v", stored)
	}
}

func messageIn(t *testing.T, f gateway.WireFrame) gateway.Message {
	t.Helper()
	p := payloadOf(t, f)
	var m gateway.Message
	if p.T == nil || *p.T != "MESSAGE_CREATE" || json.Unmarshal(p.D, &m) != nil {
		t.Fatalf("not a MESSAGE_CREATE: %s", f.Data)
	}
	return m
}

func botSaid(s *sandbox.Server, text string) bool {
	for _, m := range s.Messages(sandbox.BotCommandsID) {
		if m.Author.ID == sandbox.BotID && m.Content == text {
			return true
		}
	}
	return false
}

// assertInOrder checks that every shown frame reached the sink, in the
// order the steps showed them.
func assertInOrder(t *testing.T, shown, emitted []gateway.WireFrame) {
	t.Helper()
	i := 0
	for _, f := range emitted {
		if i < len(shown) && f.Time.Equal(shown[i].Time) && string(f.Data) == string(shown[i].Data) && f.Dir == shown[i].Dir {
			i++
		}
	}
	if i != len(shown) {
		t.Fatalf("only %d of %d shown frames reached the sink in order; sink: %v", i, len(shown), names(emitted))
	}
}

func names(fs []gateway.WireFrame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Dir)+":"+opName(f))
	}
	return out
}

// TestWalkAmidChatter walks with the sandbox's scripted members chatting
// fast: their messages must not be mistaken for the walk's, and once the
// walk is over frames reach the sink as they arrive.
func TestWalkAmidChatter(t *testing.T) {
	cfg := quietSandbox()
	cfg.Activity, cfg.ActivityEvery = true, 20*time.Millisecond
	s, ts := startSandbox(t, cfg)
	w, k := newWalk(t, ts, s, Options{})
	for n := 1; n <= 7; n++ {
		mustNext(t, w, n)
	}
	if msg := messageIn(t, mustNext(t, w, 8).Frames[0]); msg.Content != "!hello" || msg.Author.ID != sandbox.DefaultMemberID {
		t.Fatalf("step 8 took someone else's message: %+v", msg)
	}
	mustNext(t, w, 9)
	if echo := messageIn(t, mustNext(t, w, 10).Frames[0]); echo.Author.ID != sandbox.BotID {
		t.Fatalf("step 10 took someone else's message: %+v", echo)
	}
	after := len(k.All())
	waitFor(t, "chatter to reach the sink after the walk", func() bool {
		for _, f := range k.All()[after:] {
			if opName(f) == "MESSAGE_CREATE" {
				return true
			}
		}
		return false
	})
}
