package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gatewaytour/inspector"
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
		seconds = 60   // "for a minute", as the panel's performance goal says
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

// TestPerfPanelScrolls100kFrames opens a recording of 100,000 frames and
// scrolls the list through it, measuring the browser's frame times and
// long tasks: only the rows in view exist, so scrolling stays smooth.
func TestPerfPanelScrolls100kFrames(t *testing.T) {
	if os.Getenv("GATEWAYTOUR_PERF") == "" {
		t.Skip("set GATEWAYTOUR_PERF=1 to measure scrolling through 100,000 frames")
	}
	const frames = 100_000
	p := newPanelServer(t, panelCourse(t))
	if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "a typical message"); err != nil {
		t.Fatal(err)
	}
	seen := openEvents(t, p, "").recordsUntil(t, "a message and an ACK", func(r inspector.Record) bool { return isOp(r, 11) })
	// Everyday frames (not READY or GUILD_CREATE, which are large and rare).
	var sample []inspector.Record
	for _, r := range seen {
		if len(r.Payload) < 2000 {
			sample = append(sample, r)
		}
	}
	var file bytes.Buffer
	for i := range frames {
		r := sample[i%len(sample)]
		r.Index = int64(i)
		if err := inspector.WriteRecord(&file, r); err != nil {
			t.Fatal(err)
		}
	}
	status, _, body := p.request(t, "POST", "/panel/recording?name=big.ndjson", file.String(), csrfHeader, p.csrfToken(t))
	if status != 200 {
		t.Fatalf("import: %d %s", status, body)
	}
	var info struct{ ID string }
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the recording is listed", `[...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(info.ID)+`)`)
	loadStart := time.Now()
	b.do(t, "open the recording", setField("#stream-select", info.ID))
	b.waitTrue(t, "every frame is in the page", fmt.Sprintf("%s.state.records.length === %d", panelJS, frames))
	loaded := time.Since(loadStart)
	rows := evalIn[int](t, b, `document.querySelectorAll(".frame-row").length`)
	stats, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`new Promise((done) => {
		const longTasks = [];
		new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); }).observe({ type: "longtask" });
		const list = document.getElementById("frame-list");
		list.scrollTop = 0;
		const deltas = [];
		let last = performance.now(), n = 0;
		const step = () => {
			const now = performance.now();
			deltas.push(now - last);
			last = now;
			list.scrollTop += list.scrollHeight / 240;
			if (++n < 240) requestAnimationFrame(step);
			else setTimeout(() => { deltas.sort((a, b) => a - b); done([deltas[Math.floor(deltas.length / 2)], deltas[Math.floor(deltas.length * 0.99)], longTasks.length, Math.max(0, ...longTasks)]); }, 100);
		};
		requestAnimationFrame(step);
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("scroll: %v", err)
	}
	t.Logf("%d frames loaded into the page in %s; %d row elements exist", frames, loaded.Round(time.Millisecond), rows)
	t.Logf("scrolling through all of them: frame time p50 %.1f ms, p99 %.1f ms; %v long tasks, longest %.0f ms", stats[0], stats[1], stats[2], stats[3])
	if rows > 200 {
		t.Errorf("%d row elements for %d frames: the list is not virtualised", rows, frames)
	}
}
