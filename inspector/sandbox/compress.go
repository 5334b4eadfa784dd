package sandbox

import "gatewaytour/inspector/gateway"

// frameCompressor is one connection's transport compression.
type frameCompressor interface {
	Compress(msg []byte) ([]byte, error)
}

// newCompressor picks the transport compression the gateway URL's compress
// parameter asks for. Both of Discord's, zlib-stream and zstd-stream, are
// offered; any other value gets plain text frames, which every library reads
// whatever it asked for.
func newCompressor(compress string) (string, frameCompressor) {
	switch compress {
	case gateway.CompressZlibStream:
		return compress, gateway.NewZlibStreamWriter()
	case gateway.CompressZstdStream:
		return compress, gateway.NewZstdStreamWriter()
	}
	return "", nil
}
