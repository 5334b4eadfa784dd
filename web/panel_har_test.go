package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gatewaytour/inspector"
)

// TestPanelHARExportAndImport downloads the panel's stream as HAR, checks
// it is the shape DevTools writes, and uploads it again through the same
// recording route an NDJSON file takes; bad HAR files get a clear answer.
func TestPanelHARExportAndImport(t *testing.T) {
	p := newPanelServer(t, fixtureCourse(t))
	seen := openEvents(t, p, "").recordsUntil(t, "READY", func(r inspector.Record) bool { return isEvent(r, "READY") })

	status, ctype, har := p.request(t, http.MethodGet, "/panel/export?stream=inspector&format=har", "")
	if status != 200 || ctype != "application/json" {
		t.Fatalf("HAR export: %d %q", status, ctype)
	}
	var doc struct {
		Log struct {
			Version string
			Entries []struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
				ResourceType string `json:"_resourceType"`
				Messages     []struct {
					Type   string  `json:"type"`
					Time   float64 `json:"time"`
					Opcode int     `json:"opcode"`
					Data   string  `json:"data"`
				} `json:"_webSocketMessages"`
			}
		}
	}
	if err := json.Unmarshal([]byte(har), &doc); err != nil || doc.Log.Version != "1.2" || len(doc.Log.Entries) == 0 {
		t.Fatalf("the export is not HAR 1.2: %v %.300s", err, har)
	}
	ws := doc.Log.Entries[0]
	if ws.ResourceType != "websocket" || !strings.HasPrefix(ws.Request.URL, "ws://127.0.0.1:") || len(ws.Messages) < len(seen) ||
		ws.Messages[0].Type != "receive" || ws.Messages[0].Opcode != 1 || !strings.Contains(ws.Messages[0].Data, `"op":10`) {
		t.Errorf("the websocket entry: %+v", ws)
	}
	if status, _, body := p.request(t, http.MethodGet, "/panel/export?format=pcap", ""); status != 400 || !strings.Contains(body, "format must be") {
		t.Errorf("an unknown format: %d %q", status, body)
	}

	token := p.csrfToken(t)
	status, _, body := p.request(t, http.MethodPost, "/panel/recording?name=session.har", har, csrfHeader, token)
	var info struct {
		ID    string `json:"id"`
		Label string `json:"label"`
		Next  int64  `json:"next"`
	}
	if err := json.Unmarshal([]byte(body), &info); status != 200 || err != nil || info.Label != "session.har" || info.Next < int64(len(seen)) {
		t.Fatalf("HAR import: %d %q", status, body)
	}
	replay := openEvents(t, p, "?stream="+info.ID)
	got := replay.recordsUntil(t, "READY from the HAR", func(r inspector.Record) bool { return isEvent(r, "READY") })
	if !isOp(got[0], 10) || got[0].Heartbeat == nil {
		t.Errorf("the HAR's first record is not an annotated Hello: %+v", got[0])
	}

	for _, tc := range []struct{ file, want string }{
		{`{"log":{"entries":[]}}`, "could not open the HAR file: the HAR holds no websocket frames"},
		{`{"log":` + strings.Repeat(`{"a":`, 30000), "could not open the HAR file: not a HAR file: it is nested deeper"},
		{`{"log":{"entries":[{"_resourceType":"websocket","_webSocketMessages":"<script>"}]}}`, "could not open the HAR file: not a HAR file: json: cannot unmarshal"},
	} {
		status, _, body := p.request(t, http.MethodPost, "/panel/recording?name=bad.har", tc.file, csrfHeader, token)
		if status != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("import of %.50q: %d %q, want 400 saying %q", tc.file, status, body, tc.want)
		}
	}
}
