package inspector

import (
	"context"
	"fmt"
	"sync"

	"gatewaytour/inspector/gateway"
)

// DefaultCapacity keeps about an hour of a busy bot (tens of frames a
// second) in memory.
const DefaultCapacity = 200_000

// Session is one stream of records and the one way frames become records:
// Ingest annotates a frame, redacts every known token from it, numbers it
// and stores it in a bounded ring. Ingest never waits for viewers; a viewer
// that falls further behind than the ring holds is told how many records it
// missed instead of losing them silently.
type Session struct {
	mu sync.Mutex
	// The ring is kept in fixed chunks allocated as it fills, so growing
	// never copies what is held: one big copy (and the garbage collector's
	// work for it) would stall every viewer while a flood is coming in.
	chunks  [][]Record // each allocated on first use
	cap     int
	next    int64 // index the next record gets
	base    int64 // index of the record in slot 0
	changed chan struct{}

	// ingestMu keeps the ring's order equal to the annotation order, which
	// the annotator's per-connection state (heartbeats, sequence) needs.
	ingestMu  sync.Mutex
	annotator *annotator
	secrets   *Secrets
}

// NewSession keeps the last capacity records (DefaultCapacity if ≤ 0).
func NewSession(capacity int) *Session {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	secrets := &Secrets{}
	return &Session{
		chunks: make([][]Record, (capacity+chunkRecords-1)/chunkRecords),
		cap:    capacity, changed: make(chan struct{}), secrets: secrets, annotator: newAnnotator(secrets),
	}
}

// Ingest annotates f, redacts it, stores it under the next index and
// returns the stored record, whose Index the caller may keep to find it
// again. Frames of one connection must be ingested in order. The record
// keeps f.Data as its payload when nothing had to change, so the caller
// must not modify it afterwards.
func (s *Session) Ingest(f gateway.WireFrame) Record {
	s.ingestMu.Lock()
	defer s.ingestMu.Unlock()
	return s.add(s.annotator.annotate(f))
}

// Secrets are the tokens this session's records are kept clean of: teach
// it a token before frames carrying it arrive (Identify and Resume tokens
// are learned as they pass).
func (s *Session) Secrets() *Secrets { return s.secrets }

// add stores r under the next index and returns it with the index set.
func (s *Session) add(r Record) Record {
	s.mu.Lock()
	r.Index = s.next
	s.next++
	s.store(r)
	s.wake()
	s.mu.Unlock()
	return r
}

// chunkRecords is how many records one chunk of the ring holds.
const chunkRecords = 4096

// store puts r in its slot; callers hold mu.
func (s *Session) store(r Record) {
	*s.at(r.Index) = r
}

// at is the slot of index, allocating its chunk the first time; callers
// hold mu.
func (s *Session) at(index int64) *Record {
	slot := int((index - s.base) % int64(s.cap))
	c := slot / chunkRecords
	if s.chunks[c] == nil {
		s.chunks[c] = make([]Record, min(chunkRecords, s.cap-c*chunkRecords))
	}
	return &s.chunks[c][slot%chunkRecords]
}

func (s *Session) wake() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Bounds returns the oldest index still held and the index the next record
// will get; the session holds [oldest, next).
func (s *Session) Bounds() (oldest, next int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oldest(), s.next
}

// oldest follows from what was stored since base: the ring holds the last
// cap of them.
func (s *Session) oldest() int64 { return max(s.base, s.next-int64(s.cap)) }

// Capacity is the most records the session keeps.
func (s *Session) Capacity() int { return s.cap }

// Get returns the record at index, if the ring still holds it.
func (s *Session) Get(index int64) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if index < s.oldest() || index >= s.next {
		return Record{}, false
	}
	return *s.at(index), true
}

// Records copies out the held records from index from on, at most max of
// them (all if max ≤ 0).
func (s *Session) Records(from int64, max int) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	from = clamp(from, s.oldest(), s.next)
	n := int(s.next - from)
	if max > 0 && n > max {
		n = max
	}
	out := make([]Record, n)
	for i := range out {
		out[i] = *s.at(from + int64(i))
	}
	return out
}

// Restore fills an empty session with records read back from an export.
// Consecutive indexes are kept, so a reloaded export shows the same numbers;
// anything else is renumbered from 0.
func (s *Session) Restore(records []Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next != 0 {
		return fmt.Errorf("inspector: restore into a session that already has %d records", s.next)
	}
	if len(records) > s.cap {
		records = records[len(records)-s.cap:]
	}
	keep := len(records) > 0 && records[0].Index >= 0
	for i, r := range records {
		keep = keep && r.Index == records[0].Index+int64(i)
	}
	if keep {
		s.base, s.next = records[0].Index, records[0].Index
	}
	for _, r := range records {
		r.Index = s.next
		s.next++
		s.store(r)
	}
	s.wake()
	return nil
}

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }

// GapError tells a subscriber that Missed records fell out of the ring
// before it read them; the next call continues with index Resume.
type GapError struct {
	Missed int64
	Resume int64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("inspector: fell behind, %d record(s) were dropped from the session before they were read; continuing at %d", e.Missed, e.Resume)
}

// Subscription follows a session from an index on. It holds nothing but a
// cursor, so an abandoned one costs nothing and never slows Add.
type Subscription struct {
	s    *Session
	next int64
}

// Subscribe follows the session from index from (0 = everything held; the
// session's next index = only new records).
func (s *Session) Subscribe(from int64) *Subscription {
	return &Subscription{s: s, next: max(from, 0)}
}

// Next returns the next record, waiting for it if needed. When records were
// lost to the ring it returns a *GapError first, then carries on.
func (sub *Subscription) Next(ctx context.Context) (Record, error) {
	s := sub.s
	for {
		s.mu.Lock()
		if oldest := s.oldest(); sub.next < oldest {
			gap := &GapError{Missed: oldest - sub.next, Resume: oldest}
			sub.next = oldest
			s.mu.Unlock()
			return Record{}, gap
		}
		if sub.next < s.next {
			r := *s.at(sub.next)
			sub.next++
			s.mu.Unlock()
			return r, nil
		}
		wait := s.changed
		s.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return Record{}, ctx.Err()
		}
	}
}

// Position is the index Next will return next.
func (sub *Subscription) Position() int64 { return sub.next }

// payloadBytes is the total payload size held, for memory reports.
func (s *Session) payloadBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, chunk := range s.chunks {
		for i := range chunk {
			n += int64(len(chunk[i].Payload))
		}
	}
	return n
}
