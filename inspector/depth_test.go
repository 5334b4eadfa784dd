package inspector

import (
	"encoding/json"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

func nested(depth int, inner string) string {
	return strings.Repeat(`{"a":[`, depth) + inner + strings.Repeat(`]}`, depth)
}

// TestDeepPayloadIsKeptWithANote: a dispatch nested far deeper than the
// walker goes is valid JSON, so it is kept as it is, marked where it can
// be, and noted; it is neither a crash nor "not JSON".
func TestDeepPayloadIsKeptWithANote(t *testing.T) {
	// Each level of nested is two containers.
	for _, depth := range []int{MaxDepth/2 + 1, 5000, (MaxDepth+maxValidDepth)/2 - 10} {
		user := `{"id":"1350037460222083300","username":"alice","discriminator":"0","avatar":null}`
		text := `{"op":0,"t":"MESSAGE_CREATE","s":2,"d":{"author":` + user + `,"deep":` + nested(depth, `"`+testToken+`"`) + `}}`
		s := NewSession(8)
		s.Secrets().Learn(testToken)
		r := s.Ingest(frame("c", gateway.Recv, t0, text))
		if r.Error != "" || r.OpName != "Dispatch" || r.T == nil || *r.T != "MESSAGE_CREATE" {
			t.Fatalf("depth %d: %q %q", depth, r.OpName, r.Error)
		}
		if !json.Valid(r.Payload) || len(r.Payload) < 2*depth || strings.Contains(string(r.Payload), testToken) {
			t.Fatalf("depth %d: payload of %d bytes, valid %v", depth, len(r.Payload), json.Valid(r.Payload))
		}
		if !strings.Contains(strings.Join(r.Notes, " "), "Nested deeper than 1000 levels: not walked") {
			t.Errorf("depth %d: no note: %q", depth, r.Notes)
		}
		if len(r.Terms) == 0 || r.Terms[0].Path != "d.author" {
			t.Errorf("depth %d: the shallow author lost its mark: %+v", depth, r.Terms)
		}
	}
}

// TestFarTooDeepIsUndecodableNotACrash: past what can be checked at all,
// the frame is refused with a sentence, its text kept (cut short).
func TestFarTooDeepIsUndecodableNotACrash(t *testing.T) {
	r := NewSession(8).Ingest(frame("c", gateway.Recv, t0, `{"op":0,"d":`+nested(200_000, "1")+`}`))
	if !strings.Contains(r.Error, "too deep to read") || !json.Valid(r.Payload) || len(r.Payload) > 2*maxBadText {
		t.Fatalf("a 200,000-deep frame: %q, %d bytes kept", r.Error, len(r.Payload))
	}
}

func TestDeepButBrokenIsStillNotJSON(t *testing.T) {
	r := NewSession(8).Ingest(frame("c", gateway.Recv, t0, `{"op":0,"d":`+nested(3000, `tru`)+`}`))
	if r.Error == "" || !strings.Contains(r.Error, "nested deeper than") {
		t.Fatalf("broken deep JSON: %q", r.Error)
	}
}

func TestNestedDeeperThan(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
		want bool
	}{
		{nested(3, "1"), 6, false},
		{nested(3, "1"), 5, true},
		{`{"a":"[[[[[[[[[[\"[[["}`, 2, false},
		{`[[[`, 2, true},
		{`"unterminated [[[`, 1, false},
	} {
		if got := NestedDeeperThan([]byte(c.text), c.n); got != c.want {
			t.Errorf("NestedDeeperThan(%s, %d) = %v", c.text, c.n, got)
		}
	}
}
