package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"gatewaytour/inspector/sandbox"
)

const visibleRows = `[...document.querySelectorAll(".frame-row:not([hidden])")]`

// TestPanelFiltersLikeAFrameViewer: search looks at the frame's data (notes
// only when asked), a regex anchors on a value, a lesson link's filter is a
// chip that goes when the reader leaves the lesson, each stream keeps its
// own filter, and time and size sort the list.
func TestPanelFiltersLikeAFrameViewer(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open the first lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	for _, text := range []string{"quokka facts: they smile", "thanks for the quokka"} {
		if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, text); err != nil {
			t.Fatal(err)
		}
	}
	b.waitTrue(t, "both messages arrive", recordsWhere(`r.t === "MESSAGE_CREATE"`)+" >= 2 && "+recordsWhere("r.op === 11")+" >= 1")

	// The data, not the notes: every dispatch's note names GUILD_CREATE.
	withData := evalIn[int](t, b, recordsWhere(`JSON.stringify(r.payload).toLowerCase().includes("guild_create")`))
	withNotes := evalIn[int](t, b, recordsWhere(`JSON.stringify(r.payload).toLowerCase().includes("guild_create") || (r.notes || []).join(" ").toLowerCase().includes("guild_create")`))
	if withNotes <= withData {
		t.Fatalf("the fixture is no test: notes mention GUILD_CREATE in %d frames, the data in %d", withNotes, withData)
	}
	b.do(t, "search GUILD_CREATE", chromedp.SendKeys(chromedp.CSS("#frame-search"), "GUILD_CREATE"))
	b.waitTrue(t, "only frames whose data says it", fmt.Sprintf(`%s.list.view().length === %d`, panelJS, withData))
	b.do(t, "include the notes", chromedp.Click(chromedp.CSS("#search-notes")))
	b.waitTrue(t, "the notes match too", fmt.Sprintf(`%s.list.view().length === %d`, panelJS, withNotes))
	b.do(t, "notes off again", chromedp.Click(chromedp.CSS("#search-notes")))

	b.do(t, "regex on a value", setField("#frame-search", "/^quokka/"))
	b.waitTrue(t, "only the message whose content starts with quokka", visibleRows+`.length === 1 && `+panelJS+`.list.view()[0].payload.d.content.startsWith("quokka facts")`)
	b.do(t, "regex on the JSON text", setField("#frame-search", `/"op":(1|11)[,}]/`))
	b.waitTrue(t, "beats and ACKs", panelJS+`.list.view().length >= 2 && `+panelJS+`.list.view().every((r) => r.op === 1 || r.op === 11)`)
	if help := evalIn[string](t, b, `document.querySelector("#search-help").textContent`); !strings.Contains(help, "/^grace/") || !strings.Contains(help, "each value") {
		t.Errorf("the search help does not say what a regex runs on: %q", help)
	}

	// The filter is remembered per stream.
	recording := importNDJSON(t, p, "other.ndjson")
	b.waitTrue(t, "the recording is listed", `[...document.querySelectorAll("#stream-select option")].some((o) => o.value === `+jsString(recording)+`)`)
	b.do(t, "type a filter and switch streams at once", setField("#frame-search", "quokka"), setField("#stream-select", recording))
	b.waitTrue(t, "the recording has no filter", panelJS+`.state.streamID === `+jsString(recording)+` && document.querySelector("#frame-search").value === "" && `+panelJS+`.state.records.length > 0`)
	b.do(t, "back to the panel's stream", setField("#stream-select", "inspector"))
	b.waitTrue(t, "its filter is back", `document.querySelector("#frame-search").value === "quokka" && `+panelJS+`.list.view().length === 2 && `+panelJS+`.list.view().every((r) => r.t === "MESSAGE_CREATE")`)
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the filter survives a reload", `document.querySelector("#frame-search").value === "quokka" && `+panelJS+`.list.view().length === 2`)
	b.do(t, "clear the search", setField("#frame-search", ""))

	// A lesson's frame link: a chip, gone when the reader leaves the lesson.
	b.do(t, "follow the ACK link", chromedp.Click(chromedp.CSS(`a.frame-link[data-frame-op="11"]`)))
	b.waitTrue(t, "the chip names the link's filter", `!document.querySelector("#filter-chips").hidden && document.querySelector(".filter-chip").textContent.includes("op 11")`)
	b.waitTrue(t, "only ACKs", visibleRows+`.length > 0 && `+visibleRows+`.every((r) => r.dataset.op === "11")`)
	b.do(t, "remove the chip", chromedp.Click(chromedp.CSS(".filter-chip-remove")))
	b.waitTrue(t, "every frame again", `document.querySelector("#filter-chips").hidden && document.querySelector("#filter-op").value === "" && !document.querySelector("#frame-count").textContent.includes(" of ")`)
	b.do(t, "follow the Hello link", chromedp.Click(chromedp.CSS(`a.frame-link[data-frame-op="10"]`)))
	b.waitTrue(t, "one Hello", panelJS+`.list.view().length === 1`)
	b.do(t, "go to the next lesson", chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)))
	b.waitTrue(t, "the lesson's filter is gone with it", `document.body.dataset.lesson === "second" && document.querySelector("#filter-chips").hidden && document.querySelector("#filter-op").value === "" && !document.querySelector("#frame-count").textContent.includes(" of ")`)

	// Sorting by size and by time.
	b.do(t, "sort by size", chromedp.Click(chromedp.CSS(`.frame-sort[data-sort="size"]`)))
	b.waitTrue(t, "the biggest frame is on top", `(() => { const v = `+panelJS+`.list.view(); const top = `+visibleRows+`.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0]; return +top.dataset.index === v[v.length - 1].index && v[v.length - 1].size === Math.max(...v.map((r) => r.size)); })()`)
	b.do(t, "sort by time", chromedp.Click(chromedp.CSS(`.frame-sort[data-sort="time"]`)))
	b.waitTrue(t, "oldest first", `document.querySelector(".frame-sort[data-sort=time]").dataset.dir === "asc" && `+panelJS+`.list.view()[0] === `+panelJS+`.state.records[0]`)
	b.do(t, "newest first", chromedp.Click(chromedp.CSS(`.frame-sort[data-sort="time"]`)))
	b.waitTrue(t, "the list starts at the top with the newest", `document.getElementById("frame-list").scrollTop === 0`)
	if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "newest of all"); err != nil {
		t.Fatal(err)
	}
	// Heartbeats may come after it, so the message is among the top rows and
	// the top row is the newest frame.
	b.waitTrue(t, "new frames land on top", `(() => { const rows = [...document.querySelectorAll(".frame-row:not([hidden])")].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top); const all = `+panelJS+`.state.records; return rows.length && rows[0].record === all[all.length - 1] && rows.slice(0, 4).some((r) => (r.record.summary || "").includes("newest of all")); })()`)
	b.do(t, "oldest first again", chromedp.Click(chromedp.CSS(`.frame-sort[data-sort="time"]`)))
	b.screenshot(t, "panel-filters")
}

// importNDJSON posts the panel's own stream back as a recording and
// returns the new stream's id.
func importNDJSON(t *testing.T, p *panelServer, name string) string {
	t.Helper()
	_, _, export := p.request(t, http.MethodGet, "/panel/export?stream=inspector", "")
	return importFile(t, p, name, export)
}

func importFile(t *testing.T, p *panelServer, name, body string) string {
	t.Helper()
	status, _, answer := p.request(t, http.MethodPost, "/panel/recording?name="+name, body, csrfHeader, p.csrfToken(t))
	var info struct{ ID string }
	if err := json.Unmarshal([]byte(answer), &info); status != 200 || err != nil {
		t.Fatalf("import %s: %d %s", name, status, answer)
	}
	return info.ID
}

// TestPanelCopyClearAndSplit: copy a frame's data and its record, clear the
// view (the server keeps the frames), and move the divider between list
// and detail with the keyboard and the mouse.
func TestPanelCopyClearAndSplit(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "READY", recordsWhere(`r.t === "READY"`)+" === 1")
	evalIn[bool](t, b, `(() => { window.__copied = []; navigator.clipboard.writeText = async (text) => { window.__copied.push(text); }; return true; })()`)
	b.do(t, "follow the Hello link", chromedp.Click(chromedp.CSS(`a.frame-link[data-frame-op="10"]`)))
	b.waitTrue(t, "Hello is open", `document.querySelector("#frame-detail .detail-title").textContent.includes("op 10")`)
	b.do(t, "copy the data", chromedp.Click(chromedp.CSS("#copy-data")))
	b.do(t, "copy as JSON", chromedp.Click(chromedp.CSS("#copy-record")))
	b.waitTrue(t, "two copies", `window.__copied.length === 2`)
	copied := evalIn[[]string](t, b, "window.__copied")
	var data struct {
		Op int `json:"op"`
	}
	var record struct {
		Index int64    `json:"index"`
		Notes []string `json:"notes"`
	}
	if json.Unmarshal([]byte(copied[0]), &data) != nil || data.Op != 10 || strings.Contains(copied[0], "\n") {
		t.Errorf("Copy gave %q, want Hello's data as one line of JSON", copied[0])
	}
	if json.Unmarshal([]byte(copied[1]), &record) != nil || len(record.Notes) == 0 || strings.Contains(copied[1], `"_data"`) {
		t.Errorf("Copy as JSON gave %.200q, want the whole record with its notes", copied[1])
	}

	// The divider: a focusable separator with its value.
	b.waitTrue(t, "the divider shows with a frame open", `document.querySelector("#split-divider").getBoundingClientRect().height > 0 && document.querySelector("#split-divider").getAttribute("aria-valuenow") === "50"`)
	before := evalIn[float64](t, b, `document.getElementById("frame-list").getBoundingClientRect().height`)
	b.do(t, "focus the divider", chromedp.Focus(chromedp.CSS("#split-divider")), keyWithoutText("ArrowDown", "ArrowDown", 40), keyWithoutText("ArrowDown", "ArrowDown", 40))
	b.waitTrue(t, "its value moved", `document.querySelector("#split-divider").getAttribute("aria-valuenow") === "60"`)
	if after := evalIn[float64](t, b, `document.getElementById("frame-list").getBoundingClientRect().height`); after <= before {
		t.Errorf("the list is %.0f px high after moving the divider down, %.0f before", after, before)
	}
	b.do(t, "the lesson stays put", keyWithoutText("End", "End", 35))
	b.waitTrue(t, "End went to the maximum", `document.querySelector("#split-divider").getAttribute("aria-valuenow") === "85" && document.body.dataset.lesson === "first"`)
	drag := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const d = document.querySelector("#split-divider").getBoundingClientRect(); const l = document.getElementById("frame-list").getBoundingClientRect(); const f = document.getElementById("frame-detail").getBoundingClientRect(); return [d.left + d.width / 2, d.top + d.height / 2, l.top + (f.bottom - l.top) * 0.3]; })()`))
		if err != nil {
			return err
		}
		for _, ev := range []input.DispatchMouseEventParams{
			{Type: input.DispatchMouseEventTypeMousePressed, X: box[0], Y: box[1], Button: input.MouseButtonLeft, Buttons: 1, ClickCount: 1},
			{Type: input.DispatchMouseEventTypeMouseMoved, X: box[0], Y: (box[1] + box[2]) / 2, Button: input.MouseButtonLeft, Buttons: 1},
			{Type: input.DispatchMouseEventTypeMouseMoved, X: box[0], Y: box[2], Button: input.MouseButtonLeft, Buttons: 1},
			{Type: input.DispatchMouseEventTypeMouseReleased, X: box[0], Y: box[2], Button: input.MouseButtonLeft, Buttons: 0, ClickCount: 1},
		} {
			if _, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
	b.do(t, "drag the divider up", drag)
	b.waitTrue(t, "the list has about 30% of the room", `Math.abs(+document.querySelector("#split-divider").getAttribute("aria-valuenow") - 30) <= 3`)
	b.do(t, "reload", chromedp.Reload())
	b.waitTrue(t, "the split is kept", `Math.abs(+document.querySelector("#split-divider").getAttribute("aria-valuenow") - 30) <= 3`)

	// Clear empties the view; the server still has every frame.
	b.waitTrue(t, "frames again", panelJS+".state.records.length > 3")
	held := evalIn[int](t, b, panelJS+".state.records.length")
	last := evalIn[int](t, b, panelJS+".state.lastIndex")
	b.do(t, "clear", chromedp.Click(chromedp.CSS("#clear-button")))
	// Heartbeats go on arriving, so the view holds only frames from after Clear.
	b.waitTrue(t, "the view is emptied and says the server keeps the frames", fmt.Sprintf(`%s.state.records.every((r) => r.index > %d) && document.querySelector("#frame-count").textContent.includes("server keeps")`, panelJS, last))
	if title := evalIn[string](t, b, `document.querySelector("#clear-button").title`); !strings.Contains(title, "server keeps") {
		t.Errorf("the Clear button does not say what it clears: %q", title)
	}
	_, _, export := p.request(t, http.MethodGet, "/panel/export?stream=inspector", "")
	if lines := strings.Count(export, "\n"); lines < held {
		t.Errorf("after Clear the server exports %d records, the page had %d", lines, held)
	}
}

// TestPanelDrawsAtMostOncePerFrame posts a burst of messages: however many
// batches arrive, the list is drawn at most once per animation frame.
func TestPanelDrawsAtMostOncePerFrame(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "identified", `document.querySelector("#conn-state").dataset.kind === "identified"`)
	evalIn[bool](t, b, `(() => {
		window.__frames = 0;
		window.__rendersAtStart = `+panelJS+`.list.renders();
		const tick = () => { window.__frames++; requestAnimationFrame(tick); };
		requestAnimationFrame(tick);
		return true;
	})()`)
	const burst = 300
	for i := range burst {
		if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, fmt.Sprint("burst ", i)); err != nil {
			t.Fatal(err)
		}
	}
	b.waitTrue(t, "the burst arrived", recordsWhere(`r.summary && r.summary.includes("burst 299")`)+" === 1")
	got := evalIn[[]int](t, b, `[`+panelJS+`.list.renders() - window.__rendersAtStart, window.__frames]`)
	if got[0] > got[1]+1 {
		t.Errorf("the list was drawn %d times in %d animation frames", got[0], got[1])
	}
	t.Logf("%d messages: the list was drawn %d times in %d animation frames", burst, got[0], got[1])
}
