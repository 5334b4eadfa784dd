package inspector

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/tidwall/pretty"

	"gatewaytour/inspector/gateway"
)

// mixFrames is an hour of a small busy bot in miniature: one login, then
// mostly messages, presences, typing and heartbeats.
func mixFrames() []gateway.WireFrame {
	var out []gateway.WireFrame
	at := t0
	add := func(dir gateway.Direction, text []byte) {
		at = at.Add(100 * time.Millisecond)
		out = append(out, gateway.WireFrame{Conn: "bench", Dir: dir, Time: at, Data: text, WireSize: len(text)})
	}
	add(gateway.Recv, []byte(fxHello))
	add(gateway.Send, []byte(fxIdentify))
	add(gateway.Recv, []byte(fxReady))
	add(gateway.Recv, guildCreate(100, 2))
	for i := range 25 {
		add(gateway.Recv, []byte(fxMessage))
		add(gateway.Recv, []byte(fxPresence))
		if i%2 == 0 {
			add(gateway.Recv, []byte(fxTyping))
		}
		if i%3 == 0 {
			add(gateway.Send, []byte(beat("5")))
			add(gateway.Recv, []byte(fxACK))
		}
	}
	return out
}

func mixBytes(frames []gateway.WireFrame) int64 {
	var n int64
	for _, f := range frames {
		n += int64(len(f.Data))
	}
	return n
}

// BenchmarkAnnotateMix measures the whole ingest path a frame takes:
// annotate, redact (with a token known, as on real Discord), number, store.
func BenchmarkAnnotateMix(b *testing.B) {
	frames := mixFrames()
	s := NewSession(4096)
	s.Secrets().Learn(testToken)
	b.SetBytes(mixBytes(frames) / int64(len(frames)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Ingest(frames[i%len(frames)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkFloorValidEnvelope is the least any reader of a frame does:
// check it is JSON and decode the envelope (op, s, t, d left raw). It is
// harder to beat than json.Unmarshal into map[string]any.
func BenchmarkFloorValidEnvelope(b *testing.B) {
	frames := mixFrames()
	b.SetBytes(mixBytes(frames) / int64(len(frames)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		data := frames[i%len(frames)].Data
		var env struct {
			Op int             `json:"op"`
			S  *int64          `json:"s"`
			T  *string         `json:"t"`
			D  json.RawMessage `json:"d"`
		}
		if !json.Valid(data) || json.Unmarshal(data, &env) != nil {
			b.Fatal("not a payload")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkFloorUnmarshal(b *testing.B) {
	frames := mixFrames()
	b.SetBytes(mixBytes(frames) / int64(len(frames)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var v any
		if err := json.Unmarshal(frames[i%len(frames)].Data, &v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func hugeGuildCreate(b *testing.B) []byte {
	data := guildCreateSized(25000)
	b.Logf("GUILD_CREATE of %d members: %.1f MB", 25000, float64(len(data))/1e6)
	return data
}

func BenchmarkAnnotateHugeGuildCreate(b *testing.B) {
	data := hugeGuildCreate(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newAnnotator(&Secrets{}).annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Data: data})
		if len(r.Terms) < 50000 {
			b.Fatalf("%d terms", len(r.Terms))
		}
		_ = pretty.Pretty(r.Payload)
	}
}

func BenchmarkFloorIndentHugeGuildCreate(b *testing.B) {
	data := hugeGuildCreate(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := json.Indent(&buf, data, "", "  "); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetainedRecords reports the heap that 100k records of the mix
// hold once annotated and stored in a session.
func BenchmarkRetainedRecords(b *testing.B) {
	frames := mixFrames()
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		s := NewSession(n)
		for i := range n {
			// One login (the first four frames), then the steady stream.
			at := i
			if i >= 4 {
				at = 4 + (i-4)%(len(frames)-4)
			}
			f := frames[at]
			f.Data = bytes.Clone(f.Data) // a live source hands over a fresh buffer per frame
			s.Ingest(f)
		}
		b.StopTimer()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "MB/100k-records")
		b.ReportMetric(float64(s.payloadBytes())/1e6, "MB-of-payload")
		runtime.KeepAlive(s)
		b.StartTimer()
	}
}
