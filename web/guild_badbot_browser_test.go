package web

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/sandbox"
)

// TestGuildShowsWhyNothingAppeared: a bot whose answer breaks Discord's
// limits gets the sandbox's 50035, and the view gives that as the reason
// the command failed; a bot that dies mid-interaction leaves "The
// application did not respond", never a spinner.
func TestGuildShowsWhyNothingAppeared(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	cmds := []*discordgo.ApplicationCommand{{Name: "broken", Description: "Answers with an embed title over 256 characters"}, {Name: "crash", Description: "Dies instead of answering"}}
	startDiscordgoBot(t, p, cmds, func(s *discordgo.Session, i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
		if i.ApplicationCommandData().Name == "crash" {
			go s.Close()
			return nil
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
			Content: "never seen",
			Embeds:  []*discordgo.MessageEmbed{{Title: strings.Repeat("x", 257), Description: "a title over Discord's 256 characters"}},
		}}
	})
	b := newBrowser(t)
	openGuild(t, b, p)
	b.do(t, "open #bot-commands", chromedp.Click(chromedp.CSS(`.guild-chan[data-id="`+sandbox.BotCommandsID.String()+`"]`)))
	b.waitTrue(t, "the bot is connected", `document.querySelector("#guild-nobot").hidden`)

	b.do(t, "run /broken", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/broken"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the picker chose it", `document.querySelector("#guild-input").value.startsWith("/broken")`)
	b.do(t, "press Enter to run it", chromedp.KeyEvent(kb.Enter))
	failure := `[...document.querySelectorAll(".gmsg-error")].map((e) => e.textContent).join("\n")`
	b.waitTrue(t, "the failure names the refused field", `(`+failure+`).includes("The application did not respond") && (`+failure+`).includes("50035") && (`+failure+`).includes("title")`)
	if evalIn[bool](t, b, `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("never seen"))`) {
		t.Error("the refused answer appeared anyway")
	}
	b.waitTrue(t, "the strip shows the refused callback", `document.querySelector("#guild-strip-line").textContent.includes("refused")`)

	b.do(t, "run /crash", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/crash"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the crash reads as no response", `(`+failure+`).split("The application did not respond").length === 3`)
	if evalIn[bool](t, b, `[...document.querySelectorAll(".gmsg-thinking")].length > 0 || document.querySelector("#guild-typing").textContent.includes("Sending")`) {
		t.Error("a spinner is left after the bot died")
	}
}
