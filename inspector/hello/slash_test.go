package hello

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
)

// TestSlashWalkAllElevenSteps walks the modern hello-world against a real
// sandbox: intents 0, no GUILD_CREATE, /hello registered with one PUT, used
// and answered with a button within the 3 s, the button clicked and the
// message updated; the member acts through the sandbox's actor API.
func TestSlashWalkAllElevenSteps(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, k := newWalk(t, ts, nil, Options{Slash: true})
	if w.Total() != SlashSteps {
		t.Fatalf("Total = %d, want %d", w.Total(), SlashSteps)
	}
	var all []Step
	for n := 1; n <= 4; n++ {
		all = append(all, mustNext(t, w, n))
	}
	s5 := mustNext(t, w, 5)
	var id gateway.Identify
	if p := payloadOf(t, s5.Frames[0]); p.Op != gateway.OpIdentify || json.Unmarshal(p.D, &id) != nil || id.Intents != 0 {
		t.Fatalf("step 5 Identify = %s", s5.Frames[0].Data)
	}
	s6 := mustNext(t, w, 6)
	if p := payloadOf(t, s6.Frames[0]); p.T == nil || *p.T != "READY" || !strings.Contains(s6.Explanation, "no GUILD_CREATE") {
		t.Fatalf("step 6 = %s / %s", s6.Frames[0].Data, s6.Explanation)
	}
	s7 := mustNext(t, w, 7)
	ex := exchangeOf(t, s7.Frames[0])
	if ex.HTTP != "PUT /api/v10/applications/"+sandbox.ApplicationID.String()+"/guilds/"+sandbox.GuildID.String()+"/commands" || ex.Status != 200 {
		t.Fatalf("step 7 exchange = %+v", ex)
	}
	if cmds := s.Commands().Guilds[sandbox.GuildID]; len(cmds) != 1 || cmds[0].Name != "hello" {
		t.Fatalf("registered = %+v", cmds)
	}
	s8 := mustNext(t, w, 8)
	var in struct {
		Type int `json:"type"`
		Data struct {
			Name     string `json:"name"`
			CustomID string `json:"custom_id"`
		} `json:"data"`
		Member *struct{ User gateway.User } `json:"member"`
	}
	if p := payloadOf(t, s8.Frames[0]); p.T == nil || *p.T != "INTERACTION_CREATE" || json.Unmarshal(p.D, &in) != nil ||
		in.Type != 2 || in.Data.Name != "hello" || in.Member == nil || in.Member.User.ID != sandbox.DefaultMemberID {
		t.Fatalf("step 8 frame = %.300s", s8.Frames[0].Data)
	}
	s9 := mustNext(t, w, 9)
	ex = exchangeOf(t, s9.Frames[0])
	if !strings.HasSuffix(ex.HTTP, "/callback") || ex.Status != 204 || !strings.Contains(string(ex.Request), `"custom_id":"wave"`) {
		t.Fatalf("step 9 exchange = %+v", ex)
	}
	if !botSaid(s, "Hello, ada!") {
		t.Fatal("the reply is not in the channel")
	}
	s10 := mustNext(t, w, 10)
	if p := payloadOf(t, s10.Frames[0]); json.Unmarshal(p.D, &in) != nil || in.Type != 3 || in.Data.CustomID != "wave" {
		t.Fatalf("step 10 frame = %.300s", s10.Frames[0].Data)
	}
	s11 := mustNext(t, w, 11)
	if ex := exchangeOf(t, s11.Frames[0]); ex.Status != 204 || !strings.Contains(string(ex.Request), `"type":7`) {
		t.Fatalf("step 11 exchange = %+v", ex)
	}
	if !botSaid(s, "ada waved back!") {
		t.Fatal("the message was not updated")
	}
	if last, err := w.Next(ctxFor(t)); !errors.Is(err, ErrFinished) || last.N != SlashSteps {
		t.Fatalf("Next after the end = %d, %v", last.N, err)
	}
	checkWalkedSteps(t, w, k, append(all, s5, s6, s7, s8, s9, s10, s11), "python", "go", "js")
}

// TestSlashWalkWhenAnotherBotAnswersFirst runs the walk beside a real
// discordgo bot on the sandbox's token that answers every interaction at
// once, while the walk's callbacks are held back a moment: the other bot
// wins, and the walk's step says what happened instead of failing
// obscurely.
func TestSlashWalkWhenAnotherBotAnswersFirst(t *testing.T) {
	_, ts := startSandbox(t, quietSandbox())
	testkit.PointDiscordgoAt(t, ts.URL)
	rival, err := discordgo.New("Bot " + sandbox.Token)
	if err != nil {
		t.Fatal(err)
	}
	rival.LogLevel = -1
	rival.Identify.Intents = 0
	rival.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "me first"}})
	})
	if err := rival.Open(); err != nil {
		t.Fatal(err)
	}
	defer rival.Close()

	w := New(Config{BaseURL: ts.URL, Sink: (&sink{}).Store, HTTPClient: &http.Client{Transport: slowCallbacks{}}}, Options{Slash: true})
	defer w.Close()
	for n := 1; n <= 7; n++ {
		mustNext(t, w, n)
	}
	step, err := w.Next(ctxFor(t))
	if err == nil || !strings.Contains(err.Error(), "answered this interaction first") || !strings.Contains(step.Explanation, "answered this interaction first") {
		t.Fatalf("step 8 = %q, %v", step.Explanation, err)
	}
}

// slowCallbacks holds back interaction callbacks by a moment, so another
// bot answers first.
type slowCallbacks struct{}

func (slowCallbacks) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/callback") {
		time.Sleep(300 * time.Millisecond)
	}
	return http.DefaultTransport.RoundTrip(r)
}
