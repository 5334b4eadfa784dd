package web

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/lessons"
)

// experimentCourse is one lesson with the experiments the browser presses.
func experimentCourse(t testing.TB) *lessons.Course {
	t.Helper()
	block := func(lines ...string) string { return "```experiment\n" + strings.Join(lines, "\n") + "\n```\n\n" }
	c, err := lessons.LoadFS(fstest.MapFS{
		"glossary.md": {Data: []byte("")},
		"01-try.md": {Data: []byte("---\ntitle: Try\norder: 10\nsummary: Experiments.\n---\n\n" +
			block("zombie") + block("reconnect") + block("disallowed-intents", "portal") + block("message-content-off") + block("wrong-token"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startExperimentServer is the panel server with the experiments turned on,
// as main wires them.
func startExperimentServer(t *testing.T) *panelServer {
	t.Helper()
	return startExperimentServerWith(t, experimentCourse(t))
}

func startExperimentServerWith(t *testing.T, course *lessons.Course) *panelServer {
	t.Helper()
	p := newPanelServer(t, course)
	p.site.ServeExperiments(experiment.New(p.sb, p.hub, func() string { return "ws" + strings.TrimPrefix(p.ts.URL, "http") + "/gateway" }))
	return p
}

const experimentBlockJS = `document.querySelector('.experiment[data-experiment="%s"]')`

func blockJS(name string) string { return strings.Replace(experimentBlockJS, "%s", name, 1) }

// pressAndWait clicks an experiment's button and waits for its steps.
func pressAndWait(t *testing.T, b *browserSession, name string) []string {
	t.Helper()
	b.waitTrue(t, "the inspector is logged in", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	b.waitTrue(t, "no experiment is running", `!document.querySelector('.experiment[data-experiment="`+name+`"] .experiment-run').disabled`)
	b.do(t, "press "+name, chromedp.Click(chromedp.CSS(`.experiment[data-experiment="`+name+`"] .experiment-run`)))
	b.waitTrue(t, name+" finishes", blockJS(name)+`.dataset.state === "done"`)
	steps := evalIn[[]string](t, b, `[...`+blockJS(name)+`.querySelectorAll(".experiment-step")].map((li) => li.textContent)`)
	// The panel walks the steps: the last one's frame ends up selected, and
	// every step's frame is in the panel.
	b.waitTrue(t, "the last step is current", blockJS(name)+`.querySelector(".experiment-step:last-child.experiment-step-current")`)
	b.waitTrue(t, "the last step's frame is selected", `(() => {
		const links = [...`+blockJS(name)+`.querySelectorAll(".experiment-step-link")];
		const last = links[links.length - 1];
		const sel = window.GatewayTourPanel.list.selected();
		return sel && String(sel.index) === last.dataset.index &&
			links.every((l) => window.GatewayTourPanel.state.records.some((r) => String(r.index) === l.dataset.index));
	})()`)
	return steps
}

func inOrder(t *testing.T, name string, steps []string, want ...string) {
	t.Helper()
	i := 0
	for _, s := range steps {
		if i < len(want) && strings.Contains(s, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("%s: the page's explanation lacks %q in order; it reads:\n%s", name, want[i], strings.Join(steps, "\n"))
	}
}

func TestExperimentsInBrowser(t *testing.T) {
	p := startExperimentServer(t)
	b := newBrowser(t)
	b.do(t, "open the lesson", chromedp.Navigate(p.ts.URL+"/lessons/try"))
	b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
	if got := evalIn[string](t, b, blockJS("zombie")+`.querySelector(".experiment-target").textContent`); !strings.Contains(got, "the inspector's own connection") {
		t.Fatalf("the block does not say what it acts on: %q", got)
	}

	steps := pressAndWait(t, b, "zombie")
	inOrder(t, "zombie", steps, "op 7", "heartbeat_interval 2000 ms", "RESUMED", "no op 11 ACK", "zombie: the client closed the websocket with 4000", "Resume (op 6)", "RESUMED")

	steps = pressAndWait(t, b, "reconnect")
	inOrder(t, "reconnect", steps, "op 7 Reconnect", "closed the websocket", "Hello", "Resume (op 6)", "RESUMED")

	// The portal switches change the sandbox live, and the 4014 experiment
	// honours the one the reader turned off.
	b.waitTrue(t, "the switches show the sandbox's state", `document.querySelector('input[data-portal="guild_presences"]:not([disabled])').checked`)
	b.do(t, "switch presences off", chromedp.Click(chromedp.CSS(`input[data-portal="guild_presences"]`)))
	b.waitTrue(t, "the page confirms", blockJS("disallowed-intents")+`.querySelector(".experiment-status").textContent.includes("Switched off")`)
	if p.sb.EnabledPrivileged().Has(gateway.IntentGuildPresences) {
		t.Fatal("the switch did not reach the sandbox")
	}
	steps = pressAndWait(t, b, "disallowed-intents")
	inOrder(t, "disallowed-intents", steps, "GUILD_PRESENCES", "4014", "without GUILD_PRESENCES")
	b.do(t, "switch presences on", chromedp.Click(chromedp.CSS(`input[data-portal="guild_presences"]`)))
	b.waitTrue(t, "the page confirms", blockJS("disallowed-intents")+`.querySelector(".experiment-status").textContent.includes("Switched on")`)
	if got := p.sb.EnabledPrivileged(); got != gateway.PrivilegedIntents {
		t.Fatalf("switches now %s", got)
	}

	steps = pressAndWait(t, b, "message-content-off")
	inOrder(t, "message-content-off", steps, "without MESSAGE_CONTENT", `#general: content is ""`, "DM to the bot: content", "mentioning the bot: content", "bot's own message: content", "READY")

	// While one runs, every button waits.
	b.waitTrue(t, "the inspector is logged in", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	b.do(t, "press zombie again", chromedp.Click(chromedp.CSS(`.experiment[data-experiment="zombie"] .experiment-run`)))
	b.waitTrue(t, "the other buttons are disabled", `document.querySelector('.experiment[data-experiment="reconnect"] .experiment-run').disabled`)
	b.waitTrue(t, "zombie finishes again", blockJS("zombie")+`.dataset.state === "done"`)

	// An experiment on a throwaway connection switches the panel to the
	// experiments' own stream and says it is not the reader's bot.
	if got := evalIn[string](t, b, blockJS("wrong-token")+`.querySelector(".experiment-target").textContent`); !strings.Contains(got, "throwaway connection") {
		t.Fatalf("the probe's block does not say what it acts on: %q", got)
	}
	steps = pressAndWait(t, b, "wrong-token")
	inOrder(t, "wrong-token", steps, "Hello", "Identify with a token the sandbox does not know", "4004")
	if id := evalIn[string](t, b, panelJS+".state.streamID"); !strings.HasPrefix(id, "experiment-") {
		t.Fatalf("the panel shows stream %q, not the experiment's", id)
	}
	if got := evalIn[string](t, b, blockJS("wrong-token")+`.querySelector(".experiment-status").textContent`); !strings.Contains(got, "not your bot's") {
		t.Fatalf("the status does not say where it ran: %q", got)
	}
	if problems := b.consoleProblems(); len(problems) > 0 {
		t.Fatalf("console: %v", problems)
	}
}
