package gateway

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// gatewayMessages is a connection's worth of server messages: small and
// alike, one larger than a zstd block, one incompressible and larger than
// the writer's window.
func gatewayMessages() [][]byte {
	random := make([]byte, 300<<10)
	rand.Read(random)
	return [][]byte{
		[]byte(`{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}`),
		[]byte(`{"op":11,"d":null,"s":null,"t":null}`),
		append(append([]byte(`{"op":0,"d":"`), bytes.Repeat([]byte("guild "), 40<<10)...), `"}`...),
		random,
		[]byte(`{"op":11,"d":null,"s":null,"t":null}`),
		[]byte(`{"op":11,"d":null,"s":null,"t":null}`),
	}
}

func TestZstdStreamRoundTrip(t *testing.T) {
	w := NewZstdStreamWriter()
	r := NewZstdStreamReader(1<<20, 1<<20)
	var sizes []int
	for i, m := range gatewayMessages() {
		frame, err := w.Compress(m)
		if err != nil {
			t.Fatal(err)
		}
		got, done, err := r.Feed(frame)
		if err != nil || !done {
			t.Fatalf("message %d: done=%v err=%v", i, done, err)
		}
		if !bytes.Equal(got, m) {
			t.Fatalf("message %d: decoded %d bytes, want %d", i, len(got), len(m))
		}
		sizes = append(sizes, len(frame))
	}
	// One stream for the connection: the second heartbeat ACK refers back
	// to the first and costs a few bytes, less than sending it alone would.
	alone, _ := NewZstdStreamWriter().Compress([]byte(`{"op":11,"d":null,"s":null,"t":null}`))
	if last := sizes[len(sizes)-1]; last >= len(alone) {
		t.Fatalf("a repeated message took %d bytes, as many as a fresh stream's %d: the stream is not shared", last, len(alone))
	}
}

// TestZstdStreamWriterIsOneUnendedFrame checks the writer's output with the
// decoder a library would use: the connection's bytes so far, concatenated,
// are one zstd frame that has not ended, and every message is in it.
func TestZstdStreamWriterIsOneUnendedFrame(t *testing.T) {
	w := NewZstdStreamWriter()
	var all, want []byte
	for _, m := range gatewayMessages() {
		frame, _ := w.Compress(m)
		all = append(all, frame...)
		want = append(want, m...)
	}
	if !bytes.HasPrefix(all, []byte{0x28, 0xb5, 0x2f, 0xfd}) || bytes.Count(all, []byte{0x28, 0xb5, 0x2f, 0xfd}) < 1 {
		t.Fatal("the stream does not start with the zstd magic number")
	}
	dec, _ := zstd.NewReader(nil)
	defer dec.Close()
	if _, err := dec.DecodeAll(all, nil); err == nil {
		t.Fatal("the connection's frame has ended: clients expect it to go on")
	}
	got := NewZstdStreamReader(4<<20, 4<<20)
	msg, done, err := got.Feed(all) // all messages at once still decode
	if err != nil || !done || !bytes.Equal(msg, want) {
		t.Fatalf("whole stream: done=%v err=%v, %d bytes of %d", done, err, len(msg), len(want))
	}
}

// TestZstdStreamReaderAcceptsAFramePerMessage covers a sender that ends its
// zstd frame after every message instead of keeping one open.
func TestZstdStreamReaderAcceptsAFramePerMessage(t *testing.T) {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	r := NewZstdStreamReader(1<<20, 1<<20)
	for i, m := range gatewayMessages() {
		got, done, err := r.Feed(enc.EncodeAll(m, nil))
		if err != nil || !done || !bytes.Equal(got, m) {
			t.Fatalf("message %d: done=%v err=%v", i, done, err)
		}
	}
}

func TestZstdStreamBombIsRefused(t *testing.T) {
	w := NewZstdStreamWriter()
	r := NewZstdStreamReader(64<<10, 1<<20)
	hello, _ := w.Compress([]byte(`{"op":10}`))
	if _, _, err := r.Feed(hello); err != nil {
		t.Fatal(err)
	}
	bomb, _ := w.Compress(make([]byte, 64<<20))
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed; the test wants a small one", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, done, err := r.Feed(bomb)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrInflateLimit) || done {
		t.Fatalf("bomb: done=%v err=%v, want ErrInflateLimit and a broken stream", done, err)
	}
	// Decoding stopped at the limit: far less than the bomb's 64 MiB was
	// ever produced.
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
		t.Fatalf("refusing the bomb allocated %d bytes", grown)
	}
	next, _ := w.Compress([]byte(`{"op":11}`))
	if _, _, err := r.Feed(next); !errors.Is(err, ErrInflateLimit) {
		t.Fatalf("after the bomb the stream must stay refused, got %v", err)
	}
}

// rleBlocks builds a zstd frame of n RLE blocks of 128 KiB each: 4 bytes
// per block on the wire, the highest ratio zstd allows.
func rleBlocks(n int) []byte {
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58} // magic; no size, no checksum; window 2 MiB
	for i := 0; i < n; i++ {
		var hdr [4]byte
		binary.LittleEndian.PutUint32(hdr[:], uint32(128<<10)<<3|1<<1) // RLE, not last
		frame = append(frame, hdr[0], hdr[1], hdr[2], 'a')
	}
	return frame
}

func TestZstdStreamRLEBombStopsEarly(t *testing.T) {
	r := NewZstdStreamReader(1<<20, 1<<20)
	bomb := rleBlocks(250_000) // 1 MB that would expand to 30 GiB
	if _, _, err := r.Feed(bomb[:1<<20]); !errors.Is(err, ErrInflateLimit) {
		t.Fatalf("RLE bomb: %v", err)
	}
}

func TestZstdStreamBounds(t *testing.T) {
	w := NewZstdStreamWriter()
	good, _ := w.Compress([]byte(`{"op":11}`))
	huge := make([]byte, 2048)
	copy(huge, good)
	hugeWindow := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8} // window 2^41: far past the limit
	for name, tc := range map[string]struct {
		frames [][]byte
		limit  int
	}{
		"compressed frame over the limit": {[][]byte{huge}, 1024},
		"not zstd":                        {[][]byte{[]byte(`{"op":11}`)}, 1 << 20},
		"frame asks for a huge window":    {[][]byte{append(hugeWindow, 0x01, 0x00, 0x00)}, 1 << 20},
		"message cut inside a block":      {[][]byte{good[:len(good)-2]}, 1 << 20},
	} {
		r := NewZstdStreamReader(1<<20, tc.limit)
		var err error
		for _, f := range tc.frames {
			_, _, err = r.Feed(f)
		}
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if name == "frame asks for a huge window" && !strings.Contains(err.Error(), "window over the 8 MiB") {
			t.Errorf("%s: %v does not say the window is too large", name, err)
		}
		if _, _, again := r.Feed(good); again == nil {
			t.Errorf("%s: the broken stream decoded again", name)
		}
	}
	if _, done, err := NewZstdStreamReader(1<<20, 1<<20).Feed(nil); err == nil || !done {
		t.Errorf("empty frame: done=%v err=%v, want an error for that frame only", done, err)
	}
}

// FuzzZstdStreamReader feeds arbitrary frames after a valid start. The
// reader must never panic, never return more than its limit, and once it
// fails it must keep failing.
func FuzzZstdStreamReader(f *testing.F) {
	w := NewZstdStreamWriter()
	first, _ := w.Compress([]byte(`{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}`))
	second, _ := w.Compress([]byte(`{"op":0,"d":{"content":"hello hello hello"},"s":1,"t":"MESSAGE_CREATE"}`))
	f.Add(first, second)
	f.Add(first, rleBlocks(3))
	f.Add(rleBlocks(2), []byte{0x01, 0x00, 0x00})
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd}, []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		const limit = 1 << 16
		r := NewZstdStreamReader(limit, 1<<16)
		failed := false
		for _, frame := range [][]byte{a, b, a} {
			msg, done, err := r.Feed(frame)
			if len(msg) > limit {
				t.Fatalf("returned %d bytes past the %d limit", len(msg), limit)
			}
			if failed && err == nil {
				t.Fatal("a broken stream decoded again")
			}
			if err != nil && !done {
				failed = true
			}
		}
	})
}

// BenchmarkStreamCompress compresses a stream of gateway-like messages with
// each transport and reports the wire bytes per decoded byte.
func BenchmarkStreamCompress(b *testing.B) {
	msg := []byte(`{"op":0,"d":{"id":"1350038244556931074","type":0,"content":"hello there, how is everyone","author":{"id":"1302331392000131072","username":"ada","global_name":"Ada","avatar":null},"mentions":[],"embeds":[],"attachments":[],"timestamp":"2026-11-23T21:40:12.871000+00:00"},"s":12,"t":"MESSAGE_CREATE"}`)
	for _, tc := range []struct {
		name string
		w    interface{ Compress([]byte) ([]byte, error) }
	}{{CompressZlibStream, NewZlibStreamWriter()}, {CompressZstdStream, NewZstdStreamWriter()}} {
		b.Run(tc.name, func(b *testing.B) {
			wire := 0
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				out, err := tc.w.Compress(msg)
				if err != nil {
					b.Fatal(err)
				}
				wire += len(out)
			}
			b.ReportMetric(float64(wire)/float64(b.N*len(msg)), "wire/decoded")
		})
	}
}
