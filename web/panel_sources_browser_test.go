package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// startSandboxBot connects a bot of its own to the test server's sandbox,
// the way a reader's discordgo or discord.py bot would, until the test ends.
func startSandboxBot(t *testing.T, p *panelServer, name string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	bot, err := client.New(client.Config{
		RESTBase:   p.ts.URL + "/api/v10",
		Token:      sandbox.Token,
		Intents:    gateway.DefaultIntents,
		Properties: gateway.IdentifyProperties{OS: "linux", Browser: name, Device: name},
		ConnPrefix: name,
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = bot.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// TestPanelSourcesInBrowser picks another sandbox bot's stream in the
// Connect dialog, exports the panel's own stream, opens that export as a
// recording, and looks at the panel in the dark theme and on a phone.
func TestPanelSourcesInBrowser(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", prefersColorScheme("dark"), chromedp.Navigate(p.ts.URL+"/lessons/second"))
	b.waitTrue(t, "the panel is identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)

	// A bot on the sandbox.
	startSandboxBot(t, p, "panelbot")
	b.do(t, "open Connect", chromedp.Click(chromedp.CSS("#connect-open")))
	b.do(t, "pick the bot tab", chromedp.Click(chromedp.CSS("#tab-bot")))
	b.waitTrue(t, "the bot is listed", `document.querySelector("#bot-list button[data-stream]")`)
	b.screenshot(t, "panel-connect-bot-dark")
	botStream := evalIn[string](t, b, `document.querySelector("#bot-list button[data-stream]").dataset.stream`)
	b.do(t, "watch the bot", chromedp.Click(chromedp.CSS("#bot-list button[data-stream]")))
	b.waitTrue(t, "the bot's stream is shown", panelJS+".state.streamID === "+jsString(botStream)+
		` && document.querySelector("#stream-select").value === `+jsString(botStream))
	b.waitTrue(t, "the bot's Hello and READY", recordsWhere("r.op === 10")+" === 1 && "+recordsWhere(`r.t === "READY"`)+" === 1")
	// Frames before Identify (Hello) cannot name the bot yet.
	peers := evalIn[[]string](t, b, `[...new Set(`+panelJS+`.state.records.map((r) => r.peer || ""))]`)
	for _, peer := range peers {
		if peer != "" && peer != "panelbot" {
			t.Errorf("the bot's stream holds a frame of %q", peer)
		}
	}

	// Back to the panel's own stream, through the picker.
	b.do(t, "pick the inspector", setField("#stream-select", "inspector"))
	b.waitTrue(t, "the inspector's stream is back", panelJS+`.state.streamID === "inspector" && `+recordsWhere(`r.t === "READY"`)+" === 1")
	checkCollapseAndResize(t, b)

	// Export: an attachment of NDJSON records that opens again as a recording.
	href := evalIn[string](t, b, `document.querySelector("#export-link").href`)
	if !strings.HasSuffix(href, "/panel/export?stream=inspector") {
		t.Errorf("the export link is %q", href)
	}
	status, _, body := p.request(t, "GET", "/panel/export?stream=inspector", "")
	if status != 200 || !strings.Contains(body, `"op_name":"Hello"`) {
		t.Fatalf("export: %d, %.100q", status, body)
	}
	file := filepath.Join(t.TempDir(), "session.ndjson")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(t, "open Connect", chromedp.Click(chromedp.CSS("#connect-open")))
	b.do(t, "pick the recording tab", chromedp.Click(chromedp.CSS("#tab-recording")))
	b.do(t, "choose the file", chromedp.SetUploadFiles(chromedp.CSS("#recording-input"), []string{file}))
	b.do(t, "open it", chromedp.Click(chromedp.CSS("#connect-submit")))
	b.waitTrue(t, "the recording is shown", panelJS+`.state.streamID.startsWith("recording") && `+recordsWhere("r.op === 10")+" === 1")
	b.waitTrue(t, "the state says recording", `document.querySelector("#conn-state").dataset.kind === "recording"`)
	b.waitTrue(t, "the picker names the file", `document.querySelector("#stream-select").selectedOptions[0].textContent.includes("session.ndjson")`)
	b.do(t, "select GUILD_CREATE", setField("#filter-event", "GUILD_CREATE"))
	b.waitTrue(t, "a row per guild", `document.querySelectorAll(".frame-row:not([hidden])").length === 2`)
	b.do(t, "click it", chromedp.Click(chromedp.CSS(".frame-row:not([hidden])")))
	b.waitTrue(t, "its guild and members are marked", `document.querySelector('#payload .obj-guild[data-path="d"]') && document.querySelector('#payload .obj-member[data-path="d.members[0]"] .obj-user[data-path="d.members[0].user"]')`)
	b.screenshot(t, "panel-recording-dark")

	// A small laptop: the contents hide behind ☰, lesson and panel side by side.
	b.do(t, "medium viewport", chromedp.EmulateViewport(1100, 760))
	b.waitTrue(t, "lesson and panel side by side", `document.getElementById("panel").getBoundingClientRect().left >= document.getElementById("main").getBoundingClientRect().right`)
	b.screenshot(t, "panel-medium-dark")

	// A phone: the panel is the Frames tab and does not scroll sideways.
	b.do(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.do(t, "tap Frames", chromedp.Click(chromedp.CSS("#view-frames")))
	b.waitTrue(t, "the panel is on screen", `document.getElementById("panel").getBoundingClientRect().top < 200`)
	if w := evalIn[float64](t, b, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("the page is %.0f px wide on a 390 px phone", w)
	}
	b.screenshot(t, "panel-phone-dark")
	b.do(t, "light theme", prefersColorScheme("light"))
	b.screenshot(t, "panel-phone-light")

	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("console problems: %q", problems)
	}
}

// checkCollapseAndResize hides the panel while its stream carries on, shows
// it again, and widens it from the keyboard on its separator.
func checkCollapseAndResize(t *testing.T, b *browserSession) {
	t.Helper()
	width := `document.getElementById("panel").getBoundingClientRect().width`
	wide := evalIn[float64](t, b, width)
	count := evalIn[int](t, b, panelJS+".state.records.length")
	b.do(t, "collapse the panel", chromedp.Click(chromedp.CSS("#panel-collapse")))
	b.waitTrue(t, "the panel is a narrow strip", width+" < 80")
	b.screenshot(t, "panel-collapsed")
	b.waitTrue(t, "frames keep arriving while it is hidden", fmt.Sprintf("%s.state.records.length > %d", panelJS, count))
	b.do(t, "expand the panel", chromedp.Click(chromedp.CSS("#panel-collapse")))
	b.waitTrue(t, "the panel is back", fmt.Sprintf("Math.abs(%s - %f) < 2", width, wide))
	b.do(t, "focus the separator", chromedp.Focus(chromedp.CSS("#panel-resizer")), keyWithoutText("ArrowLeft", "ArrowLeft", 37))
	b.waitTrue(t, "the panel is wider", fmt.Sprintf("%s > %f + 16", width, wide))
}

// TestLessonsWithoutJavaScript: with scripts off, lesson links are ordinary
// page loads and the panel says it needs JavaScript instead of showing
// controls that would do nothing.
func TestLessonsWithoutJavaScript(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "turn scripts off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the first lesson is shown", `document.readyState === "complete" && document.body.dataset.lesson === "first"`)
	b.do(t, "follow Next", chromedp.Click(chromedp.CSS(".pager a[rel=next]")))
	b.waitTrue(t, "the second lesson is loaded", `location.pathname === "/lessons/second" && document.readyState === "complete" && document.body.dataset.lesson === "second"`)
	if !evalIn[bool](t, b, `["#frame-list", "#connect-open", "#frame-search", "#conn-state", "#panel-collapse"].every((s) => document.querySelector(s).getClientRects().length === 0)`) {
		t.Error("without scripts the panel still shows its controls")
	}
	if !evalIn[bool](t, b, `document.querySelector("#panel").textContent.includes("needs JavaScript")`) {
		t.Error("without scripts the panel does not say it needs them")
	}
	b.screenshot(t, "panel-no-javascript")
}
