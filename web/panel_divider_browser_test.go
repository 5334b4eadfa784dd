package web

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/live"
)

// TestPanelRulesOffAResume: a bot that resumes on a new connection carries
// on in the same stream, and the panel rules off the new connection's first
// frame with the server's sentence about the resume.
func TestPanelRulesOffAResume(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	startSandboxBot(t, p, "resumer")
	stream := waitBotStream(t, p, "resumer")

	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the bot's stream is listed", `[...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(stream)+`)`)
	b.do(t, "watch the bot", setField("#stream-select", stream))
	b.waitTrue(t, "its READY", recordsWhere(`r.t === "READY"`)+" === 1")

	conns := p.sb.Connections()
	var conn string
	for _, c := range conns {
		if strings.HasPrefix(c.ID, "sandbox") && c.Peer == "resumer" {
			conn = c.ID
		}
	}
	if conn == "" {
		t.Fatalf("no sandbox connection of the bot: %+v", conns)
	}
	if err := p.sb.Reconnect(conn); err != nil {
		t.Fatal(err)
	}
	b.waitTrue(t, "RESUMED in the same stream", recordsWhere(`r.t === "RESUMED"`)+" === 1")
	b.waitTrue(t, "the new connection's first frame is ruled off", `(() => {
		const row = document.querySelector(".frame-row.resumed-here:not([hidden])");
		return row && row.querySelector(".fr-summary").title.startsWith("Resumed after")
	})()`)
}

// waitBotStream is the stream of the sandbox bot whose label names name.
func waitBotStream(t *testing.T, p *panelServer, name string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range p.hub.Streams() {
			if s.Kind == live.KindSandboxBot && strings.Contains(s.Label, name) && s.State.Kind == live.StateIdentified {
				return s.ID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no stream for the bot %q: %+v", name, p.hub.Streams())
	return ""
}
