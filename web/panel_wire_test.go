package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
)

// TestRecordsJSONCarriesThePayloadAsText checks the page's batch format:
// every field of the record as exported, and the payload as a string that
// reads back to the same bytes, whatever they hold.
func TestRecordsJSONCarriesThePayloadAsText(t *testing.T) {
	payloads := []string{
		`{"op":0,"t":"MESSAGE_CREATE","d":{"content":"a \"quote\", a \\ and <b>tags</b> & \u2028"}}`,
		"{\"op\":10,\n \"d\":{\"heartbeat_interval\":41250}}", // not compact, as a peer may send it
		`"not JSON: \u0001 control"`,
		`{"d":"emoji 🚀 and ünïcödé"}`,
	}
	var records []inspector.Record
	for i, p := range payloads {
		records = append(records, inspector.Record{Index: int64(i), Time: time.Unix(1700000000, 0).UTC(), Dir: "recv", Payload: json.RawMessage(p), Summary: "s"})
	}
	records = append(records, inspector.Record{Index: 9, Dir: "send", Summary: "a close, no payload"})
	var back []struct {
		Index       int64           `json:"index"`
		Summary     string          `json:"summary"`
		Payload     json.RawMessage `json:"payload"`
		PayloadText *string         `json:"payload_text"`
	}
	raw := recordsJSON(records)
	if strings.ContainsAny(string(raw), "\n\r") {
		t.Fatal("a batch must be one line: it is one SSE data line")
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	if len(back) != len(records) {
		t.Fatalf("%d records back, want %d", len(back), len(records))
	}
	for i, p := range payloads {
		if back[i].Payload != nil || back[i].PayloadText == nil || *back[i].PayloadText != p || back[i].Summary != "s" || back[i].Index != int64(i) {
			t.Errorf("record %d came back as %+v, want its payload as the text %q", i, back[i], p)
		}
	}
	if last := back[len(back)-1]; last.PayloadText != nil || last.Index != 9 {
		t.Errorf("a record without a payload came back with one: %+v", last)
	}
	if got := string(appendJSONString(nil, []byte("bad \xff byte"))); got != `"bad \ufffd byte"` {
		t.Errorf("invalid UTF-8 became %s", got)
	}
}

func BenchmarkRecordsJSON(b *testing.B) {
	payload := json.RawMessage(`{"op":0,"t":"MESSAGE_CREATE","s":4,"d":{"id":"1577290577379205120","channel_id":"1350038244556931074","author":{"id":"1302331392000131072","username":"ada"},"content":"flood 1","mentions":[],"embeds":[]}}`)
	batch := make([]inspector.Record, 10)
	for i := range batch {
		batch[i] = inspector.Record{Index: int64(i), Time: time.Now(), Dir: "recv", Payload: payload, Summary: "ada: flood 1", Notes: []string{"Op 0 Dispatch: an event.", "MESSAGE_CREATE: a message was posted."}}
	}
	b.ReportAllocs()
	for b.Loop() {
		recordsJSON(batch)
	}
}
