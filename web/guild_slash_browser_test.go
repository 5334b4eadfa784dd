package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/sandbox"
)

func TestGuildSlashCommandButtonAndModalWithDiscordgo(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	startDiscordgoSlashBot(t, p)
	driveSlashCommand(t, newBrowser(t), p)
}

func TestGuildSlashCommandButtonAndModalWithDiscordPy(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	startPySlashBot(t, p)
	driveSlashCommand(t, newBrowser(t), p)
}

const stripItems = `[...document.querySelectorAll("#guild-strip-list button")].map((b) => b.textContent).join("\n")`

// driveSlashCommand uses /greet as a person would, from the keyboard: the
// picker, the options, the reply's buttons, the modal, the ephemeral
// answer; and checks the "what just happened" strip and the panel.
func driveSlashCommand(t *testing.T, b *browserSession, p *panelServer) {
	t.Helper()
	openGuild(t, b, p)
	b.waitTrue(t, "a bot is connected: no recipe", `document.querySelector("#guild-nobot").hidden`)
	b.do(t, "open #bot-commands", chromedp.Click(chromedp.CSS(`.guild-chan[data-id="`+sandbox.BotCommandsID.String()+`"]`)))
	b.waitTrue(t, "#bot-commands is open", `document.querySelector("#guild-title").textContent === "#bot-commands"`)

	b.do(t, "type /", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/"))
	b.waitTrue(t, "the picker lists /greet with its description", `!document.querySelector("#guild-picker").hidden && document.querySelector("#guild-picker").textContent.includes("/greet") && document.querySelector("#guild-picker").textContent.includes("Greets someone")`)
	b.do(t, "choose it with Enter", chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "its options are shown, required first, with their types", `[...document.querySelectorAll("#guild-options [data-option]")].map((f) => f.dataset.option).join() === "word,times" && document.querySelector("#guild-options").textContent.includes("string") && document.querySelector("#guild-options").textContent.includes("integer")`)
	b.do(t, "fill the options and press Enter",
		chromedp.Focus(chromedp.CSS(`[data-option="word"]`)), chromedp.KeyEvent("hello"),
		chromedp.Focus(chromedp.CSS(`[data-option="times"]`)), chromedp.KeyEvent("3"), chromedp.KeyEvent(kb.Enter))
	reply := `[...document.querySelectorAll(".gmsg")].find((m) => m.textContent.includes("greet: hello ×3"))`
	b.waitTrue(t, "the bot's reply with its buttons", reply+`?.querySelectorAll(".gbutton").length === 3`)
	if !evalIn[bool](t, b, reply+`.querySelector(".gmsg-bot") !== null && [...`+reply+`.querySelectorAll(".gbutton")].map((x) => x.disabled).join() === "false,true,false"`) {
		t.Errorf("the reply lacks its bot tag or the disabled button: %s", evalIn[string](t, b, reply+".textContent"))
	}
	b.waitTrue(t, "the strip shows INTERACTION_CREATE and the callback", `(`+stripItems+`).includes("received INTERACTION_CREATE") && (`+stripItems+`).includes("/callback")`)
	if line := evalIn[string](t, b, `document.querySelector("#guild-strip-line").textContent`); !containsAll(line, "/greet", "interaction callback") {
		t.Errorf("strip line = %q", line)
	}

	b.do(t, "press the link button", chromedp.Click(chromedp.JSPath(reply+`.querySelectorAll(".gbutton")[2]`)))
	b.waitTrue(t, "it says it opens nothing offline", `document.querySelector("#guild-typing").textContent.includes("offline")`)

	b.do(t, "press More with the keyboard", chromedp.Focus(chromedp.JSPath(reply+`.querySelector(".gbutton")`)), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the Feedback modal is open", `document.querySelector("#guild-modal").open && document.querySelector("#guild-modal-title").textContent === "Feedback"`)
	field := `document.querySelector("#guild-modal-fields input")`
	if !evalIn[bool](t, b, field+`.required && `+field+`.minLength === 2 && `+field+`.maxLength === 50 && document.activeElement === `+field) {
		t.Errorf("the modal's field lost its limits or the focus: %s", evalIn[string](t, b, field+".outerHTML"))
	}
	b.do(t, "fill the modal and submit with Enter", chromedp.KeyEvent("lovely"), chromedp.KeyEvent(kb.Enter))
	thanks := `[...document.querySelectorAll(".gmsg")].find((m) => m.textContent.includes("Thanks for: lovely"))`
	b.waitTrue(t, "the ephemeral answer, for you only", thanks+`?.textContent.includes("Only you can see this")`)

	b.do(t, "type a whole command", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/greet word:typed times:2"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the typed command ran", `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("greet: typed ×2"))`)
	b.waitTrue(t, "the strip follows the new action", `(`+stripItems+`).includes("INTERACTION_CREATE")`)

	b.do(t, "show the first frame in the panel", chromedp.Click(chromedp.CSS(`#guild-strip-list button`)))
	b.waitTrue(t, "the panel shows INTERACTION_CREATE selected", `!document.querySelector("#panel-body").hidden && `+panelJS+`.list.selected()?.t === "INTERACTION_CREATE"`)
	b.screenshot(t, "guild-slash")
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
