package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// typeToken connects the panel to "Real Discord" with token through the
// Connect dialog, as a reader would.
func typeToken(t *testing.T, b *browserSession, token string) {
	t.Helper()
	b.do(t, "open Connect", chromedp.Click(chromedp.CSS("#connect-open")))
	b.do(t, "pick Real Discord", chromedp.Click(chromedp.CSS("#tab-discord")))
	b.waitTrue(t, "privileged intents start unticked for Discord",
		`[...document.querySelectorAll('#intent-choices input[data-privileged="true"]')].every((b) => !b.checked)`)
	b.do(t, "type the token", chromedp.SendKeys(chromedp.CSS("#token-input"), token))
	b.do(t, "connect", chromedp.Click(chromedp.CSS("#connect-submit")))
}

// assertTokenNowhere checks the page, the browser's storage, every response
// the server sent, its log and the export for the token.
func assertTokenNowhere(t *testing.T, b *browserSession, p *panelServer, token string) {
	t.Helper()
	places := map[string]string{
		"the page":            evalIn[string](t, b, "document.documentElement.outerHTML"),
		"the token field":     evalIn[string](t, b, `document.querySelector("#token-input").value`),
		"the browser storage": evalIn[string](t, b, "JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"),
		"the server log":      p.log.String(),
		"a response":          p.responses.String(),
	}
	_, _, places["the export"] = p.request(t, "GET", "/panel/export?stream=inspector", "")
	for where, text := range places {
		if strings.Contains(text, token) {
			t.Errorf("the token appears in %s", where)
		}
	}
	if !strings.Contains(p.responses.String(), "event: records") {
		t.Error("no frame stream was captured, so the response check proves little")
	}
}

// TestPanelRefusesATokenOfTheWrongShape types something that is not a bot
// token (a client secret, say): the panel explains, and the text never
// leaves the server or shows up anywhere.
func TestPanelRefusesATokenOfTheWrongShape(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	const secret = "Zq9-client-secret-WRONGPLACE_4f81"
	typeToken(t, b, secret)
	b.waitTrue(t, "the dialog explains", `!document.querySelector("#connect-error").hidden && document.querySelector("#connect-error").textContent.includes("three parts joined by dots")`)
	b.waitTrue(t, "the field is emptied", `document.querySelector("#token-input").value === ""`)
	b.screenshot(t, "panel-token-refused")
	if kind := evalIn[string](t, b, `document.querySelector("#conn-state").dataset.kind`); kind != "identified" {
		t.Errorf("a refused token changed the connection to %q", kind)
	}
	assertTokenNowhere(t, b, p, secret)
}
