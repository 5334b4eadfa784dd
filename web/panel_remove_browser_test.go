package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPanelRemovesARecording opens a recording, removes it with the panel's
// Remove button, and checks the server no longer lists it and the panel is
// back on the inspector's own stream. Live streams offer no Remove.
func TestPanelRemovesARecording(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	hello := []byte(`{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250}}`)
	id := importFile(t, p, "one.ndjson", annotatedRecording(t, hello))

	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the inspector's stream offers no Remove", `document.getElementById("remove-recording").hidden`)
	b.waitTrue(t, "the recording is listed", `[...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(id)+`)`)
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
