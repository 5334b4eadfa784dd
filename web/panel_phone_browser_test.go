package web

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/lessons"
)

// TestPanelOnAPhoneInBrowser opens a real lesson at 390×844: the Lesson /
// Frames tabs are on screen at once, Frames shows the live panel filling
// the screen (not 15,000 px down the page), a lesson's frame link opens
// it, and Lesson brings the lesson back.
func TestPanelOnAPhoneInBrowser(t *testing.T) {
	course, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := newPanelServer(t, course)
	b := newBrowser(t)
	b.do(t, "a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.do(t, "open a long lesson", chromedp.Navigate(p.ts.URL+"/lessons/heartbeats"))
	b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
	b.waitTrue(t, "the panel is live", `document.querySelector("#conn-state").dataset.kind === "identified"`)

	tabsOnScreen := `(() => { const r = document.querySelector("#view-frames").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.width > 0 })()`
	b.waitTrue(t, "the Frames tab is on screen", tabsOnScreen)
	if !evalIn[bool](t, b, `getComputedStyle(document.querySelector("#panel")).display === "none"`) {
		t.Error("in the Lesson view the panel still takes room on the page")
	}
	evalIn[bool](t, b, `window.scrollTo(0, 3000), true`)
	b.waitTrue(t, "the tabs stay on screen while scrolling", tabsOnScreen)

	b.do(t, "tap Frames", chromedp.Click(chromedp.CSS("#view-frames")))
	b.waitTrue(t, "the panel fills the screen", `(() => {
		const r = document.querySelector("#panel").getBoundingClientRect();
		return r.top >= 0 && r.top < 200 && r.bottom <= innerHeight + 1 && r.height > innerHeight * 0.6 })()`)
	b.waitTrue(t, "frames are drawn", `[...document.querySelectorAll(".frame-row:not([hidden])")].some((r) => r.getBoundingClientRect().height > 0)`)
	if evalIn[bool](t, b, `getComputedStyle(document.querySelector("#main")).display !== "none"`) {
		t.Error("in the Frames view the lesson is still on the page")
	}
	if w := evalIn[float64](t, b, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("the Frames view is %.0f px wide on a 390 px phone", w)
	}
	if got := evalIn[string](t, b, `document.querySelector("#view-frames").getAttribute("aria-selected")`); got != "true" {
		t.Errorf("the Frames tab's aria-selected is %q", got)
	}
	b.screenshot(t, "phone-frames")

	// ← → move between the tabs when one has the focus, not between lessons.
	b.do(t, "focus the Frames tab", chromedp.Focus(chromedp.CSS("#view-frames")))
	b.do(t, "press ←", chromedp.KeyEvent(kb.ArrowLeft))
	b.waitTrue(t, "the Lesson view", `document.body.dataset.view === "lesson" && document.activeElement.id === "view-lesson"`)
	if got := evalIn[string](t, b, "document.body.dataset.lesson"); got != "heartbeats" {
		t.Errorf("← on the tabs changed the lesson to %q", got)
	}

	// A lesson's frame link opens the Frames view on the frame.
	evalIn[bool](t, b, `document.querySelector("a.frame-link").click(), true`)
	b.waitTrue(t, "the Frames view, filtered as the link says", `document.body.dataset.view === "frames" &&
		getComputedStyle(document.querySelector("#panel")).display !== "none" && document.querySelector("#frame-count").textContent.includes(" of ")`)
	b.do(t, "tap Lesson", chromedp.Click(chromedp.CSS("#view-lesson")))
	b.waitTrue(t, "the lesson is back", `getComputedStyle(document.querySelector("#main")).display !== "none" && getComputedStyle(document.querySelector("#panel")).display === "none"`)
}
