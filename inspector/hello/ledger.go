package hello

import (
	"sync"

	"gatewaytour/inspector/gateway"
)

// maxLedger bounds the frames a run remembers the record index of; a walk
// that went live keeps emitting chatter, and only recent frames can still
// belong to a step.
const maxLedger = 4096

// ledger hands a run's frames to the sink and remembers the record index
// the sink gave each one, so a step can name its records exactly. A frame
// is known by its own bytes (or its close), which no other frame shares.
type ledger struct {
	sink Sink

	mu    sync.Mutex
	index map[frameKey]int64
}

type frameKey struct {
	data  *byte
	close *gateway.CloseFrame
}

func keyOf(f gateway.WireFrame) (frameKey, bool) {
	k := frameKey{close: f.Close}
	if len(f.Data) > 0 {
		k.data = &f.Data[0]
	}
	return k, k.data != nil || k.close != nil
}

func newLedger(sink Sink) *ledger { return &ledger{sink: sink, index: map[frameKey]int64{}} }

// emit gives f to the sink and notes its record index.
func (l *ledger) emit(f gateway.WireFrame) {
	if l.sink == nil {
		return
	}
	i := l.sink(f)
	k, ok := keyOf(f)
	if i < 0 || !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.index) >= maxLedger {
		clear(l.index)
	}
	l.index[k] = i
}

// records are the record indexes of frames, in order; frames the sink
// kept no record of are left out.
func (l *ledger) records(frames []gateway.WireFrame) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []int64
	for _, f := range frames {
		if k, ok := keyOf(f); ok {
			if i, found := l.index[k]; found {
				out = append(out, i)
			}
		}
	}
	return out
}
