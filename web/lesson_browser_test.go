package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"gatewaytour/lessons"
)

// TestLessonPageInBrowser drives the real course in headless Chromium: keys,
// search, shortcuts, theme, progress, glossary popovers, the continue
// banner and the phone layout, with no console errors or CSP violations.
func TestLessonPageInBrowser(t *testing.T) {
	course, err := lessons.Load()
	if err != nil {
		t.Fatalf("lessons.Load: %v", err)
	}
	if len(course.Lessons) < 3 {
		t.Fatalf("the course has %d lessons; this test needs three", len(course.Lessons))
	}
	// The course as the product serves it: with the live panel and its sandbox.
	ts := newPanelServer(t, course).ts
	b := newBrowser(t)

	first, second := course.Lessons[0], course.Lessons[1]
	onLesson := func(slug string) string {
		return fmt.Sprintf(`document.body.dataset.lesson === %q && document.documentElement.classList.contains("app-ready")`, slug)
	}

	// Until the reader picks a theme, the page follows the system's.
	b.do(t, "prefer dark", prefersColorScheme("dark"), chromedp.Navigate(ts.URL+"/lessons/"+first.Slug))
	b.waitTrue(t, "the page is ready", onLesson(first.Slug))
	if got := evalIn[string](t, b, "document.documentElement.dataset.theme"); got != "dark" {
		t.Errorf("with a dark system preference data-theme = %q", got)
	}
	b.do(t, "prefer light", prefersColorScheme("light"))
	b.waitTrue(t, "the page follows the system to light", `document.documentElement.dataset.theme === "light"`)

	// "/" lands on the first lesson, and the script tidies the address.
	b.do(t, "open the course", chromedp.Navigate(ts.URL+"/"))
	b.waitTrue(t, "the first lesson is ready", onLesson(first.Slug))
	b.waitTrue(t, "the ?from=start marker is gone", `location.search === ""`)
	b.screenshot(t, "lesson-light")

	// → and ← follow the pager.
	b.do(t, "press →", chromedp.KeyEvent(kb.ArrowRight))
	b.waitTrue(t, "the second lesson is shown", onLesson(second.Slug))
	if got := evalIn[string](t, b, "location.pathname"); got != "/lessons/"+second.Slug {
		t.Errorf("after →, the address is %q", got)
	}
	b.do(t, "press ←", chromedp.KeyEvent(kb.ArrowLeft))
	b.waitTrue(t, "back on the first lesson", onLesson(first.Slug))

	// "/" opens the search; a word found in one lesson only finds that lesson.
	word, target := wordInOneLesson(t, course)
	b.do(t, "press /", keyWithoutText("/", "Slash", 191))
	b.waitTrue(t, "the search dialog is open", `document.getElementById("search-dialog").open`)
	b.do(t, "type the search", chromedp.SendKeys(chromedp.CSS("#search-input"), word))
	b.waitTrue(t, "one result", `document.querySelectorAll("#search-results .search-result").length === 1`)
	href := evalIn[string](t, b, `document.querySelector("#search-results .search-result").dataset.href`)
	if !strings.HasPrefix(href, "/lessons/"+target.Slug) {
		t.Errorf("searching %q found %q, want lesson %q", word, href, target.Slug)
	}
	b.screenshot(t, "search")
	b.do(t, "pick the result", chromedp.KeyEvent(kb.Enter))
	b.waitTrue(t, "the found lesson is shown", onLesson(target.Slug))

	// ↓ moves the choice among several results.
	b.do(t, "press /", keyWithoutText("/", "Slash", 191))
	b.waitTrue(t, "the search dialog is open", `document.getElementById("search-dialog").open`)
	b.do(t, "search a common word", chromedp.Evaluate[chromedp.Void](`document.getElementById("search-input").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#search-input"), "gateway"))
	b.waitTrue(t, "several results", `document.querySelectorAll("#search-results .search-result").length > 1`)
	b.do(t, "press ↓", chromedp.KeyEvent(kb.ArrowDown))
	if got := evalIn[string](t, b, `document.querySelector("#search-results .search-result[aria-selected=true]").id`); got != "search-result-1" {
		t.Errorf("after ↓ the chosen result is %q, want the second", got)
	}
	b.do(t, "close the search", chromedp.KeyEvent(kb.Escape))
	b.waitTrue(t, "the search is closed", `!document.getElementById("search-dialog").open`)

	// Every code block has a copy button and every section heading a link.
	if !evalIn[bool](t, b, `document.querySelectorAll(".prose pre").length === document.querySelectorAll(".code-block > .copy-button").length`) {
		t.Error("a code block has no copy button")
	}
	if !evalIn[bool](t, b, `[...document.querySelectorAll(".prose h2[id], .prose h3[id]")].every(h => h.querySelector(".heading-anchor")?.getAttribute("href") === "#" + h.id)`) {
		t.Error("a heading lacks its # link")
	}

	// "?" shows the shortcuts; Esc closes them.
	b.do(t, "press ?", chromedp.KeyEvent("?"))
	b.waitTrue(t, "the shortcuts are open", `document.getElementById("shortcuts-dialog").open`)
	b.do(t, "press Esc", chromedp.KeyEvent(kb.Escape))
	b.waitTrue(t, "the shortcuts are closed", `!document.getElementById("shortcuts-dialog").open`)
	b.do(t, "open the shortcuts with the ? button", chromedp.Click(chromedp.CSS("#shortcuts-open")))
	b.waitTrue(t, "the shortcuts are open", `document.getElementById("shortcuts-dialog").open`)
	b.do(t, "press Close", chromedp.Click(chromedp.CSS("#shortcuts-dialog [data-close-dialog]")))
	b.waitTrue(t, "the shortcuts are closed", `!document.getElementById("shortcuts-dialog").open`)

	// The theme toggles and is remembered across pages.
	before := evalIn[string](t, b, "document.documentElement.dataset.theme")
	if before != "light" && before != "dark" {
		t.Fatalf("data-theme is %q before the toggle", before)
	}
	b.do(t, "toggle the theme", chromedp.Click(chromedp.CSS("#theme-toggle")))
	after := evalIn[string](t, b, "document.documentElement.dataset.theme")
	if after == before || (after != "light" && after != "dark") {
		t.Errorf("data-theme went from %q to %q", before, after)
	}
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the page is back", onLesson(target.Slug))
	if got := evalIn[string](t, b, "document.documentElement.dataset.theme"); got != after {
		t.Errorf("after a reload data-theme = %q, want %q", got, after)
	}
	b.screenshot(t, "lesson-"+after)

	// Mark as done shows in the contents after a reload.
	doneMark := fmt.Sprintf(`document.querySelector('#toc li[data-slug=%q]').classList.contains("done")`, target.Slug)
	if evalIn[bool](t, b, doneMark) {
		t.Fatal("the lesson is marked done before the button was pressed")
	}
	b.do(t, "mark as done", chromedp.Click(chromedp.CSS("#mark-done")))
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the page is back", onLesson(target.Slug))
	b.waitTrue(t, "the contents show the lesson done", doneMark)
	if got := evalIn[string](t, b, `document.getElementById("mark-done").getAttribute("aria-pressed")`); got != "true" {
		t.Errorf("the done button's aria-pressed = %q after a reload", got)
	}

	// Back at "/", the reader is offered the lesson they were reading.
	b.do(t, "open the start", chromedp.Navigate(ts.URL+"/"))
	b.waitTrue(t, "the first lesson is ready", onLesson(first.Slug))
	b.waitTrue(t, "the continue banner shows", `!document.getElementById("continue-banner").hidden`)
	link := evalIn[string](t, b, `document.querySelector("#continue-banner a").getAttribute("href")`)
	text := evalIn[string](t, b, `document.querySelector("#continue-banner a").textContent`)
	if !strings.HasPrefix(link, "/lessons/"+target.Slug) || !strings.Contains(text, target.Title) {
		t.Errorf("the banner offers %q (%q), want lesson %q", text, link, target.Slug)
	}
	// Glancing at the first lesson does not replace the place to continue from.
	b.do(t, "open the start again", chromedp.Navigate(ts.URL+"/"))
	b.waitTrue(t, "the first lesson is ready", onLesson(first.Slug))
	b.waitTrue(t, "the same offer shows", `!document.getElementById("continue-banner").hidden && `+
		fmt.Sprintf(`document.querySelector("#continue-banner a").getAttribute("href").startsWith(%q)`, "/lessons/"+target.Slug))

	// A glossary term shows its definition on keyboard focus.
	checkGlossaryPopover(t, b, ts.URL, course)

	// On a phone the contents hide behind the ☰ button and the panel
	// stacks under the lesson.
	checkPhoneLayout(t, b)

	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page reported problems:\n%s", strings.Join(problems, "\n"))
	}
	// The watcher itself must see a violation, or the check above proves nothing.
	b.do(t, "break the policy", chromedp.Evaluate[chromedp.Void](`document.body.setAttribute("style", "color: red")`))
	if !b.waitForProblem("CSP violation", 10*time.Second) {
		t.Error("an inline style broke the policy but no violation was recorded")
	}
}

func checkGlossaryPopover(t *testing.T, b *browserSession, base string, course *lessons.Course) {
	t.Helper()
	var withTerm *lessons.Lesson
	for _, l := range course.Lessons {
		if strings.Contains(l.HTML, `class="term"`) {
			withTerm = l
			break
		}
	}
	if withTerm == nil {
		t.Fatal("no lesson uses a glossary term")
	}
	b.do(t, "open a lesson with terms", chromedp.Navigate(base+"/lessons/"+withTerm.Slug))
	b.waitTrue(t, "the lesson is ready", `document.documentElement.classList.contains("app-ready")`)
	definition := evalIn[string](t, b, `document.querySelector(".prose .term[data-term]").getAttribute("title")`)
	b.do(t, "focus a term", chromedp.Focus(chromedp.CSS(".prose .term[data-term]")))
	b.waitTrue(t, "the popover shows", `!document.getElementById("term-popover").hidden`)
	if got := evalIn[string](t, b, `document.getElementById("term-popover").textContent`); !strings.Contains(got, definition) {
		t.Errorf("the popover says %q, want the definition %q", got, definition)
	}
	if evalIn[bool](t, b, `document.querySelector(".prose .term[data-term]").hasAttribute("title")`) {
		t.Error("the native tooltip is still there while the popover shows")
	}
	b.screenshot(t, "glossary")
	b.do(t, "leave the term", chromedp.Blur(chromedp.CSS(".prose .term[data-term]")))
	b.waitTrue(t, "the popover hides", `document.getElementById("term-popover").hidden`)
	if !evalIn[bool](t, b, `document.querySelector(".prose .term[data-term]").getAttribute("title") === `+strconv.Quote(definition)) {
		t.Error("the native tooltip did not come back after the popover")
	}

	// The mouse shows it too.
	b.do(t, "bring the term into view", chromedp.ScrollIntoView(chromedp.CSS(".prose .term[data-term]")))
	box := evalIn[[]float64](t, b, `(() => { const r = document.querySelector(".prose .term[data-term]").getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	b.do(t, "hover the term", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1]))
	b.waitTrue(t, "the popover shows on hover", `!document.getElementById("term-popover").hidden`)
	b.do(t, "move away", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 2, 2))
	b.waitTrue(t, "the popover hides", `document.getElementById("term-popover").hidden`)
}

func checkPhoneLayout(t *testing.T, b *browserSession) {
	t.Helper()
	b.do(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.waitTrue(t, "the contents are hidden", `getComputedStyle(document.getElementById("toc")).display === "none"`)
	// The panel is a tab away, not below the lesson (panel_phone_browser_test.go).
	b.waitTrue(t, "the view tabs show", `getComputedStyle(document.querySelector(".view-tabs")).display !== "none"`)
	if w := evalIn[float64](t, b, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("the page is %.0f px wide on a 390 px phone: it scrolls sideways", w)
	}
	b.screenshot(t, "phone")
	b.do(t, "open the contents", chromedp.Click(chromedp.CSS("#toc-toggle")))
	b.waitTrue(t, "the contents show", `getComputedStyle(document.getElementById("toc")).display !== "none"`)
	b.screenshot(t, "phone-contents")
	b.do(t, "desktop viewport", chromedp.ResetViewport())
}

// wordInOneLesson finds a word that occurs, even as part of another word, in
// exactly one lesson's searchable text (title, summary, headings, body), so
// the test does not depend on the wording of the lessons. It prefers a lesson
// other than the first two so that following the result navigates.
func wordInOneLesson(t *testing.T, course *lessons.Course) (string, *lessons.Lesson) {
	t.Helper()
	searchable := make([]string, len(course.Lessons))
	for i, l := range course.Lessons {
		var b strings.Builder
		b.WriteString(l.Title + "\n" + l.Summary + "\n" + l.Text)
		for _, h := range l.Headings {
			b.WriteString("\n" + h.Text)
		}
		searchable[i] = strings.ToLower(b.String())
	}
	words := regexp.MustCompile(`[a-z]{9,}`)
	for i := len(course.Lessons) - 1; i >= 0; i-- {
		for _, w := range words.FindAllString(searchable[i], -1) {
			unique := true
			for j, other := range searchable {
				if j != i && strings.Contains(other, w) {
					unique = false
					break
				}
			}
			if unique {
				return w, course.Lessons[i]
			}
		}
	}
	t.Fatal("no word of nine letters or more occurs in only one lesson")
	return "", nil
}
