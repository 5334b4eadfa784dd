package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/lessons"
)

// everyExperimentBudget bounds the whole walk through the catalogue: each
// experiment takes up to experiment.Deadline, but most take a few seconds,
// plus the page's dwell on each step.
const everyExperimentBudget = 10 * time.Minute

// lessonExperiments is a lesson and the experiments first placed in it.
type lessonExperiments struct {
	slug  string
	names []string
}

// placeExperiments finds, for every catalogue experiment, the first lesson
// of the real course whose page holds its block. An experiment no lesson
// places is an error: a button no reader can press is not coverage.
func placeExperiments(t *testing.T, course *lessons.Course) []lessonExperiments {
	t.Helper()
	placed := map[string]bool{}
	var out []lessonExperiments
	for _, l := range course.Lessons {
		group := lessonExperiments{slug: l.Slug}
		for _, spec := range experiment.All() {
			if !placed[spec.Name] && strings.Contains(l.HTML, `data-experiment="`+spec.Name+`"`) {
				placed[spec.Name] = true
				group.names = append(group.names, spec.Name)
			}
		}
		if len(group.names) > 0 {
			out = append(out, group)
		}
	}
	for _, spec := range experiment.All() {
		if !placed[spec.Name] {
			t.Errorf("experiment %q is in no lesson, so no reader can press it", spec.Name)
		}
	}
	return out
}

// inspectorIdentifiedJS says the page sees the inspector's own connection
// logged in to the sandbox.
const inspectorIdentifiedJS = `(window.GatewayTourPanel.state.streams || []).some((s) => s.id === "inspector" && s.state && s.state.kind === "identified")`

// TestEveryExperimentInItsLessonInBrowser presses every experiment of the
// catalogue, on the inspector's own connection, in the lesson that places
// it: one browser, one page, one experiment after another, each explained
// step by step and done, with the inspector healthy after each.
func TestEveryExperimentInItsLessonInBrowser(t *testing.T) {
	course, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	groups := placeExperiments(t, course)
	p := startExperimentServerWith(t, course)
	b := newBrowserWithin(t, everyExperimentBudget)
	pressed := 0
	for _, g := range groups {
		b.do(t, "open the lesson "+g.slug, chromedp.Navigate(p.ts.URL+"/lessons/"+g.slug))
		b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
		for _, name := range g.names {
			pressExperiment(t, b, g.slug, name)
			pressed++
		}
	}
	if pressed != len(experiment.All()) {
		t.Fatalf("pressed %d experiments of %d", pressed, len(experiment.All()))
	}
	// Whatever the experiments switched is switched back.
	b.waitTrue(t, "the inspector is healthy at the end", inspectorIdentifiedJS)
	if got := p.sb.EnabledPrivileged(); got != gateway.PrivilegedIntents {
		t.Fatalf("the portal switches were left at %s", got)
	}
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Fatalf("console: %v", problems)
	}
}

// pressExperiment presses one block's button once nothing runs and the
// inspector is logged in, and checks the block ends done with its
// explanation walked through.
func pressExperiment(t *testing.T, b *browserSession, slug, name string) {
	t.Helper()
	block := blockJS(name)
	b.waitTrue(t, "the inspector is logged in before "+name, inspectorIdentifiedJS)
	b.waitTrue(t, "no experiment is running before "+name, `!`+block+`.querySelector(".experiment-run").disabled`)
	b.do(t, "press "+name, chromedp.Click(chromedp.CSS(`.experiment[data-experiment="`+name+`"] .experiment-run`)))
	b.waitTrueWithin(t, experiment.Deadline+15*time.Second, name+" ends", `["done", "failed"].includes(`+block+`.dataset.state)`)
	if state := evalIn[string](t, b, block+`.dataset.state`); state != "done" {
		t.Fatalf("%s in lesson %s ended %s: %s", name, slug, state, evalIn[string](t, b, block+`.querySelector(".experiment-status").textContent`))
	}
	steps := evalIn[[]string](t, b, `[...`+block+`.querySelectorAll(".experiment-step")].map((li) => li.textContent.trim())`)
	if len(steps) == 0 {
		t.Fatalf("%s is done but explains nothing", name)
	}
	for _, s := range steps {
		if s == "" {
			t.Fatalf("%s: a step without text among %q", name, steps)
		}
	}
	// The page walks the steps in the panel; the buttons come back when the
	// walk reaches the last.
	b.waitTrueWithin(t, time.Duration(len(steps))*2*time.Second+10*time.Second, name+"'s walk ends on its last step",
		block+`.querySelector(".experiment-step:last-child.experiment-step-current") && !`+block+`.querySelector(".experiment-run").disabled`)
}
