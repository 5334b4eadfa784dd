package gateway

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// ZlibSuffix ends every message of a zlib-stream connection: the empty
// stored block a sync flush writes.
var ZlibSuffix = []byte{0x00, 0x00, 0xff, 0xff}

// ZlibStreamWriter compresses the server→client side of one connection with
// compress=zlib-stream: one deflate stream for the whole connection, flushed
// after every message so each message can be decoded as it arrives.
type ZlibStreamWriter struct {
	buf bytes.Buffer
	zw  *zlib.Writer
}

func NewZlibStreamWriter() *ZlibStreamWriter {
	w := &ZlibStreamWriter{}
	w.zw = zlib.NewWriter(&w.buf)
	return w
}

// Compress returns the bytes to send, as one binary frame, for msg.
func (w *ZlibStreamWriter) Compress(msg []byte) ([]byte, error) {
	return compressFlushed(w.zw, &w.buf, msg)
}

// ErrInflateLimit is returned (wrapped) when one message inflates past the
// reader's limit; the stream stays usable for the messages after it.
var ErrInflateLimit = errors.New("gateway: inflated message exceeds the limit")

// windowSize is deflate's back-reference distance: the output a later
// message may still copy from.
const windowSize = 32 << 10

// ZlibStreamReader decodes the client side of a zlib-stream connection. Feed
// it every binary frame in order; it returns a whole message each time a
// frame ends a message.
//
// Each message ends on a sync flush, which is a deflate block boundary, so
// the reader decodes every message with a fresh decompressor primed with the
// last 32 KiB of output. That keeps the shared stream's meaning while never
// leaving a decompressor stuck waiting for bytes that have not arrived.
type ZlibStreamReader struct {
	fr            io.ReadCloser
	src           bytes.Reader
	pending       []byte
	window        []byte
	chunk         []byte
	headerRead    bool
	maxMessage    int
	maxCompressed int
	broken        error
}

// NewZlibStreamReader limits each inflated message to maxMessage bytes and
// the compressed bytes of one message to maxCompressed.
func NewZlibStreamReader(maxMessage, maxCompressed int) *ZlibStreamReader {
	return &ZlibStreamReader{maxMessage: maxMessage, maxCompressed: maxCompressed, chunk: make([]byte, windowSize)}
}

// Feed adds one frame. complete is false while the message is still partial.
// An error with complete=true concerns that message only; any other error
// means the stream cannot be decoded any further.
func (r *ZlibStreamReader) Feed(frame []byte) (msg []byte, complete bool, err error) {
	if r.broken != nil {
		return nil, false, r.broken
	}
	if len(r.pending)+len(frame) > r.maxCompressed {
		r.pending = nil
		return nil, false, r.fail(fmt.Errorf("a compressed message passed %d bytes without ending", r.maxCompressed))
	}
	r.pending = append(r.pending, frame...)
	if !bytes.HasSuffix(r.pending, ZlibSuffix) {
		return nil, false, nil
	}
	data := r.pending
	if !r.headerRead {
		if len(data) < 2 || data[0]&0x0f != 8 || (uint16(data[0])<<8|uint16(data[1]))%31 != 0 {
			return nil, false, r.fail(errors.New("the stream does not start with a zlib header"))
		}
		if data[1]&0x20 != 0 {
			return nil, false, r.fail(errors.New("the zlib header asks for a preset dictionary"))
		}
		data, r.headerRead = data[2:], true
	}
	r.src.Reset(data)
	if r.fr == nil {
		r.fr = flate.NewReaderDict(&r.src, r.window)
	} else if err := r.fr.(flate.Resetter).Reset(&r.src, r.window); err != nil {
		return nil, false, r.fail(err)
	}
	var out []byte
	over := false
	for {
		n, err := r.fr.Read(r.chunk)
		r.remember(r.chunk[:n])
		if len(out)+n > r.maxMessage {
			over, out = true, nil
		} else if !over {
			out = append(out, r.chunk[:n]...)
		}
		if err == nil {
			continue
		}
		if r.src.Len() == 0 && (err == io.ErrUnexpectedEOF || err == io.EOF) {
			break // the decompressor used up the message and wants the next one
		}
		return nil, false, r.fail(err)
	}
	r.pending = r.pending[:0]
	if over {
		return nil, true, fmt.Errorf("%w (%d bytes)", ErrInflateLimit, r.maxMessage)
	}
	return out, true, nil
}

func (r *ZlibStreamReader) fail(err error) error {
	r.broken = fmt.Errorf("gateway: zlib-stream: %w", err)
	return r.broken
}

// remember keeps the last windowSize bytes of output for the next message.
func (r *ZlibStreamReader) remember(p []byte) {
	r.window = append(r.window, p...)
	if over := len(r.window) - windowSize; over > 0 {
		r.window = append(r.window[:0], r.window[over:]...)
	}
}
