package hello

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWalksHoldAtMostMaxWalks fills the registry: the next Start is refused
// with a sentence, and ending one walk (which tells its owner) makes room.
func TestWalksHoldAtMostMaxWalks(t *testing.T) {
	_, ts := startSandbox(t, quietSandbox())
	walks := NewWalks(Config{BaseURL: ts.URL, MaxWalks: 3}, time.Minute)
	t.Cleanup(walks.Close)
	var ended atomic.Int32
	var ids []string
	for range 3 {
		id, _, err := walks.Start(Options{}, nil, func() { ended.Add(1) })
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	_, w, err := walks.Start(Options{}, nil, nil)
	if !errors.Is(err, ErrTooManyWalks) || w != nil || !strings.Contains(err.Error(), "3 walks are open") {
		t.Fatalf("a fourth walk: %v, %v", w, err)
	}
	if walks.Len() != 3 {
		t.Fatalf("%d walks open after a refused start", walks.Len())
	}
	if !walks.End(ids[0]) || walks.End(ids[0]) {
		t.Fatal("End did not report the walk exactly once")
	}
	if ended.Load() != 1 {
		t.Fatalf("onEnd ran %d times after one End", ended.Load())
	}
	if _, _, err := walks.Start(Options{}, nil, nil); err != nil {
		t.Fatalf("after End there is room again: %v", err)
	}
	walks.Close()
	if ended.Load() != 3 {
		t.Fatalf("onEnd ran %d times once every walk ended, want 3", ended.Load())
	}
	if _, _, err := walks.Start(Options{}, nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close = %v", err)
	}
}

// TestStepRecordsAreTheSinksIndexes checks that each step names the
// records the sink returned for its own frames, and nothing else.
func TestStepRecordsAreTheSinksIndexes(t *testing.T) {
	s, ts := startSandbox(t, quietSandbox())
	w, k := newWalk(t, ts, s, Options{})
	for n := 1; n <= Steps; n++ {
		step := mustNext(t, w, n)
		if len(step.Records) != len(step.Frames) || len(step.Frames) == 0 {
			t.Fatalf("step %d: %d records for %d frames", n, len(step.Records), len(step.Frames))
		}
		all := k.All()
		for i, idx := range step.Records {
			got, want := all[idx], step.Frames[i]
			if got.Dir != want.Dir || string(got.Data) != string(want.Data) || got.Close != want.Close {
				t.Fatalf("step %d: record %d is %s, want the step's frame %s", n, idx, got.Data, want.Data)
			}
		}
	}
	back, _ := w.Back(ctxFor(t))
	if again, _ := w.Next(ctxFor(t)); len(again.Records) == 0 || again.Records[0] != w.performed[Steps-1].Records[0] || back.N != Steps-1 {
		t.Fatalf("a step shown again names other records: %v", again.Records)
	}
}
