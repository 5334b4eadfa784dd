package gateway

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestZlibStreamRoundTrip(t *testing.T) {
	w := NewZlibStreamWriter()
	r := NewZlibStreamReader(1<<20, 1<<20)
	big := make([]byte, 200<<10) // larger than the deflate window
	rand.Read(big)
	msgs := [][]byte{
		[]byte(`{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}`),
		[]byte(`{"op":11,"d":null,"s":null,"t":null}`),
		append(append([]byte(`{"op":0,"d":"`), bytes.Repeat([]byte("x"), 100<<10)...), `"}`...),
		big,
		[]byte(`{"op":11,"d":null}`),
	}
	for i, m := range msgs {
		frame, err := w.Compress(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(frame, ZlibSuffix) {
			t.Fatalf("message %d: frame does not end in the sync-flush suffix", i)
		}
		// Split the frame in two to exercise partial delivery.
		half := len(frame) / 2
		if got, done, err := r.Feed(frame[:half]); err != nil || (done && half < len(frame)-4) {
			if err != nil {
				t.Fatalf("message %d first half: %v", i, err)
			}
			_ = got
		}
		got, done, err := r.Feed(frame[half:])
		if err != nil || !done {
			t.Fatalf("message %d: done=%v err=%v", i, done, err)
		}
		if !bytes.Equal(got, m) {
			t.Fatalf("message %d: decoded %d bytes, want %d", i, len(got), len(m))
		}
	}
}

func TestZlibStreamBombIsCappedAndStreamSurvives(t *testing.T) {
	w := NewZlibStreamWriter()
	r := NewZlibStreamReader(64<<10, 1<<20)
	bomb, _ := w.Compress(bytes.Repeat([]byte{'a'}, 10<<20))
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed; the test wants a small one", len(bomb))
	}
	if _, done, err := r.Feed(bomb); !errors.Is(err, ErrInflateLimit) || !done {
		t.Fatalf("bomb: done=%v err=%v, want ErrInflateLimit", done, err)
	}
	next, _ := w.Compress([]byte(`{"op":11}`))
	got, done, err := r.Feed(next)
	if err != nil || !done || string(got) != `{"op":11}` {
		t.Fatalf("after bomb: %q %v %v", got, done, err)
	}
}

func TestZlibStreamUnendedMessageIsBounded(t *testing.T) {
	r := NewZlibStreamReader(1<<20, 1024)
	if _, _, err := r.Feed(make([]byte, 2048)); err == nil {
		t.Fatal("want an error for a compressed message over the limit")
	}
}

func TestDecodePayload(t *testing.T) {
	p, err := DecodePayload([]byte(`{"op":0,"d":{"a":1},"s":3,"t":"READY"}`))
	if err != nil || p.Op != OpDispatch || *p.S != 3 || *p.T != "READY" {
		t.Fatalf("got %+v, %v", p, err)
	}
	for _, bad := range []string{``, `[]`, `{"d":1}`, `{"op":"x"}`, `nope`, `null`, `{"op":null}`, `{"OP":1,"D":null}`, `{"Op":11}`, `{"op":1,"s":"x"}`, `{"op":0,"t":5}`} {
		if _, err := DecodePayload([]byte(bad)); err == nil {
			t.Errorf("DecodePayload(%q) succeeded", bad)
		}
	}
	out, _ := json.Marshal(Payload{Op: OpHeartbeatACK})
	if string(out) != `{"op":11,"d":null,"s":null,"t":null}` {
		t.Fatalf("non-dispatch payload marshals as %s", out)
	}
}

func TestDecodePayloadKeysAreExact(t *testing.T) {
	p, err := DecodePayload([]byte(`{"\u006fp":1,"d":7}`)) // an escaped key is still "op"
	if err != nil || p.Op != OpHeartbeat || string(p.D) != "7" || p.S != nil || p.T != nil {
		t.Fatalf("escaped op key: %+v, %v", p, err)
	}
	p, err = DecodePayload([]byte(`{"op":11,"d":null,"s":null,"t":null}`))
	if err != nil || p.S != nil || p.T != nil || string(p.D) != "null" {
		t.Fatalf("explicit nulls: %+v, %v", p, err)
	}
}

func TestIdentifyAcceptsDollarProperties(t *testing.T) {
	var id Identify
	err := json.Unmarshal([]byte(`{"token":"x","intents":513,"properties":{"$os":"linux","$browser":"DiscordGo v0.29.0","$device":""}}`), &id)
	if err != nil || id.Properties.OS != "linux" || id.Properties.Browser != "DiscordGo v0.29.0" || id.Intents != 513 {
		t.Fatalf("%+v %v", id, err)
	}
}

func TestIntents(t *testing.T) {
	if AllIntents != 53608447 {
		t.Errorf("AllIntents = %d, want 53608447", AllIntents)
	}
	if PrivilegedIntents != 33026 {
		t.Errorf("PrivilegedIntents = %d, want 33026", PrivilegedIntents)
	}
	got, err := ParseIntents("guilds, guild_messages|MESSAGE_CONTENT")
	if err != nil || got != 1|512|32768 {
		t.Fatalf("ParseIntents = %d, %v", got, err)
	}
	if _, err := ParseIntents("guild"); err == nil || !strings.Contains(err.Error(), "GUILDS") {
		t.Fatalf("unknown intent error should list known names: %v", err)
	}
	if s := (IntentGuilds | 1<<30).String(); s != "GUILDS|1<<30" {
		t.Errorf("String = %q", s)
	}
}

func TestEventGatingComesFromIntentTable(t *testing.T) {
	mc, _ := LookupEvent("MESSAGE_CREATE")
	if mc.GuildIntents != IntentGuildMessages || mc.DMIntents != IntentDirectMessages {
		t.Fatalf("MESSAGE_CREATE gated by %v / %v", mc.GuildIntents, mc.DMIntents)
	}
	if mc.Allowed(IntentGuilds, true) || !mc.Allowed(IntentGuildMessages, true) {
		t.Fatal("MESSAGE_CREATE gating is wrong")
	}
	ready, _ := LookupEvent("READY")
	if !ready.Allowed(0, true) {
		t.Fatal("READY needs no intent")
	}
	for _, e := range Events() {
		for _, term := range e.Terms {
			if !strings.HasPrefix(term.Path, "d") || term.Note == "" {
				t.Errorf("%s: bad term %+v", e.Name, term)
			}
		}
	}
}

func TestCloseCodes(t *testing.T) {
	codes := CloseCodes()
	if len(codes) != 14 {
		t.Fatalf("%d gateway close codes, want 14 (4000–4014 without 4006)", len(codes))
	}
	for _, c := range codes {
		if c.Code == 4006 {
			t.Fatal("4006 is a voice close code")
		}
		never := c.Code == 4004 || (c.Code >= 4010 && c.Code <= 4014)
		if never == c.Reconnect {
			t.Errorf("%d: Reconnect=%v", c.Code, c.Reconnect)
		}
	}
	if LookupClose(4200).Meaning == "" {
		t.Error("an unknown code still needs a meaning")
	}
}

func TestSnowflake(t *testing.T) {
	id, err := ParseSnowflake("175928847299117063")
	if err != nil {
		t.Fatal(err)
	}
	if got := id.Time().Format(time.RFC3339Nano); got != "2016-04-30T11:18:25.796Z" {
		t.Errorf("time = %s", got)
	}
	var fromNumber, fromString Snowflake
	if json.Unmarshal([]byte(`175928847299117063`), &fromNumber) != nil || json.Unmarshal([]byte(`"175928847299117063"`), &fromString) != nil || fromNumber != id || fromString != id {
		t.Fatal("snowflake must accept numbers and strings")
	}
	out, _ := json.Marshal(id)
	if string(out) != `"175928847299117063"` {
		t.Errorf("marshal = %s", out)
	}
	var g SnowflakeGenerator
	prev := g.Next()
	for range 10000 {
		n := g.Next()
		if n <= prev {
			t.Fatalf("generator went backwards: %d after %d", n, prev)
		}
		prev = n
	}
}

func TestOpcodes(t *testing.T) {
	if OpHello.Name() != "Hello" || Opcode(5).Name() != "Unknown op 5" {
		t.Fatal("opcode names")
	}
	if !OpHeartbeat.ClientMaySend() || OpHello.ClientMaySend() || Opcode(5).ClientMaySend() {
		t.Fatal("ClientMaySend")
	}
}

func TestJSONProblemNamesFieldsNotGoTypes(t *testing.T) {
	var id Identify
	for in, want := range map[string]string{
		`{"intents":"all"}`: "field intents must be a number, not a string",
		`{"shard":{"a":1}}`: "field shard must be an array, not an object",
		`{"token":`:         "not valid JSON at byte",
	} {
		got := JSONProblem(json.Unmarshal([]byte(in), &id))
		if !strings.Contains(got, want) || strings.Contains(got, "Go ") || strings.Contains(got, "gateway.") {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	var r RequestGuildMembers
	if got := JSONProblem(json.Unmarshal([]byte(`{"guild_id":"abc"}`), &r)); got != `"abc" is not a snowflake` {
		t.Errorf("snowflake: %q", got)
	}
}
