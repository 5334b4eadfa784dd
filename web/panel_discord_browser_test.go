package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// TestPanelWrongTokenInBrowser connects "Real Discord" (a second sandbox
// standing in for discord.com) with a token it does not know: the panel
// shows close 4004 with its meaning, and the token is nowhere to be found.
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
	b.waitTrue(t, "the state shows 4004", `document.querySelector("#conn-state").textContent.includes("4004")`)
	meaning := gateway.LookupClose(4004).Meaning
	b.waitTrue(t, "the meaning is explained", `document.querySelector("#conn-detail").textContent.includes(`+jsString(meaning)+`)`)
	b.waitTrue(t, "the close frame is in the list", recordsWhere("r.close && r.close.code === 4004")+" >= 1")
	b.screenshot(t, "panel-4004")
	assertTokenNowhere(t, b, p, token)
}
