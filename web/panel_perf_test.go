package web

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/sandbox"
)

// TestPerfPanelUnderFlood measures the panel while the sandbox pushes about
// 1,000 frames a second: the time from a frame's record time to the browser
// frame that draws the list with it, and the long tasks (over 50 ms) the
// page runs meanwhile. It is slow and machine-dependent, so it runs only
// with GATEWAYTOUR_PERF=1:
//
//	GATEWAYTOUR_PERF=1 go test -run Perf -v ./web/
func TestPerfPanelUnderFlood(t *testing.T) {
	if os.Getenv("GATEWAYTOUR_PERF") == "" {
		t.Skip("set GATEWAYTOUR_PERF=1 to measure the panel under a flood of frames")
	}
	const (
		rate    = 1000 // messages a second
		seconds = 10
	)
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	evalIn[bool](t, b, `(() => {
		window.__latency = [];
		window.__longTasks = [];
		new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
			.observe({ type: "longtask", buffered: false });
		`+panelJS+`.on("records", (fresh) => {
			const times = fresh.map((r) => Date.parse(r.time));
			requestAnimationFrame(() => { const now = Date.now(); for (const t of times) window.__latency.push(now - t); });
		});
		return true;
	})()`)
	before := evalIn[int](t, b, panelJS+".state.records.length")

	start := time.Now()
	posted := 0
	for tick := time.NewTicker(10 * time.Millisecond); time.Since(start) < seconds*time.Second; <-tick.C {
		due := int(time.Since(start).Seconds()*rate) - posted
		for range due {
			if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, fmt.Sprintf("flood %d", posted)); err != nil {
				t.Fatal(err)
			}
			posted++
		}
	}
	elapsed := time.Since(start)
	b.waitTrue(t, "every message reached the page", fmt.Sprintf(`%s.state.records.filter((r) => r.t === "MESSAGE_CREATE").length >= %d`, panelJS, posted))
	// Scroll through the whole list while it holds them all.
	evalIn[bool](t, b, `(() => { const l = document.getElementById("frame-list"); l.scrollTop = 0; l.scrollTop = l.scrollHeight / 2; return true; })()`)

	latency := evalIn[[]float64](t, b, "window.__latency")
	longTasks := evalIn[[]float64](t, b, "window.__longTasks")
	total := evalIn[int](t, b, panelJS+".state.records.length") - before
	slices.Sort(latency)
	pct := func(q float64) float64 { return latency[min(len(latency)-1, int(q*float64(len(latency))))] }
	var longest, sum float64
	for _, d := range longTasks {
		longest = max(longest, d)
		sum += d
	}
	t.Logf("posted %d messages in %s (%.0f/s); the page received %d frames", posted, elapsed.Round(time.Millisecond), float64(posted)/elapsed.Seconds(), total)
	t.Logf("frame → drawn latency: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d frames)", pct(0.50), pct(0.99), latency[len(latency)-1], len(latency))
	t.Logf("long tasks: %d, %.0f ms in all, longest %.0f ms", len(longTasks), sum, longest)
	if pct(0.99) > 5000 {
		t.Errorf("p99 latency %.0f ms: the page falls behind the stream", pct(0.99))
	}
	b.screenshot(t, "panel-flood")
}
