package live

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

func TestSwitchingKeepsOneInspectorStream(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	discord, _ := fakeDiscord(t, h, quietSandbox())
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	first := waitState(t, in, StateIdentified)
	waitRecord(t, in.Session(), 0, "GUILD_CREATE from the sandbox", isEvent("GUILD_CREATE"))
	_, before := in.Session().Bounds()

	if err := h.ConnectDiscord(sandbox.Token, gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	// The sandbox keeps the stream until the new connection's READY.
	var second State
	waitFor(t, "the switch to Discord", func() bool {
		second = in.Info().State
		return second.Kind == StateIdentified && second.Target == TargetDiscord
	})
	if second.Target != TargetDiscord || second.SessionID == first.SessionID {
		t.Fatalf("after switching: state %+v (was %+v)", second, first)
	}
	ready := waitRecord(t, in.Session(), before, "READY from the fake Discord", isEvent("READY"))
	if ready.Index < before {
		t.Errorf("the new connection's READY got index %d, below %d", ready.Index, before)
	}
	// The old connection was closed with 1000, on the record.
	waitRecord(t, in.Session(), 0, "the 1000 that ended the sandbox connection", func(r inspector.Record) bool {
		return r.Close != nil && r.Close.Code == 1000 && r.Dir == gateway.Send && r.Index < ready.Index
	})
	recs := in.Session().Records(0, 0)
	for i := 1; i < len(recs); i++ {
		if recs[i].Index != recs[i-1].Index+1 {
			t.Fatalf("indexes jump from %d to %d", recs[i-1].Index, recs[i].Index)
		}
	}
	var inspectors int
	for _, info := range h.Streams() {
		if info.Kind == KindInspector {
			inspectors++
		}
	}
	if inspectors != 1 {
		t.Errorf("%d inspector streams, want 1: %v", inspectors, streamIDs(h))
	}
	waitFor(t, "the sandbox to forget the inspector", func() bool {
		for _, c := range sb.Connections() {
			if c.Peer == client.Peer {
				return false
			}
		}
		return len(discord.Connections()) == 1
	})

	// Disconnecting stops it, and a first-visit call does not reconnect.
	if err := h.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if st := in.Info().State; st.Kind != StateStopped {
		t.Errorf("after Disconnect: %+v", st)
	}
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	if st := in.Info().State; st.Kind != StateStopped {
		t.Errorf("EnsureSandbox after a Disconnect reconnected: %+v", st)
	}
	// Connecting again carries on in the same stream.
	_, mark := in.Session().Bounds()
	if err := h.ConnectSandbox(gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	waitRecord(t, in.Session(), mark, "READY from the sandbox again", isEvent("READY"))
	if st := waitState(t, in, StateIdentified); st.Target != TargetSandbox || len(st.Intents) != 1 {
		t.Errorf("state after reconnecting: %+v", st)
	}
}

func TestRecordingRoundTripsAnExport(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitRecord(t, in.Session(), 0, "GUILD_CREATE", isEvent("GUILD_CREATE"))
	var export bytes.Buffer
	if err := in.Session().ExportNDJSON(&export); err != nil {
		t.Fatal(err)
	}
	want, err := inspector.ImportNDJSON(bytes.NewReader(export.Bytes()))
	if err != nil || len(want) < 4 {
		t.Fatalf("export holds %d records (%v)", len(want), err)
	}
	changes, cancel := h.WatchStreams()
	defer cancel()

	info, err := h.ImportRecording(bytes.NewReader(export.Bytes()), "first-visit.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != "recording-1" || info.Kind != KindRecording || info.State.Kind != StateRecording || info.Label != "first-visit.ndjson" {
		t.Errorf("recording info %+v", info)
	}
	if info.First != want[0].Index || info.Next != want[len(want)-1].Index+1 {
		t.Errorf("bounds [%d, %d), want the export's [%d, %d]", info.First, info.Next, want[0].Index, want[len(want)-1].Index)
	}
	select {
	case <-changes:
	default:
		t.Error("WatchStreams did not fire for the recording")
	}
	rs, ok := h.Stream("recording-1")
	if !ok {
		t.Fatal("recording-1 is not listed")
	}
	var again bytes.Buffer
	if err := rs.Session().ExportNDJSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != export.String() {
		t.Errorf("the recording does not export what was imported:\n%.400s\nvs\n%.400s", again.String(), export.String())
	}
	got := rs.Session().Records(0, 0)
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(want)
	if !bytes.Equal(a, b) {
		t.Error("the recording's records differ from the export's")
	}

	second, err := h.ImportRecording(strings.NewReader(export.String()), "  name\nwith\tjunk\x00 ")
	if err != nil || second.ID != "recording-2" || second.Label != "name with junk" {
		t.Errorf("second import: %+v, %v", second, err)
	}
}

func TestRecordingRefusesBadFiles(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	good := `{"index":0,"time":"2026-01-01T00:00:00.000Z","dir":"recv","op":10,"op_name":"Hello","t":null,"s":null,"size":2,"payload":{}}`
	_, err := h.ImportRecording(strings.NewReader(good+"\nnot json at all\n"), "broken.ndjson")
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("import of a broken line: %v, want an error naming line 2", err)
	}
	if _, err := h.ImportRecording(strings.NewReader("\n\n"), "empty"); err == nil {
		t.Error("an empty recording was accepted")
	}
	if ids := streamIDs(h); len(ids) != 1 {
		t.Errorf("refused imports left streams: %v", ids)
	}
	info, err := h.ImportRecording(strings.NewReader(good), "")
	if err != nil || info.ID != "recording-1" || info.Label != "recording 1" || info.Next != 1 {
		t.Errorf("one-line import: %+v, %v", info, err)
	}
}

// TestCloseLeavesNoGoroutines runs every kind of source, closes the hub
// and checks that nothing of the hub or its client is left running.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitState(t, in, StateIdentified)
	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	bot.identify("discord.py", gateway.IntentGuilds)
	waitFor(t, "the bot's stream", func() bool { return len(h.Streams()) == 2 })

	h.Close()
	h.Close() // twice is harmless
	if st := in.Info().State; st.Kind == StateIdentified {
		t.Errorf("still identified after Close: %+v", st)
	}
	if err := h.ConnectSandbox(gateway.IntentGuilds); err != ErrClosed {
		t.Errorf("ConnectSandbox after Close: %v", err)
	}
	waitFor(t, "the hub's goroutines to end", func() bool {
		return len(hubGoroutines()) == 0
	})
	waitFor(t, "the sandbox to see the inspector leave", func() bool {
		for _, c := range sb.Connections() {
			if c.Peer == client.Peer {
				return false
			}
		}
		return true
	})
}

// hubGoroutines lists the stacks of running goroutines that belong to the
// hub or its client, leaving out the test's own.
func hubGoroutines() []string {
	buf := make([]byte, 4<<20)
	var left []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "_test.go") {
			continue
		}
		if strings.Contains(g, "inspector/live.") || strings.Contains(g, "inspector/client.") {
			left = append(left, g)
		}
	}
	return left
}
