package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector"
	"gatewaytour/inspector/sandbox"
)

// helloJS reaches the stepper's state from a test.
const helloJS = panelJS + ".hello.walk"

// clickJS clicks a button the way a reader does, through the page.
func clickJS(id string) string { return fmt.Sprintf(`document.getElementById(%q).click()`, id) }

// waitStep waits until the stepper shows step n and is idle again.
func (b *browserSession) waitStep(t *testing.T, n int) {
	t.Helper()
	b.waitTrue(t, fmt.Sprintf("step %d is shown", n),
		fmt.Sprintf(`!%s.busy && %s.step && %s.step.n === %d && document.getElementById("hello-stepper").dataset.step === "%d"`, helloJS, helloJS, helloJS, n, n))
}

// stepRecords is a JavaScript expression counting the walk stream's records
// from index `from` on that satisfy cond (r is the record).
func stepRecords(from int, cond string) string {
	return fmt.Sprintf(`%s.state.records.filter((r) => r.index >= %d && (%s)).length`, panelJS, from, cond)
}

// highlighted is the 1-based lines of the visible program marked for the step.
const highlighted = `[...document.querySelectorAll('.code-tabs .code-block:not([hidden]) code > .line')]
	.map((l, i) => l.classList.contains("hs-line") ? i + 1 : 0).filter(Boolean).join(",")`

// TestHelloStepperInBrowser walks the hello-world lesson's stepper in
// Chromium against the real lesson and a real sandbox: every step's frames
// reach the panel and are selected there, the highlighted code moves with
// the steps, the walk without MESSAGE_CONTENT shows an empty content and no
// reply, fast or stray presses keep the walk consistent, Restart leaves one
// connection, and closing a tab ends its walk.
func TestHelloStepperInBrowser(t *testing.T) {
	p, b := openStepper(t, "hello-world")

	// The two programs are tabs, Python first; the Go one is a click away.
	if got := evalIn[string](t, b, `[...document.querySelectorAll(".code-tab")].map((t) => t.textContent + ":" + t.getAttribute("aria-selected")).join(" ")`); got != "discord.py:true Go (discordgo):false" {
		t.Fatalf("the code tabs read %q", got)
	}
	if !evalIn[bool](t, b, `document.getElementById("code-panel-go").hidden && document.querySelector(".code-tabs + #hello-stepper") !== null`) {
		t.Fatal("the Go program is not a hidden tab with the stepper below the tabs")
	}

	b.do(t, "press Start", chromedp.Click(chromedp.CSS("#hs-start")))
	b.waitStep(t, 0)
	stream := evalIn[string](t, b, helloJS+".stream")
	b.waitTrue(t, "the panel follows the walk's stream", fmt.Sprintf(`%s.state.streamID === %q && document.getElementById("stream-select").value === %q`, panelJS, stream, stream))
	if !strings.HasPrefix(stream, "hello-") {
		t.Fatalf("the walk's stream is %q", stream)
	}

	// What each step must have put in the panel.
	token := sandbox.Token
	expect := map[int][]string{
		1:  {`r.op_name === "REST" && JSON.stringify(r).includes("/gateway/bot")`},
		3:  {`r.op === 10`},
		4:  {`r.op === 1 && r.dir === "send"`, `r.op === 11`},
		5:  {fmt.Sprintf(`r.op === 2 && JSON.stringify(r.payload).includes(%q) && !JSON.stringify(r).includes(%q)`, inspector.RedactedToken, token)},
		6:  {`r.t === "READY"`},
		7:  {`r.t === "GUILD_CREATE"`},
		8:  {`r.t === "MESSAGE_CREATE" && r.payload.d.content === "!hello"`},
		9:  {`r.op_name === "REST" && JSON.stringify(r).includes("POST") && JSON.stringify(r).includes("/messages")`},
		10: {`r.t === "MESSAGE_CREATE" && r.payload.d.author.bot === true`},
	}
	seen := map[string]bool{}
	for n := 1; n <= 10; n++ {
		from := evalIn[int](t, b, panelJS+".state.lastIndex") + 1
		seen[b.nextStepShows(t, n, from, expect[n])] = true
		if n != 2 {
			b.waitTrue(t, "the selected row is marked", `document.querySelector(".frame-row.selected.marked")`)
		}
		if n == 8 {
			b.screenshot(t, "hello-stepper-step8-light")
		}
	}
	if !evalIn[bool](t, b, `document.getElementById("bot-notice").hidden`) {
		t.Error("the panel announced the stepper's own bot as a newly connected one")
	}
	if len(seen) < 5 {
		t.Errorf("the highlight stayed on %d sets of lines over ten steps: %v", len(seen), seen)
	}
	if !evalIn[bool](t, b, `document.getElementById("hs-next").disabled`) {
		t.Error("Next is still enabled after the last step")
	}
	// The Go tab carries its own lines.
	b.do(t, "show the Go tab", chromedp.Click(chromedp.CSS("#code-tab-go")))
	if got := evalIn[string](t, b, highlighted); got == "" {
		t.Error("the Go program has no highlighted line at step 10")
	}
	b.do(t, "dark theme", prefersColorScheme("dark"))
	evalIn[bool](t, b, `document.documentElement.dataset.theme = "dark", true`)
	b.screenshot(t, "hello-stepper-step10-go-dark")
	b.do(t, "back to python", chromedp.Click(chromedp.CSS("#code-tab-python")))
	evalIn[bool](t, b, `document.documentElement.dataset.theme = "light", true`)

	// Without MESSAGE_CONTENT: back to step 8 and flip the toggle; the walk
	// replays up to step 8 with an Identify that leaves the intent out.
	evalIn[bool](t, b, clickJS("hs-back")+", true")
	b.waitStep(t, 9)
	evalIn[bool](t, b, clickJS("hs-back")+", true")
	b.waitStep(t, 8)
	replayFrom := evalIn[int](t, b, panelJS+".state.lastIndex") + 1
	b.do(t, "flip the toggle", chromedp.Click(chromedp.CSS("#hs-no-content")))
	b.waitTrue(t, "the replay reaches step 8 without the intent",
		fmt.Sprintf(`!%s.busy && %s.step.n === 8 && %s.step.without_message_content && %s.step.performed === 8`, helloJS, helloJS, helloJS, helloJS))
	b.waitTrue(t, "step 8's MESSAGE_CREATE has an empty content and is selected",
		panelJS+`.list.selected() && `+panelJS+`.list.selected().t === "MESSAGE_CREATE" && `+panelJS+`.list.selected().payload.d.content === "" && `+panelJS+`.list.selected().index >= `+fmt.Sprint(replayFrom))
	if n := evalIn[int](t, b, stepRecords(replayFrom, `r.op === 2 && (r.payload.d.intents & 32768) === 0`)); n != 1 {
		t.Errorf("the replay sent %d Identify frames without MESSAGE_CONTENT, want 1", n)
	}
	b.screenshot(t, "hello-stepper-no-content-light")
	evalIn[bool](t, b, clickJS("hs-next")+", true")
	b.waitStep(t, 9)
	evalIn[bool](t, b, clickJS("hs-next")+", true")
	b.waitStep(t, 10)
	if n := evalIn[int](t, b, stepRecords(replayFrom, `r.op_name === "REST" && JSON.stringify(r).includes("/messages")`)); n != 0 {
		t.Errorf("without MESSAGE_CONTENT the bot still posted %d replies", n)
	}

	// Restart: one walk connection on the sandbox, not two.
	evalIn[bool](t, b, `document.getElementById("hs-no-content").checked = false, true`)
	evalIn[bool](t, b, clickJS("hs-restart")+", true")
	b.waitStep(t, 0)
	waitFor(t, "the restarted walk's old connection is gone", func() bool { return walkConns(p.sb) == 0 })
	// Next pressed twice in a row performs one step, not two.
	evalIn[bool](t, b, clickJS("hs-next")+", "+clickJS("hs-next")+", true")
	b.waitStep(t, 1)
	if performed := evalIn[int](t, b, helloJS+".step.performed"); performed != 1 {
		t.Errorf("two fast presses of Next performed %d steps", performed)
	}
	// Back past the start is harmless, through the page and the API.
	evalIn[bool](t, b, clickJS("hs-back")+", true")
	b.waitStep(t, 0)
	evalIn[bool](t, b, clickJS("hs-back")+", true")
	answer, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(async () => { const a = await `+panelJS+`.post("/hello/walks/" + `+helloJS+`.id + "/back", {}); return a.status + ":" + a.data.n; })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if answer != "200:0" {
		t.Errorf("Back at the start answered %q, want 200:0", answer)
	}
	for n := 1; n <= 5; n++ {
		evalIn[bool](t, b, clickJS("hs-next")+", true")
		b.waitStep(t, n)
	}
	if n := walkConns(p.sb); n != 1 {
		t.Errorf("after Restart and five steps the sandbox holds %d walk connections, want 1", n)
	}
	// Another lesson and back, without a reload: the walk is still at step 5.
	b.do(t, "go to the previous lesson", chromedp.Click(chromedp.CSS(`.pager a[rel=prev]`)))
	b.waitTrue(t, "the previous lesson is shown", `document.body.dataset.lesson !== "hello-world"`)
	b.do(t, "come back", chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)))
	b.waitTrue(t, "the stepper shows step 5 again", `document.body.dataset.lesson === "hello-world" &&
		document.getElementById("hello-stepper").dataset.step === "5" && !document.getElementById("hello-stepper").hidden &&
		document.querySelectorAll(".code-tabs .hs-line").length > 0`)

	// A second tab walks a bot of its own; closing it ends that walk only.
	second := b.newTab(t)
	second.do(t, "open the lesson in a second tab", chromedp.Navigate(p.ts.URL+"/lessons/hello-world"))
	second.waitTrue(t, "the second stepper is shown", `document.documentElement.classList.contains("app-ready") && !document.getElementById("hello-stepper").hidden`)
	evalIn[bool](t, second, clickJS("hs-start")+", true")
	second.waitStep(t, 0)
	for n := 1; n <= 5; n++ {
		evalIn[bool](t, second, clickJS("hs-next")+", true")
		second.waitStep(t, n)
	}
	if other := evalIn[string](t, second, helloJS+".stream"); other == stream {
		t.Errorf("both tabs walk on stream %q", stream)
	}
	waitFor(t, "two walks on the sandbox", func() bool { return walkConns(p.sb) == 2 })
	second.close(t)
	waitFor(t, "the closed tab's walk ends", func() bool { return walkConns(p.sb) == 1 && p.site.hello.count() == 1 })
	if got := evalIn[int](t, b, helloJS+".step.n"); got != 5 {
		t.Errorf("the first tab's walk moved to step %d while the second walked", got)
	}
	// A reload starts fresh: the old walk ends, the stepper starts over.
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the reloaded stepper has not started", `document.documentElement.classList.contains("app-ready") &&
		!document.getElementById("hs-start").hidden && document.getElementById("hs-progress").textContent === "Not started"`)
	waitFor(t, "the reload ends the walk", func() bool { return walkConns(p.sb) == 0 && p.site.hello.count() == 0 })

	// On a phone the stepper fits the width and its buttons stay usable.
	b.do(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.do(t, "press Start on the phone", chromedp.Click(chromedp.CSS("#hs-start")))
	b.waitStep(t, 0)
	b.do(t, "press Next on the phone", chromedp.Click(chromedp.CSS("#hs-next")))
	b.waitStep(t, 1)
	evalIn[bool](t, b, `document.getElementById("hello-stepper").scrollIntoView({block: "center"}), true`)
	if w := evalIn[float64](t, b, `document.documentElement.scrollWidth`); w > 391 {
		t.Errorf("the page is %.0f px wide on a 390 px phone", w)
	}
	b.screenshot(t, "hello-stepper-phone")
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
}
