package inspector

import "gatewaytour/inspector/gateway"

// newZstdInflater is the decoder for connections opened with
// compress=zstd-stream: one zstd stream for the whole connection, each
// message ending on a flushed block.
func newZstdInflater() (inflater, error) {
	return gateway.NewZstdStreamReader(harMaxMessage, harMaxMessage), nil
}
