package web

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPanelKeyboardInBrowser reaches the panel and works it from the
// keyboard alone: the second Tab is a skip link to the frame list, the
// list tells a screen reader which frame is selected, ← → there (and on
// the resizer) leave the lesson alone, and a frame's guild, user and member
// objects and their notes are reached with Tab and ↑ ↓.
func TestPanelKeyboardInBrowser(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/second"))
	b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
	b.waitTrue(t, "GUILD_CREATE arrives", recordsWhere(`r.t === "GUILD_CREATE"`)+" >= 1")

	b.do(t, "Tab", chromedp.KeyEvent(kb.Tab))
	b.do(t, "Tab", chromedp.KeyEvent(kb.Tab))
	if got := evalIn[string](t, b, "document.activeElement.textContent"); got != "Skip to the live frames" {
		t.Fatalf("the second Tab is on %q, want the skip link to the frames", got)
	}
	b.do(t, "follow it", chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the frame list has the focus", `document.activeElement.id === "frame-list"`)

	// The listbox: ↑ ↓ move the selection, and aria-activedescendant names
	// the selected option, an element of the list with aria-selected.
	b.do(t, "End", keyWithoutText("End", "End", 35))
	b.do(t, "↑", chromedp.KeyEvent(kb.ArrowUp))
	b.waitTrue(t, "the active descendant is the selected option", `(() => {
		const list = document.getElementById("frame-list");
		const active = document.getElementById(list.getAttribute("aria-activedescendant") || "-");
		return active && list.contains(active) && active.getAttribute("role") === "option" &&
			active.getAttribute("aria-selected") === "true" && active.getAttribute("aria-posinset") === String(`+panelJS+`.list.view().indexOf(`+panelJS+`.list.selected()) + 1) &&
			active.record === `+panelJS+`.list.selected()
	})()`)
	lesson := evalIn[string](t, b, "document.body.dataset.lesson")
	for _, key := range []string{kb.ArrowRight, kb.ArrowLeft} {
		b.do(t, "an arrow in the list", chromedp.KeyEvent(key))
	}
	b.do(t, "focus the resizer", chromedp.Focus(chromedp.CSS("#panel-resizer")))
	b.do(t, "→ on the resizer", chromedp.KeyEvent(kb.ArrowRight))
	b.do(t, "focus the search field", chromedp.Focus(chromedp.CSS("#frame-search")))
	b.do(t, "← in the panel's search", chromedp.KeyEvent(kb.ArrowLeft))
	b.do(t, "focus the Connect button", chromedp.Focus(chromedp.CSS("#connect-open")))
	b.do(t, "→ on a panel button", chromedp.KeyEvent(kb.ArrowRight))
	if got := evalIn[string](t, b, "document.body.dataset.lesson"); got != lesson {
		t.Errorf("arrows in the panel changed the lesson from %q to %q", lesson, got)
	}

	// Objects: the GUILD_CREATE's first object is one Tab stop; ↓ moves on
	// and its note shows, named for a screen reader too.
	b.do(t, "filter GUILD_CREATE", chromedp.SendKeys(chromedp.CSS("#filter-event"), "GUILD_CREATE"))
	b.waitTrue(t, "filtered", guildCreatesOnly)
	b.do(t, "select it", chromedp.Focus(chromedp.CSS("#frame-list")), keyWithoutText("End", "End", 35))
	// The tree opens two levels deep; the members' users sit deeper.
	// (clicked from script: a pointer left over the tree would hover its
	// objects and show their notes instead of the focused one's)
	b.waitTrue(t, "the tree is built", `document.querySelector("#frame-detail .jt-node")`)
	evalIn[bool](t, b, `(document.getElementById("payload-expand").click(), true)`)
	b.waitTrue(t, "its objects are drawn", `document.querySelectorAll("#frame-detail .obj[data-path]").length >= 3`)
	if n := evalIn[int](t, b, `document.querySelectorAll('#frame-detail .obj[tabindex="0"]').length`); n != 1 {
		t.Errorf("%d objects are in the tab order, want 1", n)
	}
	b.do(t, "focus the first object", chromedp.Focus(chromedp.CSS(`#frame-detail .obj[tabindex="0"]`)))
	b.waitTrue(t, "its note shows", `!document.getElementById("obj-note").hidden && document.getElementById("obj-note").textContent.startsWith("Guild at d")`)
	b.do(t, "↓", chromedp.KeyEvent(kb.ArrowDown))
	b.waitTrue(t, "the next object has the focus and its note", `(() => {
		const a = document.activeElement, note = document.getElementById("obj-note");
		return a.matches(".obj[data-path]") && a !== document.querySelector("#frame-detail .obj[data-path]") &&
			a.getAttribute("aria-label") === note.textContent && note.textContent.includes(a.dataset.path)
	})()`)
	if n := evalIn[int](t, b, `document.querySelectorAll('#frame-detail .obj[tabindex="0"]').length`); n != 1 {
		t.Errorf("after ↓, %d objects are in the tab order, want 1", n)
	}
	if got := evalIn[string](t, b, "document.body.dataset.lesson"); got != lesson {
		t.Errorf("keys on the objects changed the lesson to %q", got)
	}
}

// guildCreatesOnly holds once the event filter has settled on GUILD_CREATE
// (it applies a moment after the typing stops).
const guildCreatesOnly = panelJS + `.list.view().length > 0 && ` + panelJS + `.list.view().every((r) => r.t === "GUILD_CREATE")`
