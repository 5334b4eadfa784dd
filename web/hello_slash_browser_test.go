package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/lessons"
)

// TestHelloSlashStepperInBrowser walks the modern hello-world lesson's
// stepper in Chromium against the real lesson and a real sandbox: three
// programs in tabs, no MESSAGE_CONTENT toggle, eleven steps whose frames
// (Identify with intents 0, the PUT of /hello, the two INTERACTION_CREATEs
// and their callbacks) reach the panel and are selected there, with the
// highlighted lines moving in each program.
func TestHelloSlashStepperInBrowser(t *testing.T) {
	p, b := openStepper(t, "hello-slash")

	if got := evalIn[string](t, b, `[...document.querySelectorAll(".code-tab")].map((t) => t.textContent + ":" + t.getAttribute("aria-selected")).join(" ")`); got != "discord.py:true Go (discordgo):false discord.js:false" {
		t.Fatalf("the code tabs read %q", got)
	}
	if evalIn[bool](t, b, `document.getElementById("hs-no-content") !== null`) {
		t.Error("the modern stepper offers the MESSAGE_CONTENT toggle, which has nothing to leave out")
	}
	if n := evalIn[int](t, b, `document.querySelectorAll("#hs-dots > li").length`); n != hello.SlashSteps {
		t.Errorf("the stepper shows %d dots, want %d", n, hello.SlashSteps)
	}

	b.do(t, "press Start", chromedp.Click(chromedp.CSS("#hs-start")))
	b.waitStep(t, 0)
	if !evalIn[bool](t, b, helloJS+".step.slash") {
		t.Fatal("the walk started is not the modern one")
	}
	expect := map[int][]string{
		5:  {`r.op === 2 && r.payload.d.intents === 0`},
		6:  {`r.t === "READY"`},
		7:  {`r.op_name === "REST" && JSON.stringify(r).includes("PUT") && JSON.stringify(r).includes("/commands")`},
		8:  {`r.t === "INTERACTION_CREATE" && r.payload.d.type === 2 && r.payload.d.data.name === "hello"`},
		9:  {`r.op_name === "REST" && JSON.stringify(r).includes("/callback") && JSON.stringify(r).includes("wave")`},
		10: {`r.t === "INTERACTION_CREATE" && r.payload.d.type === 3 && r.payload.d.data.custom_id === "wave"`},
		11: {`r.op_name === "REST" && JSON.stringify(r).includes("/callback") && JSON.stringify(r).includes("waved back")`},
	}
	seen := map[string]bool{}
	for n := 1; n <= hello.SlashSteps; n++ {
		from := evalIn[int](t, b, panelJS+".state.lastIndex") + 1
		if n == 9 || n == 11 {
			from = 0 // the answer went out in the step before, within the 3 s
		}
		seen[b.nextStepShows(t, n, from, expect[n])] = true
	}
	if len(seen) < 5 {
		t.Errorf("the highlight stayed on %d sets of lines over eleven steps: %v", len(seen), seen)
	}
	if !evalIn[bool](t, b, `document.getElementById("hs-next").disabled`) {
		t.Error("Next is still enabled after the last step")
	}
	if !sandboxSaid(p.sb, "ada waved back!") {
		t.Error("the walk's reply does not read \"ada waved back!\" in #bot-commands")
	}
	b.do(t, "show the discord.js tab", chromedp.Click(chromedp.CSS("#code-tab-js")))
	if got := evalIn[string](t, b, highlighted); got != "23" {
		t.Errorf("the discord.js program highlights lines %q at step 11, want its interaction.update line, 23", got)
	}
	b.screenshot(t, "hello-slash-step11-js-light")
	// Restart keeps the walk modern.
	evalIn[bool](t, b, clickJS("hs-restart")+", true")
	b.waitStep(t, 0)
	if !evalIn[bool](t, b, helloJS+".step.slash") || evalIn[int](t, b, helloJS+".step.total") != hello.SlashSteps {
		t.Error("after Restart the walk is no longer the modern one")
	}
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
}

// openStepper opens a lesson with a stepper in Chromium, against a server
// with walks and a real sandbox, and waits until the stepper shows.
func openStepper(t *testing.T, slug string) (*panelServer, *browserSession) {
	t.Helper()
	course, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := newHelloServer(t, course, 0)
	b := newBrowser(t)
	b.do(t, "open the lesson "+slug, prefersColorScheme("light"), chromedp.Navigate(p.ts.URL+"/lessons/"+slug))
	b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
	b.waitTrue(t, "the stepper is shown", `!document.getElementById("hello-stepper").hidden`)
	return p, b
}

// nextStepShows presses Next for step n and checks what the reader sees:
// each of conds matches a panel record from index from on, the step's frame
// is selected (but for step 2, whose upgrade is no panel record of its own),
// the step's python lines are the ones highlighted, and the title is
// numbered. It returns the highlighted lines.
func (b *browserSession) nextStepShows(t *testing.T, n, from int, conds []string) string {
	t.Helper()
	b.do(t, fmt.Sprintf("press Next for step %d", n), chromedp.Click(chromedp.CSS("#hs-next")))
	b.waitStep(t, n)
	// A step's frames are the records the walk names for it: a frame can
	// reach the panel before its step is asked for (the bot's own message
	// comes back while the REST answer is read), so the step's list, not
	// the panel's last index when Next was pressed, says which are its own.
	for _, cond := range conds {
		b.waitTrue(t, fmt.Sprintf("step %d's frame (%s) is in the panel", n, cond),
			fmt.Sprintf(`%s.state.records.filter((r) => (r.index >= %d || %s.step.frames.includes(r.index)) && (%s)).length >= 1`, panelJS, from, helloJS, cond))
	}
	if n != 2 {
		b.waitTrue(t, fmt.Sprintf("step %d's frame is selected", n),
			fmt.Sprintf(`%s.list.selected() && %s.step.frames.includes(%s.list.selected().index)`, panelJS, helloJS, panelJS))
	}
	want := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(evalIn[[]int](t, b, helloJS+".step.code_lines.python"))), ","), "[]")
	got := evalIn[string](t, b, highlighted)
	if got == "" || got != want {
		t.Errorf("step %d highlights python lines %q, want %q", n, got, want)
	}
	if title := evalIn[string](t, b, `document.getElementById("hs-step-title").textContent`); !strings.HasPrefix(title, fmt.Sprint(n)+". ") {
		t.Errorf("step %d's title reads %q", n, title)
	}
	return got
}

// sandboxSaid reports whether the bot's message in #bot-commands reads text.
func sandboxSaid(s *sandbox.Server, text string) bool {
	for _, m := range s.Messages(sandbox.BotCommandsID) {
		if m.Author.ID == sandbox.BotID && m.Content == text {
			return true
		}
	}
	return false
}
