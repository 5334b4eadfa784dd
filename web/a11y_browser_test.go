package web

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gatewaytour/lessons"
)

// axePath finds axe-core's browser build: GATEWAYTOUR_AXE (set by .ci/run,
// which installs it from npm outside the repo), else the cache folder
// .ci/run installs into. Without it the test is skipped, except in CI,
// where a missing axe-core is a failure.
func axePath(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("GATEWAYTOUR_AXE")}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache")
		}
	}
	if cache != "" {
		candidates = append(candidates, filepath.Join(cache, "gatewaytour-npm", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "axe-core is not installed: run .ci/run, or npm install --prefix ~/.cache/gatewaytour-npm axe-core@4, or set GATEWAYTOUR_AXE to its axe.min.js"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("skipping the accessibility test: " + msg)
	return ""
}

// axeViolation is one rule axe-core found broken, with a few of the nodes.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeScan runs axe-core on the page as it is now (injecting it through
// DevTools, so the page's Content-Security-Policy stays as it is) and
// returns the violations of WCAG 2.1 A/AA and best practice.
func axeScan(t *testing.T, b *browserSession, source string) []axeViolation {
	t.Helper()
	if !evalIn[bool](t, b, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](source+"\n;true")); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	const run = `axe.run(document, {
		runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
		resultTypes: ["violations"],
	}).then((r) => JSON.stringify(r.violations.map((v) => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " ")),
	}))))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var found []axeViolation
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("axe-core's answer %q: %v", out, err)
	}
	return found
}

// checkAxe fails the test on every critical or serious violation in the
// page's current state, and logs the lesser ones.
func checkAxe(t *testing.T, b *browserSession, source, state string) {
	t.Helper()
	for _, v := range axeScan(t, b, source) {
		line := fmt.Sprintf("%s: %s %s (%s):\n    %s", state, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n    "))
		if v.Impact == "critical" || v.Impact == "serious" {
			t.Error(line)
		} else {
			t.Log(line)
		}
	}
}

// TestAccessibilityInBrowser runs axe-core over a real lesson with the panel
// live, with a frame open and with each dialog open, in the light and the
// dark theme.
func TestAccessibilityInBrowser(t *testing.T) {
	source, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	course, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := newPanelServer(t, course)
	axe := string(source)
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) { checkAxeStates(t, p, axe, theme) })
	}
	t.Run("phone", func(t *testing.T) {
		b := newBrowser(t)
		b.do(t, "a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/heartbeats"))
		b.waitTrue(t, "the panel is live", `document.documentElement.classList.contains("app-ready") && document.querySelector("#conn-state").dataset.kind === "identified"`)
		checkAxe(t, b, axe, "phone, the Lesson view")
		b.do(t, "tap Frames", chromedp.Click(chromedp.CSS("#view-frames")))
		b.waitTrue(t, "the Frames view", `document.body.dataset.view === "frames"`)
		checkAxe(t, b, axe, "phone, the Frames view")
	})
}

// checkAxeStates walks one theme through the page's states, scanning each.
func checkAxeStates(t *testing.T, p *panelServer, axe, theme string) {
	b := newBrowser(t)
	{
		b.do(t, "open a lesson in the "+theme+" theme", prefersColorScheme(theme), chromedp.Navigate(p.ts.URL+"/lessons/heartbeats"))
		b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
		b.waitTrue(t, "the theme", `getComputedStyle(document.documentElement).colorScheme === `+jsString(theme))
		b.waitTrue(t, "the panel is live", `document.querySelector("#conn-state").dataset.kind === "identified" && document.querySelectorAll(".frame-row").length >= 4`)
		checkAxe(t, b, axe, theme+", the panel live")

		b.do(t, "open the newest frame from the keyboard", chromedp.Focus(chromedp.CSS("#frame-list")), keyWithoutText("End", "End", 35))
		b.waitTrue(t, "its detail", `document.querySelector("#frame-detail .detail-title")`)
		checkAxe(t, b, axe, theme+", a frame open")

		// A dispatch with guild, user and member objects in its payload.
		b.do(t, "filter GUILD_CREATE", chromedp.SendKeys(chromedp.CSS("#filter-event"), "GUILD_CREATE"))
		b.waitTrue(t, "the list is filtered", guildCreatesOnly)
		b.do(t, "open it", chromedp.Focus(chromedp.CSS("#frame-list")), keyWithoutText("End", "End", 35))
		b.waitTrue(t, "its detail", `document.querySelector("#frame-detail .detail-title").textContent.includes("GUILD_CREATE")`)
		checkAxe(t, b, axe, theme+", a GUILD_CREATE open")
		clearField(t, b, "#filter-event")

		b.do(t, "search frames", chromedp.SendKeys(chromedp.CSS("#frame-search"), "heartbeat"))
		b.waitTrue(t, "the list is filtered", `document.querySelector("#frame-count").textContent.includes(" of ")`)
		checkAxe(t, b, axe, theme+", a frame search")
		clearField(t, b, "#frame-search")

		for _, d := range []struct{ name, open, dialog string }{
			{"search", "#search-open", "#search-dialog"},
			{"shortcuts", "#shortcuts-open", "#shortcuts-dialog"},
			{"connect", "#connect-open", "#connect-dialog"},
			{"connect your bot", "#join-open", "#join-dialog"},
		} {
			b.do(t, "open the "+d.name+" dialog", chromedp.Click(chromedp.CSS(d.open)))
			b.waitTrue(t, "the "+d.name+" dialog is open", `document.querySelector(`+jsString(d.dialog)+`).open`)
			if d.name == "search" {
				b.do(t, "search the lessons", chromedp.SendKeys(chromedp.CSS("#search-input"), "heartbeat"))
				b.waitTrue(t, "results", `document.querySelectorAll("#search-results [role=option]").length >= 1`)
			}
			if d.name == "connect your bot" {
				b.waitTrue(t, "the recipes", `document.querySelectorAll(".join-library").length === 3`)
			}
			checkAxe(t, b, axe, theme+", the "+d.name+" dialog open")
			if d.name == "connect" {
				for _, tab := range []string{"discord", "bot", "recording"} {
					b.do(t, "the "+tab+" tab", chromedp.Click(chromedp.CSS("#tab-"+tab)))
					checkAxe(t, b, axe, theme+", the connect dialog's "+tab+" tab")
				}
			}
			evalIn[bool](t, b, `document.querySelector(`+jsString(d.dialog)+`).close(), true`)
		}
	}
}

// clearField empties a text field as a reader deleting its text would.
func clearField(t *testing.T, b *browserSession, sel string) {
	t.Helper()
	evalIn[bool](t, b, `(() => { const f = document.querySelector(`+jsString(sel)+`); f.value = ""; f.dispatchEvent(new Event("input", { bubbles: true })); return true })()`)
}
