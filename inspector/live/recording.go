package live

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"gatewaytour/inspector"
)

// maxLabel keeps a recording's name short enough for a list.
const maxLabel = 80

// ImportRecording loads an NDJSON export (or `watch --json` output) as a new
// stream "recording-N", keeping the records' original indexes. A file with
// a bad line is refused, and the error names the line.
func (h *Hub) ImportRecording(r io.Reader, name string) (StreamInfo, error) {
	if h.isClosed() {
		return StreamInfo{}, ErrClosed
	}
	records, err := inspector.ImportNDJSON(r)
	if err != nil {
		return StreamInfo{}, fmt.Errorf("the recording could not be read: %w", err)
	}
	if len(records) == 0 {
		return StreamInfo{}, errors.New("the recording holds no frames")
	}
	h.mu.Lock()
	h.recordings++
	n := h.recordings
	h.mu.Unlock()
	id := fmt.Sprintf("recording-%d", n)
	label := cleanName(name)
	if label == "" {
		label = fmt.Sprintf("recording %d", n)
	}
	detail := fmt.Sprintf("A recording of %d frames", len(records))
	if name := cleanName(name); name != "" {
		detail += " from " + name
	}
	s := h.newStreamWith(id, KindRecording, label, State{Kind: StateRecording, Detail: detail + "."},
		max(h.cfg.Capacity, len(records)), func(s *Stream) error { return s.session.Restore(records) })
	if s == nil {
		return StreamInfo{}, errors.New("the recording could not be restored")
	}
	return s.Info(), nil
}

// cleanName makes a file name fit for a label: one line, printable, short.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > maxLabel {
		name = string(r[:maxLabel-1]) + "…"
	}
	return name
}
