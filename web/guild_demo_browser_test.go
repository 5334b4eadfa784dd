package web

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/inspector/sandbox"
)

// TestGuildDemoBot: with no bot of the learner's, the built-in demo bot
// answers /hello in the view, its "thinking" /roll resolves, and the
// view's switch turns it off.
func TestGuildDemoBot(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	sup := mountDemoSwitch(p)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sup.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	b := newBrowser(t)
	openGuild(t, b, p)
	b.waitTrue(t, "the view says the demo bot is answering", `document.querySelector("#guild-nobot summary")?.textContent.includes("demo bot is answering")`)
	b.do(t, "open #bot-commands", chromedp.Click(chromedp.CSS(`.guild-chan[data-id="`+sandbox.BotCommandsID.String()+`"]`)))
	b.do(t, "run /hello", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/hello"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the picker chose /hello", `document.querySelector("#guild-input").value.startsWith("/hello")`)
	b.do(t, "press Enter", chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the demo bot's greeting, in bold, with its buttons", `[...document.querySelectorAll(".gmsg")].some((m) => m.querySelector("strong")?.textContent === "ada" && m.textContent.includes("built-in demo bot") && m.querySelectorAll(".gbutton").length === 2)`)
	if source, err := os.ReadFile(axePath(t)); err == nil {
		checkAxe(t, b, string(source), "guild view with the demo bot's buttons")
		b.do(t, "open the note modal", chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll(".gbutton")].find((x) => x.textContent === "Tell me something")`)))
		b.waitTrue(t, "the modal is open", `document.querySelector("#guild-modal").open`)
		checkAxe(t, b, string(source), "guild view with a modal open")
		b.do(t, "close it with Escape", chromedp.KeyEvent(kb.Escape))
		b.waitTrue(t, "the modal closed", `!document.querySelector("#guild-modal").open`)
	}
	b.do(t, "roll a die", chromedp.Focus(chromedp.CSS("#guild-input")), chromedp.KeyEvent("/roll sides:20"), chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the bot thinks first", `[...document.querySelectorAll(".gmsg-thinking")].some((e) => e.textContent.includes("is thinking"))`)
	b.waitTrue(t, "then the roll replaces the thinking", `[...document.querySelectorAll(".gmsg")].some((m) => m.textContent.includes("(1–20)")) && document.querySelectorAll(".gmsg-thinking").length === 0`)
	b.do(t, "turn the demo bot off", chromedp.Click(chromedp.CSS(".guild-demo-toggle")))
	b.waitTrue(t, "it is gone, and the view says no bot is connected", `document.querySelector(".guild-demo-toggle").textContent.includes("on") && document.querySelector("#guild-nobot summary").textContent.startsWith("No bot")`)
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("console problems: %v", problems)
	}
}
