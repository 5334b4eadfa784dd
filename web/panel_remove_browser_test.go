package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPanelRemovesARecording opens a recording, removes it with the panel's
// Remove button, and checks the server no longer lists it and the panel is
// back on the inspector's own stream. Live streams offer no Remove.
func TestPanelRemovesARecording(t *testing.T) {
	p, b, id := openWithARecording(t, "one.ndjson")
	b.waitTrue(t, "the inspector's stream offers no Remove", `document.getElementById("remove-recording").hidden`)
	b.do(t, "open the recording", setField("#stream-select", id))
	b.waitTrue(t, "its frame", panelJS+".state.records.length === 1")
	b.waitTrue(t, "Remove is offered", `!document.getElementById("remove-recording").hidden`)
	b.do(t, "remove it", chromedp.Click(chromedp.CSS("#remove-recording")))
	b.waitTrue(t, "back on the inspector's stream", panelJS+`.state.streamID === "inspector"`)
	b.waitTrue(t, "the recording is no longer listed", `![...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(id)+`)`)
	for _, s := range p.hub.Streams() {
		if s.ID == id {
			t.Fatalf("the server still holds %s", id)
		}
	}
}

// TestPanelLeavesAStreamThatIsGone follows a recording that is then removed
// elsewhere (another tab, a script): the server ends the page's event
// stream, the page's reader tries again, is told the stream does not
// exist, and the panel says so and goes back to its own connection
// instead of retrying forever.
func TestPanelLeavesAStreamThatIsGone(t *testing.T) {
	p, b, id := openWithARecording(t, "gone.ndjson")
	evalIn[bool](t, b, `window.notices = []; `+panelJS+`.on("notice", (text) => notices.push(text)); true`)
	b.do(t, "open the recording", setField("#stream-select", id))
	b.waitTrue(t, "its frame", panelJS+".state.records.length === 1 && "+panelJS+`.state.link === "open"`)
	if err := p.hub.RemoveRecording(id); err != nil {
		t.Fatal(err)
	}
	b.waitTrue(t, "the panel says the stream is gone", `notices.some((n) => n.includes("no longer available"))`)
	b.waitTrue(t, "and follows its own connection again", panelJS+`.state.streamID === "inspector" && `+panelJS+`.state.link === "open"`)
	// The inspector's stream changing state must not wipe the sentence
	// before the reader has read it.
	b.waitTrue(t, "the sentence is still shown once the inspector's stream is open", `document.getElementById("conn-detail").textContent.includes("no longer available")`)
}

// openWithARecording imports a one-frame recording named name and opens a
// lesson whose stream picker lists it; the panel still shows the
// inspector's own stream.
func openWithARecording(t *testing.T, name string) (*panelServer, *browserSession, string) {
	t.Helper()
	p := newPanelServer(t, panelCourse(t))
	hello := []byte(`{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}`)
	id := importFile(t, p, name, annotatedRecording(t, hello))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the recording is listed", `[...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(id)+`)`)
	return p, b, id
}
