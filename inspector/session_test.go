package inspector

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func addN(s *Session, n int) {
	a := newAnnotator(&Secrets{})
	for i := range n {
		s.add(a.annotate(frame("c", gateway.Recv, t0.Add(time.Duration(i)*time.Millisecond), fxACK)))
	}
}

func TestSessionAssignsIndexesAndForgetsTheOldest(t *testing.T) {
	s := NewSession(5)
	addN(s, 8)
	oldest, next := s.Bounds()
	if oldest != 3 || next != 8 {
		t.Fatalf("bounds %d..%d, want 3..8", oldest, next)
	}
	recs := s.Records(0, 0)
	for i, r := range recs {
		if r.Index != int64(3+i) {
			t.Errorf("record %d has index %d", i, r.Index)
		}
	}
	if _, ok := s.Get(2); ok {
		t.Error("index 2 should have left the ring")
	}
	if r, ok := s.Get(7); !ok || r.Index != 7 {
		t.Errorf("get 7: %v %v", r.Index, ok)
	}
}

func TestSubscriberGetsEveryRecordInOrder(t *testing.T) {
	s := NewSession(1000)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const n = 500
	var wg sync.WaitGroup
	for range 3 {
		sub := s.Subscribe(0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for want := int64(0); want < n; want++ {
				r, err := sub.Next(ctx)
				if err != nil || r.Index != want {
					t.Errorf("got %d %v, want %d", r.Index, err, want)
					return
				}
			}
		}()
	}
	addN(s, n)
	wg.Wait()
}

func TestSlowSubscriberGetsAGapNoticeAndAddNeverBlocks(t *testing.T) {
	s := NewSession(10)
	sub := s.Subscribe(0)
	addN(s, 25) // nobody reads: Add must not block
	_, err := sub.Next(context.Background())
	var gap *GapError
	if !errors.As(err, &gap) || gap.Missed != 15 || gap.Resume != 15 {
		t.Fatalf("want a gap of 15, got %v", err)
	}
	r, err := sub.Next(context.Background())
	if err != nil || r.Index != 15 {
		t.Errorf("after the gap: %d %v", r.Index, err)
	}
}

func TestSubscriberWaitsForNewRecordsAndHonoursContext(t *testing.T) {
	s := NewSession(10)
	addN(s, 2)
	sub := s.Subscribe(2)
	got := make(chan int64)
	go func() {
		r, err := sub.Next(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- r.Index
	}()
	addN(s, 1)
	select {
	case idx := <-got:
		if idx != 2 {
			t.Errorf("got %d", idx)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscriber never woke up")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sub.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled, got %v", err)
	}
}
