package web

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/experiment"
	"gatewaytour/lessons"
)

// TestExperimentsOnABotInBrowser picks a reader's own bot as the target of
// an experiment, then runs the session experiments on the inspector.
func TestExperimentsOnABotInBrowser(t *testing.T) {
	block := func(name string) string { return "```experiment\n" + name + "\n```\n\n" }
	course, err := lessons.LoadFS(fstest.MapFS{
		"glossary.md": {Data: []byte("")},
		"01-sessions.md": {Data: []byte("---\ntitle: Sessions\norder: 10\nsummary: Experiments.\n---\n\n" +
			block("reconnect") + block("drop") + block("invalid-session-resumable") + block("heartbeat-request"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := newPanelServer(t, course)
	p.site.ServeExperiments(experiment.New(p.sb, p.hub, func() string { return "ws" + strings.TrimPrefix(p.ts.URL, "http") + "/gateway" }))
	b := newBrowser(t)
	b.do(t, "open the lesson", chromedp.Navigate(p.ts.URL+"/lessons/sessions"))
	b.waitTrue(t, "the page is ready", `document.documentElement.classList.contains("app-ready")`)
	b.waitTrue(t, "the inspector is logged in", `document.querySelector("#conn-state").dataset.kind === "identified"`)

	startSandboxBot(t, p, "learnerbot")
	picker := `.experiment[data-experiment="reconnect"] .experiment-target-select`
	b.waitTrue(t, "the block offers the bot", `[...document.querySelectorAll('`+picker+` option')].some((o) => o.textContent.includes("learnerbot"))`)
	bot := evalIn[string](t, b, `[...document.querySelectorAll('`+picker+` option')].find((o) => o.textContent.includes("learnerbot")).value`)
	b.do(t, "pick the bot", setField(picker, bot))
	steps := pressAndWait(t, b, "reconnect")
	inOrder(t, "reconnect on the bot", steps, "op 7 Reconnect", "Resume (op 6)", "RESUMED")
	if got := evalIn[string](t, b, blockJS("reconnect")+`.querySelector(".experiment-status").textContent`); !strings.Contains(got, "learnerbot") {
		t.Fatalf("the status does not name the bot: %q", got)
	}

	// Back on the inspector: a drop replays the missed events, op 9 true
	// resumes, op 1 from the server is answered.
	b.do(t, "back to the inspector's stream", setField("#stream-select", "inspector"))
	steps = pressAndWait(t, b, "drop")
	inOrder(t, "drop", steps, "dropped without a close frame", "Resume (op 6)", "replayed: MESSAGE_CREATE", "replayed: MESSAGE_CREATE", "replayed: MESSAGE_CREATE", "RESUMED, after the 3 events it missed were replayed")
	steps = pressAndWait(t, b, "invalid-session-resumable")
	inOrder(t, "op 9 true", steps, "op 9 Invalid Session with d: true", "Resume (op 6)", "RESUMED")
	steps = pressAndWait(t, b, "heartbeat-request")
	inOrder(t, "op 1 from the server", steps, "op 1 Heartbeat", "answered with its own op 1", "op 11 ACK")
}
