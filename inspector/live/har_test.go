package live

import (
	"bytes"
	"strings"
	"testing"

	"gatewaytour/inspector"
)

// TestHARRoundTripsTheSandboxStream exports the panel's own sandbox
// connection as HAR and opens the file again: the recording holds the same
// frames, annotated again from the raw traffic.
func TestHARRoundTripsTheSandboxStream(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitRecord(t, in.Session(), 0, "GUILD_CREATE", isEvent("GUILD_CREATE"))
	var har bytes.Buffer
	if err := in.Session().ExportHAR(&har, inspector.HARTarget{GatewayURL: "ws://127.0.0.1/gateway?v=10&encoding=json", Creator: "gatewaytour"}); err != nil {
		t.Fatal(err)
	}
	want := in.Session().Records(0, 0)
	info, err := h.ImportHAR(bytes.NewReader(har.Bytes()), "session.har")
	if err != nil {
		t.Fatal(err)
	}
	if info.Kind != KindRecording || info.Label != "session.har" {
		t.Errorf("recording info %+v", info)
	}
	rs, _ := h.Stream(info.ID)
	got := rs.Session().Records(0, 0)
	if len(got) < len(want) {
		t.Fatalf("%d records from the HAR, want at least the %d exported", len(got), len(want))
	}
	for i, w := range want {
		if got[i].OpName != w.OpName || (got[i].Summary != w.Summary && w.Heartbeat == nil) || got[i].Dir != w.Dir {
			t.Errorf("record %d: %s %q, want %s %q", i, got[i].OpName, got[i].Summary, w.OpName, w.Summary)
		}
	}
}

func TestHARImportRefusesBadFilesAndAddsNoStream(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	for _, file := range []string{`{"log":{}}`, `{"log":{"entries":[]}}`, `{"log": ` + strings.Repeat("[", 50000)} {
		if _, err := h.ImportHAR(strings.NewReader(file), "bad.har"); err == nil || !strings.Contains(err.Error(), "HAR") {
			t.Errorf("import of %.40q: %v, want an error about the HAR file", file, err)
		}
	}
	if ids := streamIDs(h); len(ids) != 1 {
		t.Errorf("refused imports left streams: %v", ids)
	}
}
