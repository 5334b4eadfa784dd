package live

import (
	"bytes"
	"fmt"
	"io"

	"gatewaytour/inspector"
)

// ImportHAR loads a HAR file (saved from Chrome's DevTools, or exported by
// the panel) as a new recording stream. Its frames are annotated as if live
// and then take the same road as an NDJSON recording, with the same bounds.
func (h *Hub) ImportHAR(r io.Reader, name string) (StreamInfo, error) {
	if h.isClosed() {
		return StreamInfo{}, ErrClosed
	}
	records, err := inspector.ImportHAR(r)
	if err != nil {
		return StreamInfo{}, err
	}
	var ndjson bytes.Buffer
	for _, rec := range records {
		if err := inspector.WriteRecord(&ndjson, rec); err != nil {
			return StreamInfo{}, fmt.Errorf("the HAR file could not be read: %w", err)
		}
	}
	records = nil // the NDJSON copy is all the import needs
	return h.ImportRecording(&ndjson, name)
}
