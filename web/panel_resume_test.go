package web

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// nextEvent waits for the next event named name.
func (s *sseStream) nextEvent(t *testing.T, name string) sseEvent {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before an %q event", name)
			}
			if ev.Event == name {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event", name)
		}
	}
}

func TestPanelEventsSayWhatFellOutOfTheBuffer(t *testing.T) {
	const capacity = 30
	p := newPanelServer(t, fixtureCourse(t), func(c *live.Config) { c.Capacity = capacity })
	openEvents(t, p, "").recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") })
	for i := range 2 * capacity {
		if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, fmt.Sprint("message ", i)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := p.hub.Stream("inspector")
	deadline := time.Now().Add(30 * time.Second)
	for oldest, _ := st.Session().Bounds(); oldest < capacity; oldest, _ = st.Session().Bounds() {
		if time.Now().After(deadline) {
			t.Fatalf("the ring never wrapped: oldest %d", oldest)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A viewer that last saw record 0 has missed everything up to the oldest held.
	late := openEvents(t, p, "", "Last-Event-ID", "0")
	ev := late.nextEvent(t, "gap")
	var gap gapEvent
	if err := json.Unmarshal([]byte(ev.Data), &gap); err != nil {
		t.Fatal(err)
	}
	if gap.Missed < capacity || gap.Resume != gap.Missed+1 || ev.ID != strconv.FormatInt(gap.Resume-1, 10) {
		t.Errorf("gap event %+v with id %s; want at least %d missed and an id just before the resume point", gap, ev.ID, capacity)
	}
	if got := late.recordsUntil(t, "the first held record", func(inspector.Record) bool { return true }); got[0].Index != gap.Resume {
		t.Errorf("after the gap the stream resumed at %d, want %d", got[0].Index, gap.Resume)
	}
}

func TestPanelEventsEveryViewerSeesEverything(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	tabs := []*sseStream{openEvents(t, p, ""), openEvents(t, p, "")}
	var seen [][]inspector.Record
	for _, tab := range tabs {
		seen = append(seen, tab.recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") }))
	}
	if _, err := p.sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "to every tab"); err != nil {
		t.Fatal(err)
	}
	for i, tab := range tabs {
		seen[i] = append(seen[i], tab.recordsUntil(t, "the message", func(r inspector.Record) bool { return isEvent(r, "MESSAGE_CREATE") })...)
	}
	if len(seen[0]) != len(seen[1]) {
		t.Fatalf("two tabs saw %d and %d records up to the message", len(seen[0]), len(seen[1]))
	}
	for i := range seen[0] {
		if seen[0][i].Index != int64(i) || seen[1][i].Index != int64(i) {
			t.Fatalf("record %d: the tabs saw indexes %d and %d", i, seen[0][i].Index, seen[1][i].Index)
		}
	}
}

func TestPanelEventsStartOverAfterARestart(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	openEvents(t, p, "").recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") })
	// An id far beyond the stream: the browser remembers a previous run.
	s := openEvents(t, p, "", "Last-Event-ID", "999999")
	s.nextEvent(t, "reset")
	if got := s.recordsUntil(t, "a record", func(inspector.Record) bool { return true }); got[0].Index != 0 {
		t.Errorf("after a reset the stream starts at %d, want 0", got[0].Index)
	}
}

func TestCloseStreamsEndsOpenStreams(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	s := openEvents(t, p, "")
	s.nextEvent(t, "streams")
	p.site.CloseStreams()
	waitClosed(t, s)
}
