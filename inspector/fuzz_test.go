package inspector

import (
	"bytes"
	"encoding/json"
	"testing"

	"gatewaytour/inspector/gateway"
)

// FuzzAnnotate feeds arbitrary bytes as frames. Whatever arrives, the
// annotator must not panic, must produce a record that exports as JSON,
// must never echo the token, and must not keep much more than it was given.
func FuzzAnnotate(f *testing.F) {
	for _, s := range []string{fxHello, fxIdentify, fxReady, fxMessage, fxInteractionDM, beat("null"), `{"op":6,"d":{"token":"` + testToken + `"}}`, "{", ""} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, send bool) {
		a := newAnnotator(&Secrets{})
		a.secrets.Learn(testToken)
		dir := gateway.Recv
		if send {
			dir = gateway.Send
		}
		for range 2 { // twice, so per-connection state is exercised too
			r := a.annotate(gateway.WireFrame{Conn: "fuzz", Dir: dir, Time: t0, Data: data})
			if r.Payload != nil && !json.Valid(r.Payload) {
				t.Fatalf("payload is not JSON: %q", r.Payload)
			}
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("record does not marshal: %v", err)
			}
			if bytes.Contains(out, []byte(testToken)) {
				t.Fatalf("token in record: %s", out)
			}
			if len(r.Payload) > 2*len(data)+maxBadText+64 {
				t.Fatalf("payload of %d bytes for %d bytes of input", len(r.Payload), len(data))
			}
		}
	})
}
