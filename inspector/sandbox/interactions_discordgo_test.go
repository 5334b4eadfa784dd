package sandbox

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
)

// slashBot is a discordgo bot with one slash command, a button and a modal,
// written as a learner would write it.
func slashBot(t *testing.T, ts *httptest.Server) *discordgo.Session {
	t.Helper()
	testkit.PointDiscordgoAt(t, ts.URL)
	dg, err := discordgo.New("Bot " + Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsGuilds
	ready := make(chan struct{}, 1)
	dg.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { ready <- struct{}{} })
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		var resp *discordgo.InteractionResponse
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			data := i.ApplicationCommandData()
			word := data.Options[0].StringValue()
			who := i.Member.User.Username
			if len(data.Options) > 1 {
				who = data.Resolved.Users[data.Options[1].Value.(string)].Username
			}
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
				Content: word + ", " + who + "!",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Feedback", Style: discordgo.PrimaryButton, CustomID: "feedback"}}}},
			}}
		case discordgo.InteractionMessageComponent:
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "feedback-modal", Title: "Feedback",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "text", Label: "Your thoughts", Style: discordgo.TextInputShort, Required: true, MaxLength: 100}}}},
			}}
		case discordgo.InteractionModalSubmit:
			text := i.ModalSubmitData().Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value
			resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
				Content: "Thanks for: " + text, Components: []discordgo.MessageComponent{}}}
		}
		if err := s.InteractionRespond(i.Interaction, resp); err != nil {
			t.Errorf("InteractionRespond: %v", err)
			return
		}
		if i.Type == discordgo.InteractionModalSubmit {
			if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "noted", Flags: discordgo.MessageFlagsEphemeral}); err != nil {
				t.Errorf("FollowupMessageCreate: %v", err)
			}
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatalf("discordgo could not open a session: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
	<-ready
	cmds, err := dg.ApplicationCommandBulkOverwrite(BotID.String(), GuildID.String(), []*discordgo.ApplicationCommand{{
		Name: "greet", Description: "Greets someone",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "word", Description: "What to say", Required: true},
			{Type: discordgo.ApplicationCommandOptionUser, Name: "who", Description: "Whom to greet"},
		},
	}})
	if err != nil || len(cmds) != 1 || cmds[0].ID == "" {
		t.Fatalf("ApplicationCommandBulkOverwrite = %v, %v", cmds, err)
	}
	return dg
}

// TestDiscordgoSlashCommandButtonAndModal syncs a slash command with the
// real discordgo library and drives it through the actor API.
func TestDiscordgoSlashCommandButtonAndModal(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(4096)
	defer cancel()
	slashBot(t, ts)

	if got := act(t, ts, "GET", "/commands", ""); dig(got.body, "guilds", GuildID.String()) == nil {
		t.Fatalf("GET /sandbox/commands = %v", got.body)
	}
	res := act(t, ts, "POST", "/interactions", `{"type":"command","name":"greet","options":{"word":"Hello","who":"`+grace+`"}}`)
	msg := dig(res.body, "response", "message")
	if res.body["acknowledged"] != true || dig(msg, "content") != "Hello, grace!" || dig(msg, "components") == nil {
		t.Fatalf("command answer = %v", res.body)
	}
	msgID := dig(msg, "id").(string)
	res = act(t, ts, "POST", "/interactions", `{"type":"component","message_id":"`+msgID+`","custom_id":"feedback"}`)
	if dig(res.body, "response", "type") != 9.0 || dig(res.body, "response", "data", "custom_id") != "feedback-modal" {
		t.Fatalf("button answer = %v", res.body)
	}
	res = act(t, ts, "POST", "/interactions", `{"type":"modal","custom_id":"feedback-modal","fields":{"text":"great tour"}}`)
	if dig(res.body, "response", "type") != 7.0 || dig(res.body, "response", "message", "content") != "Thanks for: great tour" {
		t.Fatalf("modal answer = %v", res.body)
	}
	id := res.body["id"].(string)
	waitFor(t, "the ephemeral follow-up", func() bool {
		later := act(t, ts, "GET", "/interactions/"+id, "")
		f, _ := later.body["followups"].([]any)
		return len(f) == 1 && dig(f[0], "content") == "noted" && dig(f[0], "flags") == 64.0
	})

	// The panel saw the three INTERACTION_CREATEs and the bot's callbacks.
	var dispatched, callbacks int
	for f := range drain(frames) {
		if f.REST != nil && strings.HasSuffix(f.REST.Route, "/callback") && f.REST.Status == 204 {
			callbacks++
		}
		if f.Dir == gateway.Recv && f.Data != nil {
			if p, err := gateway.DecodePayload(f.Data); err == nil && p.T != nil && *p.T == "INTERACTION_CREATE" {
				dispatched++
			}
		}
	}
	if dispatched != 3 || callbacks != 3 {
		t.Fatalf("observed %d INTERACTION_CREATE and %d callbacks, want 3 and 3", dispatched, callbacks)
	}
}
