package inspector

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// spell writes s with the characters picked by mask as \u escapes (upper
// selects upper-case hex digits), the way any JSON encoder may.
func spell(s string, mask uint64, upper bool) string {
	var b strings.Builder
	for i, c := range []byte(s) {
		if mask>>(i%64)&1 == 1 {
			if upper {
				fmt.Fprintf(&b, `\u%04X`, c)
			} else {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placements put a token, already spelled for a JSON string, somewhere a
// record or a log line may carry it.
var placements = []func(tok string) gateway.WireFrame{
	func(tok string) gateway.WireFrame { // a message's content
		return frame("c", gateway.Recv, t0, `{"op":0,"t":"MESSAGE_CREATE","s":3,"d":{"content":"my token is `+tok+` ok","author":{"id":"1","username":"a `+tok+`"}}}`)
	},
	func(tok string) gateway.WireFrame { // JSON quoted inside a JSON string
		inner, _ := json.Marshal(`{"token":"` + tok + `"}`)
		return frame("c", gateway.Recv, t0, `{"op":0,"t":"X","s":4,"d":{"raw":`+string(inner)+`}}`)
	},
	func(tok string) gateway.WireFrame { // a close reason
		return gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Close: &gateway.CloseFrame{Code: 4004, Reason: "bad " + tok}}
	},
	func(tok string) gateway.WireFrame { // an undecodable frame
		return frame("c", gateway.Send, t0, `{"op":2,"d":{"token":"`+tok+`"`)
	},
	func(tok string) gateway.WireFrame { // a REST exchange, in the body and the URL
		ex := gateway.RESTExchange{HTTP: "GET /api/v10/x?t=" + tok, Status: 401, Body: json.RawMessage(`{"message":"` + tok + `"}`)}
		return ex.Frame("rest", "", t0)
	},
	func(tok string) gateway.WireFrame { // an error the source wrote
		return gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Error: `dial: Authorization: ` + tok, Data: []byte(tok)}
	},
}

// FuzzTokenSpellings tries the key and the token in any JSON spelling,
// with and without "Bot ", in every placement, and asserts the token never
// comes out of a record, in its raw bytes or once every string in it is
// decoded (twice, for JSON inside strings).
func FuzzTokenSpellings(f *testing.F) {
	f.Add(uint8(0b00100), uint64(0), false, false, uint8(0)) // "tok\u0065n"
	f.Add(uint8(0b11111), uint64(1), true, true, uint8(1))   // every letter escaped, "Bot ", nested
	f.Add(uint8(0), uint64(0xffff0000ffff), false, true, uint8(2))
	f.Add(uint8(0b10001), uint64(1<<63|1<<20), true, false, uint8(4))
	f.Fuzz(func(t *testing.T, keyMask uint8, valueMask uint64, bot, upper bool, where uint8) {
		s := NewSession(64)
		value := testToken
		if bot {
			value = "Bot " + testToken
		}
		key := spell("token", uint64(keyMask), upper)
		if keyMask&0x80 != 0 {
			key = spell("Token", uint64(keyMask), upper) // any case is still a token
		}
		ident := s.Ingest(frame("c", gateway.Send, t0, `{"op":2,"d":{"`+key+`":"`+spell(value, valueMask, upper)+`","intents":1,"properties":{"os":"x","browser":"fuzz","device":"x"}}}`))
		assertNoToken(t, ident)
		place := placements[int(where)%len(placements)]
		assertNoToken(t, s.Ingest(place(spell(value, valueMask>>1, !upper))))
		assertNoToken(t, s.Ingest(place(value)))
		if text := s.Secrets().RedactString("error: " + spell(value, valueMask, upper)); decodesToToken(text) {
			t.Fatalf("text keeps the token: %s", text)
		}
	})
}

func assertNoToken(t *testing.T, r Record) {
	t.Helper()
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), testToken) || decodesToToken(string(out)) {
		t.Fatalf("the token came out: %s", out)
	}
}

// decodesToToken reports the token in text once JSON escapes are read, up
// to three layers deep (JSON in a string in JSON in a string).
func decodesToToken(text string) bool { return holdsToken(text, 3) }

func holdsToken(text string, depth int) bool {
	if strings.Contains(text, testToken) {
		return true
	}
	if depth == 0 {
		return false
	}
	var v any
	if json.Unmarshal([]byte(text), &v) == nil {
		return anyStringHolds(v, depth)
	}
	var unquoted string
	return json.Unmarshal([]byte(`"`+text+`"`), &unquoted) == nil && holdsToken(unquoted, depth-1)
}

func anyStringHolds(v any, depth int) bool {
	switch v := v.(type) {
	case string:
		return holdsToken(v, depth-1)
	case []any:
		for _, e := range v {
			if anyStringHolds(e, depth) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if holdsToken(k, depth-1) || anyStringHolds(e, depth) {
				return true
			}
		}
	}
	return false
}
