package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// sendTimes runs senders that each send as fast as the limiter lets them,
// pausing at random between bursts, for total (fake) time, and returns
// when every send passed.
func sendTimes(t *testing.T, seed uint64, senders int, total time.Duration) []time.Time {
	t.Helper()
	var times []time.Time
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter()
		ctx, cancel := context.WithTimeout(t.Context(), total)
		defer cancel()
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range senders {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			wg.Go(func() {
				for {
					// Now a burst, now a pause: the old limiter let a full
					// bucket and a window's refill through in one window.
					if rng.IntN(50) == 0 {
						select {
						case <-time.After(time.Duration(rng.Int64N(int64(90 * time.Second)))):
						case <-ctx.Done():
							return
						}
					}
					if err := l.wait(ctx); err != nil {
						return
					}
					mu.Lock()
					times = append(times, time.Now())
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	})
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	return times
}

// busiestWindow is the most sends in any closed window of length w.
func busiestWindow(times []time.Time, w time.Duration) (most int, from time.Time) {
	end := 0
	for start := range times {
		for end < len(times) && !times[end].After(times[start].Add(w)) {
			end++
		}
		if n := end - start; n > most {
			most, from = n, times[start]
		}
	}
	return most, from
}

func TestNoSixtySecondWindowPassesMoreThanTheBudget(t *testing.T) {
	for seed := range uint64(20) {
		times := sendTimes(t, seed, 1+int(seed%4), 30*time.Minute)
		most, from := busiestWindow(times, sendWindow)
		t.Logf("seed %d: %d sends, at most %d in a window", seed, len(times), most)
		if most > sendBudget {
			t.Fatalf("seed %d: %d sends in the 60 s from %s; the budget is %d (and the gateway's limit 120)", seed, most, from, sendBudget)
		}
		// Not a limiter that starves: the busiest minute uses the budget.
		if most < sendBudget-sendBurst {
			t.Errorf("seed %d: the busiest 60 s passed only %d sends, want at least %d", seed, most, sendBudget-sendBurst)
		}
	}
}

func TestLimiterSteadyRateAndBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter()
		start := time.Now()
		for range sendBurst {
			if err := l.wait(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the first %d sends waited %s, want none", sendBurst, waited)
		}
		// After the burst, one send each (window / (budget-burst)).
		if err := l.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if waited, want := time.Since(start), sendWindow/(sendBudget-sendBurst); waited != want {
			t.Errorf("the send after the burst waited %s, want %s", waited, want)
		}
	})
}

func TestLimiterWaitEndsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter()
		for range sendBurst {
			_ = l.wait(t.Context())
		}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		// rate.Limiter refuses at once a wait the deadline cannot cover.
		if err := l.wait(ctx); err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("wait past the deadline: %v, want a deadline error", err)
		}
	})
}
