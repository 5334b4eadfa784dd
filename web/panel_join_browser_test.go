package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/sandbox"
)

// grantClipboard lets the page write and the test read the clipboard, as a
// reader's click on a copy button would.
func grantClipboard(origin string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := cdp.Call(ctx, t, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: origin,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestJoinDialogInBrowser opens "Connect your bot" from the panel: the
// sandbox's URLs for the page's own address, its token and the three
// libraries' lines, each with a working copy button; the "A bot on the
// sandbox" tab names the URL and token too.
func TestJoinDialogInBrowser(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "allow the clipboard", grantClipboard(p.ts.URL))
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	b.do(t, "open Connect your bot", chromedp.Click(chromedp.CSS("#join-open")))
	b.waitTrue(t, "the dialog is open and filled", `document.querySelector("#join-dialog").open && document.querySelector("#join-token").textContent !== "…"`)

	want := map[string]string{
		"#join-rest":    p.ts.URL + "/api/v10",
		"#join-gateway": "ws" + strings.TrimPrefix(p.ts.URL, "http") + "/gateway",
		"#join-token":   sandbox.Token,
	}
	for sel, text := range want {
		if got := evalIn[string](t, b, `document.querySelector(`+jsString(sel)+`).textContent`); got != text {
			t.Errorf("%s shows %q, want %q", sel, got, text)
		}
	}
	libs := evalIn[string](t, b, `JSON.stringify([...document.querySelectorAll(".join-library")].map((s) => [s.querySelector("h3").textContent, s.querySelector("pre").textContent]))`)
	var pairs [][2]string
	if err := json.Unmarshal([]byte(libs), &pairs); err != nil || len(pairs) != 3 {
		t.Fatalf("libraries %s (%v), want three", libs, err)
	}
	for i, name := range []string{"discord.py", "discordgo", "discord.js"} {
		if pairs[i][0] != name || !strings.Contains(pairs[i][1], p.ts.URL) {
			t.Errorf("library %d: %q with %q, want %s pointing at %s", i, pairs[i][0], pairs[i][1], name, p.ts.URL)
		}
	}
	if recipe := evalIn[string](t, b, `document.querySelector("#join-recipe").textContent`); !strings.Contains(recipe, "discord.py") || !strings.Contains(recipe, sandbox.Token) {
		t.Errorf("the whole recipe is %q", recipe)
	}

	b.do(t, "copy the token", chromedp.Click(chromedp.CSS(`button[data-copy="join-token"]`)))
	b.waitTrue(t, "the button says so", `document.querySelector('button[data-copy="join-token"]').textContent === "Copied"`)
	if got := clipboard(t, b); got != sandbox.Token {
		t.Errorf("the clipboard holds %q, want the token", got)
	}
	b.do(t, "copy discord.js", chromedp.Click(chromedp.CSS(`button[data-copy="join-lib-2"]`)))
	b.waitTrue(t, "the discord.js button says so", `document.querySelector('button[data-copy="join-lib-2"]').textContent === "Copied"`)
	if got := clipboard(t, b); !strings.Contains(got, `rest: { api: "`+p.ts.URL+`/api" }`) {
		t.Errorf("the clipboard holds %q, want the discord.js lines", got)
	}
	b.screenshot(t, "join-dialog")

	b.do(t, "close", chromedp.Click(chromedp.CSS(`#join-dialog [data-close-dialog]`)))
	b.do(t, "open Connect", chromedp.Click(chromedp.CSS("#connect-open")))
	b.do(t, "pick the bot tab", chromedp.Click(chromedp.CSS("#tab-bot")))
	b.waitTrue(t, "the tab names URL and token", `document.querySelector("#sandbox-token").textContent === `+jsString(sandbox.Token)+
		` && document.querySelector("#sandbox-api-url").textContent === `+jsString(p.ts.URL+"/api/v10"))
	b.do(t, "follow the link to the recipes", chromedp.Click(chromedp.CSS("#pane-bot [data-open-join]")))
	b.waitTrue(t, "the join dialog replaces the Connect dialog", `document.querySelector("#join-dialog").open && !document.querySelector("#connect-dialog").open`)
}

func clipboard(t *testing.T, b *browserSession) string {
	t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("read the clipboard: %v", err)
	}
	return text
}
