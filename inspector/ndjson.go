package inspector

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one NDJSON line on import: far above the largest frame
// the gateway sends, small enough that a corrupt file cannot eat memory.
const maxLine = 256 << 20

// WriteRecord writes r as one NDJSON line. HTML characters stay as they
// are, so "<@123>" in a message reads the same in the file as on the wire.
func WriteRecord(w io.Writer, r Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ExportNDJSON writes every record the session holds, oldest first.
func (s *Session) ExportNDJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := s.each(func(r Record) error {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("inspector: export record %d: %w", r.Index, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// each calls fn for every record the session holds now, oldest first,
// stopping at fn's first error. It copies in chunks, so a huge session is
// never duplicated in memory and Ingest is not held up for a whole export.
func (s *Session) each(fn func(Record) error) error {
	oldest, next := s.Bounds()
	for from := oldest; from < next; {
		chunk := s.Records(from, 1024)
		if len(chunk) == 0 {
			break
		}
		for _, r := range chunk {
			if r.Index >= next {
				return nil
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		from = chunk[len(chunk)-1].Index + 1
	}
	return nil
}

// LineError is one line of an import that could not be read.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ImportNDJSON reads records written by ExportNDJSON or `watch --json`.
// Blank lines are skipped. A malformed line is reported as a *LineError
// (joined with any others) while every good line is still returned.
func ImportNDJSON(r io.Reader) ([]Record, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []Record
	var errs []error
	for line := 1; ; line++ {
		text, err := readLine(br)
		if len(bytes.TrimSpace(text)) > 0 {
			var rec Record
			if uerr := json.Unmarshal(text, &rec); uerr != nil {
				errs = append(errs, &LineError{Line: line, Err: uerr})
			} else {
				out = append(out, rec)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, &LineError{Line: line, Err: err})
			if !errors.Is(err, errLineTooLong) {
				break
			}
		}
	}
	return out, errors.Join(errs...)
}

var errLineTooLong = fmt.Errorf("longer than %d bytes", maxLine)

// readLine returns one line without its newline. A line past maxLine is
// skipped to its end and reported.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		if len(line)+len(part) > maxLine {
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
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
