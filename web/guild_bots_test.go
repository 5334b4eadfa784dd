package web

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"gatewaytour/inspector/sandbox"
)

// The guild view's tests drive two real bots that behave alike, one in
// discordgo and one in discord.py (testdata/guild_slash_bot.py):
//
//	/greet word:<string, required> times:<integer 1–5>  → "greet: <word> ×<times>"
//	  with a primary "More" button, a disabled "Nope" and a link button
//	"More" → a "Feedback" modal: "words", short, required, 2–50 characters
//	the modal → an ephemeral "Thanks for: <words>"

var discordgoEndpointsMu sync.Mutex

// pointDiscordgo aims discordgo's package-level endpoints at the test
// server until the test ends.
func pointDiscordgo(t *testing.T, base string) {
	discordgoEndpointsMu.Lock()
	api := base + "/api/v9/"
	targets := map[*string]string{
		&discordgo.EndpointAPI: api, &discordgo.EndpointGateway: api + "gateway", &discordgo.EndpointGatewayBot: api + "gateway/bot",
		&discordgo.EndpointUsers: api + "users/", &discordgo.EndpointChannels: api + "channels/", &discordgo.EndpointGuilds: api + "guilds/",
		&discordgo.EndpointApplications: api + "applications", &discordgo.EndpointWebhooks: api + "webhooks/",
	}
	saved := map[*string]string{}
	for v, to := range targets {
		saved[v], *v = *v, to
	}
	t.Cleanup(func() {
		for v, was := range saved {
			*v = was
		}
		discordgoEndpointsMu.Unlock()
	})
}

// startDiscordgoSlashBot runs the discordgo bot until the test ends.
func startDiscordgoSlashBot(t *testing.T, p *panelServer) {
	one := 1.0
	greet := &discordgo.ApplicationCommand{Name: "greet", Description: "Greets someone", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "word", Description: "What to say", Required: true},
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "times", Description: "How many times", MinValue: &one, MaxValue: 5},
	}}
	startDiscordgoBot(t, p, []*discordgo.ApplicationCommand{greet}, func(_ *discordgo.Session, i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			word, times := "", int64(1)
			for _, o := range i.ApplicationCommandData().Options {
				switch o.Name {
				case "word":
					word = o.StringValue()
				case "times":
					times = o.IntValue()
				}
			}
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
				Content: "greet: " + word + " ×" + strconv.FormatInt(times, 10),
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: "more"},
					discordgo.Button{Label: "Nope", Style: discordgo.DangerButton, CustomID: "nope", Disabled: true},
					discordgo.Button{Label: "Docs", Style: discordgo.LinkButton, URL: "https://discord.com/developers/docs"},
				}}},
			}}
		case discordgo.InteractionMessageComponent:
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
				CustomID: "feedback", Title: "Feedback",
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "words", Label: "Your words", Style: discordgo.TextInputShort, Required: true, MinLength: 2, MaxLength: 50},
				}}},
			}}
		case discordgo.InteractionModalSubmit:
			words := i.ModalSubmitData().Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
				Content: "Thanks for: " + words, Flags: discordgo.MessageFlagsEphemeral,
			}}
		}
		return nil
	})
}

// startDiscordgoBot logs a discordgo bot in to the test server's sandbox,
// registers cmds in the home guild and answers each interaction with what
// answer returns (nil: no answer at all), until the test ends.
func startDiscordgoBot(t *testing.T, p *panelServer, cmds []*discordgo.ApplicationCommand, answer func(*discordgo.Session, *discordgo.InteractionCreate) *discordgo.InteractionResponse) *discordgo.Session {
	t.Helper()
	pointDiscordgo(t, p.ts.URL)
	dg, err := discordgo.New("Bot " + sandbox.Token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = discordgo.LogError
	dg.Identify.Intents = discordgo.IntentsGuilds
	ready := make(chan struct{}, 1)
	dg.AddHandler(func(s *discordgo.Session, _ *discordgo.Ready) {
		if _, err := s.ApplicationCommandBulkOverwrite(sandbox.ApplicationID.String(), sandbox.GuildID.String(), cmds); err != nil {
			t.Errorf("discordgo registering its commands: %v", err)
		}
		ready <- struct{}{}
	})
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		if resp := answer(s, i); resp != nil {
			_ = s.InteractionRespond(i.Interaction, resp) // a refusal is what some tests are about: the view shows it
		}
	})
	if err := dg.Open(); err != nil {
		t.Fatalf("discordgo could not log in to the sandbox: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("discordgo never became ready")
	}
	return dg
}

// startPySlashBot runs testdata/guild_slash_bot.py with the real discord.py
// and waits for it to have synced its command.
func startPySlashBot(t *testing.T, p *panelServer) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import discord, yarl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("discord.py is required in CI: %v", err)
		}
		t.Skipf("discord.py not available: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "testdata/guild_slash_bot.py", p.ts.URL, sandbox.Token, sandbox.GuildID.String())
	out, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("discord.py's stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("discord.py exited before it was ready")
			}
			if strings.HasPrefix(l, "READY") {
				go func() {
					for range lines {
					}
				}()
				return
			}
		case <-deadline:
			t.Fatal("discord.py never became ready")
		}
	}
}
