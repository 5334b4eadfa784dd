package inspector

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// harOf exports s as HAR and decodes the file generically, as another tool
// reading it would.
func harOf(t *testing.T, s *Session) (raw []byte, doc map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	target := HARTarget{GatewayURL: "wss://gateway.discord.gg/?v=10&encoding=json", APIBase: "https://discord.com", Creator: "gatewaytour", Version: "test"}
	if err := s.ExportHAR(&buf, target); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	return buf.Bytes(), doc
}

func TestHARExportIsChromeShapedAndReadsBack(t *testing.T) {
	s := loginSession(t)
	rest := gateway.RESTExchange{HTTP: "GET /api/v10/gateway/bot", Status: 200, Body: json.RawMessage(`{"url":"wss://gateway.discord.gg","shards":1}`)}
	s.Ingest(rest.Frame("rest", "", t0.Add(time.Second)))
	raw, doc := harOf(t, s)
	if bytes.Contains(raw, []byte(testToken)) {
		t.Fatal("the HAR holds the token")
	}
	log := doc["log"].(map[string]any)
	if log["version"] != "1.2" {
		t.Errorf("version %v, want 1.2", log["version"])
	}
	entries := log["entries"].([]any)
	if len(entries) != 2 {
		t.Fatalf("%d entries, want the connection and the REST call", len(entries))
	}
	ws := entries[0].(map[string]any)
	if ws["_resourceType"] != "websocket" || ws["request"].(map[string]any)["url"] != "wss://gateway.discord.gg/?v=10&encoding=json" ||
		ws["response"].(map[string]any)["status"] != float64(101) {
		t.Errorf("websocket entry = %v", ws)
	}
	msgs := ws["_webSocketMessages"].([]any)
	if len(msgs) != 9 {
		t.Fatalf("%d messages, want the 9 frames", len(msgs))
	}
	first, second, last := msgs[0].(map[string]any), msgs[1].(map[string]any), msgs[8].(map[string]any)
	if first["type"] != "receive" || first["opcode"] != float64(1) || first["data"] != fxHello {
		t.Errorf("first message = %v", first)
	}
	if second["type"] != "send" || !strings.Contains(second["data"].(string), RedactedToken) {
		t.Errorf("Identify as exported = %v", second)
	}
	if when := first["time"].(float64); when < float64(t0.Unix()) || when > float64(t0.Unix()+1) {
		t.Errorf("time %v is not Unix seconds around %v", when, t0.Unix())
	}
	if last["opcode"] != float64(8) || last["data"] != "4000 bye" {
		t.Errorf("the close = %v", last)
	}
	call := entries[1].(map[string]any)
	if req := call["request"].(map[string]any); req["method"] != "GET" || req["url"] != "https://discord.com/api/v10/gateway/bot" {
		t.Errorf("REST request = %v", req)
	}

	back, err := ImportHAR(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := s.Records(0, 0)
	if len(back) != len(want) {
		t.Fatalf("%d records back, want %d", len(back), len(want))
	}
	for i, w := range want {
		g := back[i]
		if g.Dir != w.Dir || g.OpName != w.OpName || deref(g.T) != deref(w.T) || !g.Time.Equal(w.Time.Truncate(time.Microsecond)) || g.Index != int64(i) {
			t.Errorf("record %d back as %s %s %v at %v, want %s %s %v at %v", i, g.Dir, g.OpName, g.T, g.Time, w.Dir, w.OpName, w.T, w.Time)
		}
	}
	if back[5].Heartbeat == nil || back[5].Heartbeat.AckRTTMS == nil || *back[5].Heartbeat.AckRTTMS != 1 {
		t.Errorf("the ACK's round trip was not worked out again: %+v", back[5].Heartbeat)
	}
	if back[8].Close == nil || back[8].Close.Code != 4000 || back[8].Close.Reason != "bye" {
		t.Errorf("the close came back as %+v", back[8].Close)
	}
}

// chromeHAR is a HAR as DevTools saves it: a page, a script, the gateway
// socket and REST calls, with headers this importer must ignore.
func chromeHAR(socketURL string, msgs []harMessage, extra ...harEntry) []byte {
	ws := harEntry{StartedDateTime: "2026-11-23T21:40:00.000Z", ResourceType: "websocket", WebSocketMessages: msgs,
		Request: harRequest{Method: "GET", URL: socketURL, Headers: []harNameValue{{Name: "Authorization", Value: "never-read"}}}}
	page := harEntry{StartedDateTime: "2026-11-23T21:39:59.000Z", ResourceType: "document", Request: harRequest{Method: "GET", URL: "https://discord.com/app"}}
	script := harEntry{StartedDateTime: "2026-11-23T21:39:59.500Z", ResourceType: "script", Request: harRequest{Method: "GET", URL: "https://discord.com/assets/web.js"}}
	file := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: "WebInspector", Version: "537.36"}, Entries: append([]harEntry{page, script, ws}, extra...)}}
	b, _ := json.Marshal(file)
	return b
}

func TestHARImportInflatesZlibStreamFrames(t *testing.T) {
	w := gateway.NewZlibStreamWriter()
	at := float64(t0.Unix())
	var msgs []harMessage
	recv := func(sec float64, text string) {
		z, err := w.Compress([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, harMessage{Type: "receive", Time: at + sec, Opcode: 2, Data: base64.StdEncoding.EncodeToString(z)})
	}
	recv(0, fxHello)
	msgs = append(msgs, harMessage{Type: "send", Time: at + 0.005, Opcode: 1, Data: fxIdentify})
	recv(0.009, fxReady)
	// A big message split over two frames, as a websocket may deliver it.
	z, err := w.Compress(guildCreate(200, 2))
	if err != nil {
		t.Fatal(err)
	}
	half := len(z) / 2
	msgs = append(msgs,
		harMessage{Type: "receive", Time: at + 0.010, Opcode: 2, Data: base64.StdEncoding.EncodeToString(z[:half])},
		harMessage{Type: "receive", Time: at + 0.011, Opcode: 2, Data: base64.StdEncoding.EncodeToString(z[half:])})
	recv(0.400, fxMessage)
	login := harEntry{StartedDateTime: "2026-11-23T21:39:58.000Z", ResourceType: "xhr",
		Request:  harRequest{Method: "POST", URL: "https://discord.com/api/v9/auth/login", PostData: &harPostData{Text: `{"login":"a@b.c","password":"hunter2"}`}},
		Response: harResponse{Status: 200, Content: harContent{Text: base64.StdEncoding.EncodeToString([]byte(`{"user_id":"1","token":"` + testToken + `"}`)), Encoding: "base64"}}}
	records, err := ImportHAR(bytes.NewReader(chromeHAR("wss://gateway.discord.gg/?encoding=json&v=9&compress=zlib-stream", msgs, login)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range records {
		names = append(names, r.OpName+":"+deref(r.T))
		if r.Error != "" {
			t.Errorf("record %d: %s", r.Index, r.Error)
		}
	}
	want := "REST: Hello: Identify: Dispatch:READY Dispatch:GUILD_CREATE Dispatch:MESSAGE_CREATE"
	if strings.Join(names, " ") != want {
		t.Errorf("records %v, want %s", names, want)
	}
	gc := records[4]
	if gc.Size != len(z) || gc.DecodedSize != len(guildCreate(200, 2)) {
		t.Errorf("GUILD_CREATE size %d (decoded %d), want the two compressed frames %d (decoded %d)", gc.Size, gc.DecodedSize, len(z), len(guildCreate(200, 2)))
	}
	if len(gc.Terms) < 200 {
		t.Errorf("GUILD_CREATE has %d object terms, want its members marked", len(gc.Terms))
	}
	all, _ := json.Marshal(records)
	if bytes.Contains(all, []byte(testToken)) || bytes.Contains(all, []byte("hunter2")) {
		t.Error("the token (from the login answer and Identify) or the login's password is still in the records")
	}
}

func TestHARImportDecodesZstdStreamFrames(t *testing.T) {
	w := gateway.NewZstdStreamWriter()
	var msgs []harMessage
	for i, text := range []string{fxHello, fxReady, fxMessage} {
		z, err := w.Compress([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, harMessage{Type: "receive", Time: float64(t0.Unix()) + float64(i), Opcode: 2, Data: base64.StdEncoding.EncodeToString(z)})
	}
	records, err := ImportHAR(bytes.NewReader(chromeHAR("wss://gateway.discord.gg/?v=10&encoding=json&compress=zstd-stream", msgs)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range records {
		names = append(names, r.OpName+":"+deref(r.T)+r.Error)
	}
	if got := strings.Join(names, " "); got != "Hello: Dispatch:READY Dispatch:MESSAGE_CREATE" {
		t.Errorf("records %s, want Hello, READY and MESSAGE_CREATE decoded", got)
	}
}

func TestHARImportRefusesWhatItCannotRead(t *testing.T) {
	zstdFrame := base64.StdEncoding.EncodeToString(append(append([]byte{}, zstdMagic...), 1, 2, 3))
	for _, tc := range []struct {
		name, file, want string
	}{
		{"not JSON", "hello there", "not a HAR file"},
		{"JSON but not HAR", `{"log":{"pages":[]}}`, ErrNotHAR.Error()},
		{"an NDJSON line", `{"index":0,"time":"2026-11-23T21:40:00Z"}`, ErrNotHAR.Error()},
		{"nested past any HAR", `{"log":{"entries":[{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}]}}`, "nested deeper than any HAR file"},
		{"only a page", `{"log":{"entries":[{"request":{"method":"GET","url":"https://example.com/"}}]}}`, "no websocket frames"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportHAR(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}

	t.Run("frames it cannot decode are kept with a reason", func(t *testing.T) {
		hostile := `<img src=x onerror=alert(1)>` + "\u202e\x00"
		msgs := []harMessage{
			{Type: "receive", Time: 1, Opcode: 1, Data: hostile},
			{Type: "receive", Time: 2, Opcode: 2, Data: "%%% not base64"},
			{Type: "receive", Time: 3, Opcode: 2, Data: zstdFrame},
			{Type: "receive", Time: 4, Opcode: 9, Data: ""},
		}
		records, err := ImportHAR(bytes.NewReader(chromeHAR("wss://gateway.discord.gg/?v=10&compress=zstd-stream", msgs)))
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 4 {
			t.Fatalf("%d records, want 4", len(records))
		}
		var text string
		if json.Unmarshal(records[0].Payload, &text) != nil || text != hostile {
			t.Errorf("the hostile text frame came back as %s", records[0].Payload)
		}
		for i, want := range []string{"not base64", "zstd", "opcode 9"} {
			if got := records[i+1].Error; !strings.Contains(got, want) {
				t.Errorf("record %d error %q, want %q", i+1, got, want)
			}
		}
	})

	t.Run("a zlib bomb stops at the message limit", func(t *testing.T) {
		w := gateway.NewZlibStreamWriter()
		z, err := w.Compress(bytes.Repeat([]byte("a"), harMaxMessage+1))
		if err != nil {
			t.Fatal(err)
		}
		msgs := []harMessage{{Type: "receive", Time: 1, Opcode: 2, Data: base64.StdEncoding.EncodeToString(z)}}
		records, err := ImportHAR(bytes.NewReader(chromeHAR("wss://gateway.discord.gg/?compress=zlib-stream", msgs)))
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 1 || !strings.Contains(records[0].Error, gateway.ErrInflateLimit.Error()) {
			t.Errorf("the bomb came back as %+v", records)
		}
	})
}

func TestLooksLikeHAR(t *testing.T) {
	for head, want := range map[string]bool{
		"{\n  \"log\": {\n    \"version\": \"1.2\"": true,
		"\xef\xbb\xbf{\"log\":{}}":                  true,
		`{"index":0,"time":"2026-11-23T21:40:00Z"}`: false,
		`[{"log":1}]`: false,
		"":            false,
	} {
		if got := LooksLikeHAR([]byte(head)); got != want {
			t.Errorf("LooksLikeHAR(%q) = %v, want %v", head, got, want)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
