package client

import (
	"context"
	"sync"
	"time"
)

// The gateway closes a connection that sends more than 120 payloads in 60
// seconds (4008). The limiter lets ordinary sends use sendBudget of them and
// leaves the rest for heartbeats, which never wait.
const (
	sendWindow = 60 * time.Second
	sendBudget = 110
)

// limiter is a token bucket: sendBudget tokens, refilled evenly over a window.
type limiter struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newLimiter() *limiter {
	return &limiter{tokens: sendBudget, last: time.Now(), now: time.Now}
}

// take spends a token if one is there, or says how long until one is.
func (l *limiter) take() (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := float64(sendBudget) / sendWindow.Seconds()
	l.tokens = min(sendBudget, l.tokens+now.Sub(l.last).Seconds()*rate)
	l.last = now
	const epsilon = 1e-9 // refills add up in floating point
	if l.tokens >= 1-epsilon {
		l.tokens = max(l.tokens-1, 0)
		return true, 0
	}
	return false, max(time.Duration((1-l.tokens)/rate*float64(time.Second)), time.Millisecond)
}

func (l *limiter) wait(ctx context.Context) error {
	for {
		ok, wait := l.take()
		if ok {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
