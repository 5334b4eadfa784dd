package web

import (
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// TestPanelWrongTokenInBrowser connects "Real Discord" (a second sandbox
// standing in for discord.com) with a token it does not know: the panel
// keeps its sandbox session, explains close 4004 with its meaning, offers
// the way back, and the token is nowhere to be found.
func TestPanelWrongTokenInBrowser(t *testing.T) {
	discord := sandbox.New(sandbox.Config{HeartbeatInterval: time.Second, ServerHeartbeatEvery: -1})
	t.Cleanup(discord.Close)
	fake := httptest.NewServer(discord.Handler())
	t.Cleanup(fake.Close)
	p := newPanelServer(t, panelCourse(t), func(c *live.Config) { c.DiscordREST = fake.URL + "/api/v10" })
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)

	const token = "MTExMTExMTExMTExMTExMTExMQ.GwrOng.not-the-sandbox-token_but-shaped-right"
	typeToken(t, b, token)
	b.waitTrue(t, "the dialog closes", `!document.querySelector("#connect-dialog").open`)
	b.waitTrue(t, "the failure names 4004", `document.querySelector("#attempt-text").textContent.includes("4004")`)
	meaning := gateway.LookupClose(4004).Meaning
	b.waitTrue(t, "the meaning is explained", `document.querySelector("#attempt-text").textContent.includes(`+jsString(meaning)+`)`)
	b.waitTrue(t, "the sandbox session stayed", `document.querySelector("#conn-state .conn-text").textContent === "Identified · sandbox"`)
	b.screenshot(t, "panel-4004")
	assertTokenNowhere(t, b, p, token)
	b.do(t, "back to the sandbox", chromedp.Click(chromedp.CSS("#attempt-back")))
	b.waitTrue(t, "the failure is put aside", `document.querySelector("#attempt-note").hidden`)
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "identified again", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	if evalIn[bool](t, b, `!document.querySelector("#attempt-note").hidden`) {
		t.Error("a dismissed failure came back after a reload")
	}
}

// TestPanelOfflineDiscordInBrowser connects "Real Discord" where nothing
// answers (a closed port, then a name that does not resolve): a sentence
// says so, the sandbox stays, and the button leads back to it. After a
// disconnect (nothing to keep) the same failure leaves the state stopped
// and the button reconnects the sandbox.
func TestPanelOfflineDiscordInBrowser(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	for name, base := range map[string]string{
		"refused":   "http://" + closed + "/api/v10",
		"no answer": "http://discord.gatewaytour.invalid/api/v10",
	} {
		t.Run(name, func(t *testing.T) {
			p := newPanelServer(t, panelCourse(t), func(c *live.Config) { c.DiscordREST = base })
			b := newBrowser(t)
			b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
			b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
			const token = "MTExMTExMTExMTExMTExMTExMQ.GwrOng.shaped-right_for-a-machine-offline"
			typeToken(t, b, token)
			b.waitTrue(t, "the sentence", `document.querySelector("#attempt-text").textContent.includes("could not be reached from this machine: check your connection")`)
			if text := evalIn[string](t, b, `document.querySelector("#panel").innerText`); strings.Contains(text, "dial tcp") || strings.Contains(text, "no such host") {
				t.Errorf("the panel shows a raw network error: %q", text)
			}
			b.waitTrue(t, "the sandbox session stayed", `document.querySelector("#conn-state .conn-text").textContent === "Identified · sandbox"`)
			b.do(t, "back to the sandbox", chromedp.Click(chromedp.CSS("#attempt-back")))
			b.waitTrue(t, "the failure is put aside", `document.querySelector("#attempt-note").hidden`)

			b.do(t, "disconnect", chromedp.Click(chromedp.CSS("#disconnect")))
			b.waitTrue(t, "stopped", `document.querySelector("#conn-state").dataset.kind === "stopped"`)
			typeToken(t, b, token)
			b.waitTrue(t, "stopped with the sentence", `document.querySelector("#conn-state").dataset.kind === "stopped" &&
				document.querySelector("#conn-detail").textContent.includes("could not be reached from this machine")`)
			b.waitTrue(t, "the way back is offered", `!document.querySelector("#attempt-back").hidden`)
			// Clicked from script: the state line above it may still be
			// changing size under a loaded machine, moving the button.
			evalIn[bool](t, b, `document.querySelector("#attempt-back").click(), true`)
			b.waitTrue(t, "on the sandbox again", `document.querySelector("#conn-state .conn-text").textContent === "Identified · sandbox"`)
			assertTokenNowhere(t, b, p, token)
		})
	}
}
