package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNewBotIsOfferedInBrowser starts a bot on the sandbox while a lesson
// is open, as a reader following "Watch your own bot" does: the panel says
// so at once and one click watches it.
func TestNewBotIsOfferedInBrowser(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", prefersColorScheme("light"), chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the panel is identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	if !evalIn[bool](t, b, `document.getElementById("bot-notice").hidden`) {
		t.Fatal("the panel announces a bot before any connected")
	}

	startSandboxBot(t, p, "noticebot")
	b.waitTrue(t, "the new bot is announced", `!document.getElementById("bot-notice").hidden &&
		document.getElementById("bot-notice-text").textContent.includes("noticebot")`)
	b.screenshot(t, "panel-bot-notice-light")
	stream := evalIn[string](t, b, `document.getElementById("bot-notice").dataset.stream`)
	b.do(t, "watch it", chromedp.Click(chromedp.CSS("#bot-notice-watch")))
	b.waitTrue(t, "the panel follows the bot", panelJS+`.state.streamID === "`+stream+`" && document.getElementById("bot-notice").hidden`)
	b.waitTrue(t, "the bot's READY is in the panel", recordsWhere(`r.t === "READY"`)+" >= 1")
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
}
