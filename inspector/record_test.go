package inspector

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// The field names are a contract: exports, watch --json and the browser
// panel all read them.
func TestRecordJSONFieldNames(t *testing.T) {
	a := newAnnotator(&Secrets{})
	a.annotate(frame("c", gateway.Recv, t0, `{"op":10,"d":{"heartbeat_interval":1000}}`))
	a.annotate(frame("c", gateway.Send, t0.Add(300*time.Millisecond), beat("null")))
	ack := a.annotate(frame("c", gateway.Recv, t0.Add(301*time.Millisecond), fxACK))
	msg := a.annotate(frame("c", gateway.Recv, t0, fxMessage))
	cl := a.annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Close: &gateway.CloseFrame{Code: 4004}})
	bad := a.annotate(frame("c", gateway.Recv, t0, "nope"))
	keys := func(v any) []string {
		raw, _ := json.Marshal(v)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	want := func(got []string, names ...string) {
		t.Helper()
		for _, n := range names {
			if !slices.Contains(got, n) {
				t.Errorf("missing %q in %v", n, got)
			}
		}
	}
	want(keys(msg), "index", "time", "dir", "op", "op_name", "t", "s", "size", "decoded_size", "source", "payload", "notes", "terms")
	want(keys(ack), "heartbeat", "t", "s")
	want(keys(ack.Heartbeat), "interval_ms", "ack_rtt_ms")
	want(keys(msg.Terms[0]), "path", "kind", "note")
	want(keys(cl), "close")
	want(keys(cl.Close), "code", "meaning", "can_resume", "reconnect", "fix")
	want(keys(bad), "error")
	raw, _ := json.Marshal(msg)
	var back struct {
		Time string `json:"time"`
		Dir  string `json:"dir"`
	}
	_ = json.Unmarshal(raw, &back)
	if _, err := time.Parse(time.RFC3339Nano, back.Time); err != nil || back.Dir != "recv" || back.Time != "2026-11-23T21:40:00.000000000Z" {
		t.Errorf("time %q dir %q", back.Time, back.Dir)
	}
}
