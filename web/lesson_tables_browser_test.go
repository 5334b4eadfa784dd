package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"gatewaytour/lessons"
)

// TestIntentsTableFitsTheLesson: the intents table's events column sits
// with the others and wraps its event names inside the lesson column,
// rather than pushing off to the right, on a laptop and a small laptop.
func TestIntentsTableFitsTheLesson(t *testing.T) {
	course, err := lessons.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := newPanelServer(t, course)
	b := newBrowser(t)
	for _, width := range []int64{1440, 1100} {
		b.do(t, "open the intents lesson", chromedp.EmulateViewport(width, 900), chromedp.Navigate(p.ts.URL+"/lessons/intents"))
		b.waitTrue(t, "the table is there", `document.querySelector("table.protocol-intents tbody tr")`)
		layout := evalIn[[]float64](t, b, `(() => {
			const table = document.querySelector("table.protocol-intents");
			const prose = table.parentElement.getBoundingClientRect();
			const events = [...table.querySelectorAll("tbody td:last-child")].map((td) => td.getBoundingClientRect());
			return [table.scrollWidth - table.clientWidth, Math.max(...events.map((r) => r.right)) - prose.right, Math.min(...events.map((r) => r.width))];
		})()`)
		if layout[0] > 1 || layout[1] > 1 {
			t.Errorf("at %d px the intents table overflows the lesson by %.0f px (events column ends %.0f px past it)", width, layout[0], layout[1])
		}
		if layout[2] < 150 {
			t.Errorf("at %d px the events column is %.0f px wide: squeezed to the right", width, layout[2])
		}
		b.do(t, "look at the table", chromedp.ScrollIntoView(chromedp.CSS("table.protocol-intents")))
		b.screenshot(t, "lesson-intents-table")
	}
}
