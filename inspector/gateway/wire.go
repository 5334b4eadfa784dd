package gateway

import "time"

// WireFrame is one frame as it crossed a gateway connection, before any
// annotation. The sandbox emits one for every frame it exchanges with any
// client, and the inspector's own client emits one for every frame it sends
// or receives; both feed the same annotator.
type WireFrame struct {
	// Conn identifies the connection within this process, e.g. "sandbox-3".
	Conn string
	// Peer names the client when it is known (from Identify's properties:
	// "discord.py", "DiscordGo v0.29.0", "gatewaytour inspector").
	Peer string
	Time time.Time
	// Dir is Send for client→server and Recv for server→client.
	Dir Direction
	// Data is the frame's decoded text (inflated when the wire was
	// compressed). Nil for a close.
	Data []byte
	// WireSize is the number of bytes on the wire (compressed size when
	// compression was on).
	WireSize int
	// Close is set when the frame is a websocket close.
	Close *CloseFrame
	// REST is set when the "frame" is an HTTP exchange the bot made beside
	// the gateway; Data then holds the exchange as JSON.
	REST *RESTExchange
	// Error is set when the frame arrived but could not be decoded (for
	// example a compressed message that inflated past the reader's limit);
	// Data then holds whatever part is known, possibly nothing.
	Error string
}

// CloseFrame is a websocket close as seen on the wire.
type CloseFrame struct {
	Code   CloseCode
	Reason string
}

// The transport compressions, as the gateway URL's compress parameter names
// them. With either, every server→client message is a binary frame of one
// stream that lasts as long as the connection.
const (
	CompressZlibStream = "zlib-stream"
	CompressZstdStream = "zstd-stream"
)

// StreamReader decodes the server→client frames of one compressed
// connection; ZlibStreamReader and ZstdStreamReader are the two kinds.
type StreamReader interface {
	Feed(frame []byte) (msg []byte, complete bool, err error)
}

// NewStreamReader returns the reader for the transport compression compress
// names, with the limits of NewZlibStreamReader, or nil when compress names
// none the gateway offers (frames are then plain text).
func NewStreamReader(compress string, maxMessage, maxCompressed int) StreamReader {
	switch compress {
	case CompressZlibStream:
		return NewZlibStreamReader(maxMessage, maxCompressed)
	case CompressZstdStream:
		return NewZstdStreamReader(maxMessage, maxCompressed)
	}
	return nil
}
