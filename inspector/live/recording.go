package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"gatewaytour/inspector"
)

// The bounds of recordings. An import is read as it streams in and stops
// at the first bound it passes, so a huge or endless file costs no more
// than the bound; the panel keeps at most MaxRecordings at once and refuses
// another (rather than drop one the reader loaded on purpose) until one is
// removed.
const (
	// MaxRecordingBytes: an hour of a busy bot is tens of megabytes, and a
	// recording of 100,000 frames about 70 MB.
	MaxRecordingBytes = 128 << 20
	// MaxRecordingFrames: lines holding a record, blank lines aside.
	MaxRecordingFrames = 200_000
	// MaxRecordingLine: above the largest record a frame makes: a big
	// guild's 5 MB GUILD_CREATE, with a term for each of its 25,000 members,
	// is a record of over 10 MB.
	MaxRecordingLine = 32 << 20
	// MaxRecordings is how many recordings the hub keeps at once.
	MaxRecordings = 8
)

// Errors a recording import or removal answers with; their texts are
// sentences for the reader.
var (
	ErrRecordingTooLarge = fmt.Errorf("the recording is larger than %d MB, the most the panel loads", MaxRecordingBytes>>20)
	ErrRecordingTooLong  = fmt.Errorf("the recording holds more than %d frames, the most the panel loads", MaxRecordingFrames)
	ErrTooManyRecordings = fmt.Errorf("%d recordings are loaded, the most the panel keeps: remove one before loading another", MaxRecordings)
	ErrNoSuchStream      = errors.New("there is no such stream")
	ErrNotARecording     = errors.New("only recordings can be removed; a live stream ends when its connection does")
)

// maxLabel keeps a recording's name short enough for a list.
const maxLabel = 80

// ImportRecording loads an NDJSON export (or `watch --json` output) as a new
// stream "recording-N", keeping the records' original indexes. A file with
// bad lines is refused; the error counts them and quotes the first.
func (h *Hub) ImportRecording(r io.Reader, name string) (StreamInfo, error) {
	if h.isClosed() {
		return StreamInfo{}, ErrClosed
	}
	// Refuse before reading a byte when the panel is full.
	if h.recordingsHeld() >= MaxRecordings {
		return StreamInfo{}, ErrTooManyRecordings
	}
	records, err := readRecording(r)
	if err != nil {
		return StreamInfo{}, err
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
	// Imports that ran side by side may together pass the bound: the
	// later ones give way.
	if h.recordingsHeld() > MaxRecordings {
		h.dropStream(id)
		return StreamInfo{}, ErrTooManyRecordings
	}
	return s.Info(), nil
}

// RemoveRecording forgets a recording, freeing what it held. Viewers of
// it see it leave the stream list.
func (h *Hub) RemoveRecording(id string) error {
	s, ok := h.Stream(id)
	switch {
	case !ok:
		return ErrNoSuchStream
	case s.kind != KindRecording:
		return ErrNotARecording
	}
	h.dropStream(id)
	return nil
}

func (h *Hub) recordingsHeld() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.streams {
		if s.kind == KindRecording {
			n++
		}
	}
	return n
}

// BadLinesError refuses a recording with lines that are not records. It
// counts them and names only the first, so the answer stays short however
// broken the file.
type BadLinesError struct {
	Bad, Lines int
	First      int    // line number of the first bad line
	Reason     string // why it could not be read, shortened
}

func (e *BadLinesError) Error() string {
	return fmt.Sprintf("%d of %d lines are not frame records (the first, line %d: %s)", e.Bad, e.Lines, e.First, e.Reason)
}

// readRecording decodes records line by line as r streams in, stopping at
// the first bound passed.
func readRecording(r io.Reader) ([]inspector.Record, error) {
	limited := &io.LimitedReader{R: r, N: MaxRecordingBytes + 1}
	br := bufio.NewReaderSize(limited, 64<<10)
	var records []inspector.Record
	var bad *BadLinesError
	fail := func(line int, reason string) {
		if bad == nil {
			bad = &BadLinesError{First: line, Reason: shorten(reason, 160)}
		}
		bad.Bad++
	}
	line := 0
	for {
		text, err := readLine(br)
		if limited.N <= 0 {
			return nil, ErrRecordingTooLarge
		}
		atEnd := errors.Is(err, io.EOF)
		if err != nil && !atEnd && !errors.Is(err, errLineTooLong) {
			return nil, err // the upload itself failed (or hit the server's cap)
		}
		if atEnd && len(text) == 0 && !errors.Is(err, errLineTooLong) {
			break // the end, after a final newline
		}
		line++
		switch {
		case errors.Is(err, errLineTooLong):
			fail(line, err.Error())
		case len(bytes.TrimSpace(text)) == 0:
		default:
			var rec inspector.Record
			if uerr := json.Unmarshal(text, &rec); uerr != nil {
				fail(line, uerr.Error())
			} else if len(records) == MaxRecordingFrames {
				return nil, ErrRecordingTooLong
			} else {
				records = append(records, rec)
			}
		}
		if atEnd {
			break
		}
	}
	if bad != nil {
		bad.Lines = line
		return nil, bad
	}
	return records, nil
}

var errLineTooLong = fmt.Errorf("longer than %d MB", MaxRecordingLine>>20)

// readLine returns one line without its newline. A line past
// MaxRecordingLine is skipped to its end, never held, and reported.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(line)+len(part) > MaxRecordingLine {
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			if err == io.EOF {
				return nil, errors.Join(errLineTooLong, io.EOF)
			}
			return nil, errLineTooLong
		}
		line = append(line, part...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), err
	}
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// cleanName makes a file name fit for a label: one line, printable, short.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, name)
	return shorten(strings.Join(strings.Fields(name), " "), maxLabel)
}
