package web

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDismissedBotNoticeStaysDismissed: a reader dismisses "a bot just
// logged in" and reloads the page; the same bot is not offered again, but a
// second bot is.
func TestDismissedBotNoticeStaysDismissed(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the panel is identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	startSandboxBot(t, p, "firstbot")
	b.waitTrue(t, "the bot is announced", `!document.getElementById("bot-notice").hidden && document.getElementById("bot-notice-text").textContent.includes("firstbot")`)
	b.do(t, "dismiss it", chromedp.Click(chromedp.CSS("#bot-notice-dismiss")))
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the panel is identified again", `document.querySelector("#conn-state").dataset.kind === "identified" && [...document.querySelectorAll("#stream-select option")].some((o) => o.textContent.includes("firstbot"))`)
	// Give the streams list time to arrive and be acted on.
	time.Sleep(500 * time.Millisecond)
	if !evalIn[bool](t, b, `document.getElementById("bot-notice").hidden`) {
		t.Fatal("the dismissed bot is announced again after a reload")
	}
	startSandboxBot(t, p, "secondbot")
	b.waitTrue(t, "a new bot is still announced", `!document.getElementById("bot-notice").hidden && document.getElementById("bot-notice-text").textContent.includes("secondbot")`)
}
