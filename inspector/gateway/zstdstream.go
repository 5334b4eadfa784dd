package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// zstdWindow is the back-reference distance the sandbox's zstd-stream
// writer uses. Gateway messages are small and similar to each other, so a
// 256 KiB window keeps most of the gain while holding each compressing
// connection to a few hundred KiB (a thousand bots must fit in memory).
const zstdWindow = 256 << 10

// zstdMaxWindow is the largest window a ZstdStreamReader accepts from a
// peer. zstd's reference library uses at most 8 MiB for every level up to 19
// when the input's size is not known, which is the streaming case; a frame
// that asks for more is refused rather than allowed to reserve that memory.
const zstdMaxWindow = 8 << 20

// ZstdStreamWriter compresses the server→client side of one connection with
// compress=zstd-stream: a single zstd frame for the whole connection, never
// ended, flushed after every message so the client can decode each message
// completely from its own websocket frame (Discord documents the same: one
// websocket message per gateway message, inside one long zstd frame).
type ZstdStreamWriter struct {
	buf bytes.Buffer
	zw  *zstd.Encoder
}

func NewZstdStreamWriter() *ZstdStreamWriter {
	w := &ZstdStreamWriter{}
	// One goroutine-free encoder per connection: concurrency 1 encodes in
	// the caller, so an idle connection holds no goroutine.
	w.zw, _ = zstd.NewWriter(&w.buf,
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithWindowSize(zstdWindow),
		zstd.WithLowerEncoderMem(true))
	return w
}

// Compress returns the bytes to send, as one binary frame, for msg.
func (w *ZstdStreamWriter) Compress(msg []byte) ([]byte, error) {
	return compressFlushed(w.zw, &w.buf, msg)
}

// flushWriter is a stream compressor that can push out all it was given.
type flushWriter interface {
	io.Writer
	Flush() error
}

// compressFlushed writes msg to zw, which writes into buf, and flushes it,
// so the bytes returned decode to the whole of msg.
func compressFlushed(zw flushWriter, buf *bytes.Buffer, msg []byte) ([]byte, error) {
	if _, err := zw.Write(msg); err != nil {
		return nil, err
	}
	if err := zw.Flush(); err != nil {
		return nil, err
	}
	out := bytes.Clone(buf.Bytes())
	buf.Reset()
	return out, nil
}

// ZstdStreamReader decodes the client side of a zstd-stream connection.
// Feed it every binary frame in order; each frame carries one whole message,
// so a frame that decodes cleanly is returned complete.
//
// Unlike zlib-stream, any error leaves the stream unreadable: the decoder's
// state cannot be rebuilt from the output alone, and decoding a bomb to its
// end just to keep our place would cost unbounded time, since zstd can
// expand a few bytes into many megabytes.
type ZstdStreamReader struct {
	in            zstdInput
	dec           *zstd.Decoder
	chunk         []byte
	maxMessage    int
	maxCompressed int
	broken        error
}

// NewZstdStreamReader limits each decompressed message to maxMessage bytes
// and each compressed frame to maxCompressed.
func NewZstdStreamReader(maxMessage, maxCompressed int) *ZstdStreamReader {
	return &ZstdStreamReader{maxMessage: maxMessage, maxCompressed: maxCompressed}
}

// Feed adds one frame. complete is false only together with an error, which
// then means the stream cannot be decoded any further.
func (r *ZstdStreamReader) Feed(frame []byte) (msg []byte, complete bool, err error) {
	if r.broken != nil {
		return nil, false, r.broken
	}
	if len(frame) > r.maxCompressed {
		return nil, false, r.fail(fmt.Errorf("a compressed message of %d bytes passed the %d-byte limit", len(frame), r.maxCompressed))
	}
	if len(frame) == 0 {
		return nil, true, errors.New("gateway: zstd-stream: an empty frame carries no message")
	}
	if r.dec == nil {
		// Concurrency 1 decodes synchronously in Feed's caller and reads
		// exactly the bytes of each block, never ahead: that is what lets
		// Feed stop at the end of a frame without the decoder waiting for
		// bytes that have not arrived.
		r.dec, err = zstd.NewReader(&r.in,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderMaxMemory(zstdMaxWindow))
		if err != nil {
			return nil, false, r.fail(err)
		}
		r.chunk = make([]byte, zstdChunk)
	}
	r.in.data = frame
	var out []byte
	// Each Read decodes at most one block once the previous one is drained,
	// and a short read means no decoded byte is left over. Reading stops
	// there once the frame's bytes are used up.
	for {
		n, err := r.dec.Read(r.chunk)
		if len(out)+n > r.maxMessage {
			return nil, false, r.fail(fmt.Errorf("%w (%d bytes)", ErrInflateLimit, r.maxMessage))
		}
		out = append(out, r.chunk[:n]...)
		if err == io.EOF && len(r.in.data) == 0 {
			// A zstd frame ended with this message; a new one may follow,
			// and frames share nothing, so a fresh start is exact.
			if rerr := r.dec.Reset(&r.in); rerr != nil {
				return nil, false, r.fail(rerr)
			}
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, false, r.fail(errCutShort)
		}
		if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			return nil, false, r.fail(fmt.Errorf("the stream asks for a window over the %d MiB a reader allows: %w", zstdMaxWindow>>20, err))
		}
		if err != nil {
			return nil, false, r.fail(err)
		}
		if n < len(r.chunk) && len(r.in.data) == 0 {
			break
		}
	}
	if out == nil {
		out = []byte{}
	}
	return out, true, nil
}

// zstdChunk is larger than any zstd block's output (128 KiB), so one Read
// that returns less than a chunk has drained the decoder's current block.
const zstdChunk = 256 << 10

func (r *ZstdStreamReader) fail(err error) error {
	r.broken = fmt.Errorf("gateway: zstd-stream: %w", err)
	r.in.data, r.dec, r.chunk = nil, nil, nil // let the decoder's memory go
	return r.broken
}

// zstdInput hands the decoder the current frame. It is deliberately not a
// *bytes.Buffer or bytes.Reader: given one of those, the decoder would
// decode everything at once as a finished stream.
type zstdInput struct{ data []byte }

// errCutShort is a frame that stops inside a zstd block: Discord never
// splits a message across frames, so the rest is not coming.
var errCutShort = errors.New("the frame ends inside a zstd block")

func (in *zstdInput) Read(p []byte) (int, error) {
	if len(in.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, in.data)
	in.data = in.data[n:]
	return n, nil
}
