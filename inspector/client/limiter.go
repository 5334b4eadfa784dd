package client

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// The gateway closes a connection that sends more than 120 payloads in any
// 60 seconds (4008). A token bucket of burst b refilled at r a second lets
// at most b + 60·r through in any 60 s window, however the sends are
// spread; the bucket below allows sendBudget, leaving the rest of the 120
// for heartbeats, which never wait.
const (
	sendWindow = 60 * time.Second
	sendBudget = 110
	// sendBurst is how many sends may go at once after a quiet spell (an
	// Identify and the requests that follow it); the remaining
	// sendBudget-sendBurst spread evenly over the window.
	sendBurst = 10
)

// limiter paces ordinary sends.
type limiter struct{ bucket *rate.Limiter }

func newLimiter() *limiter {
	every := sendWindow / (sendBudget - sendBurst)
	return &limiter{bucket: rate.NewLimiter(rate.Every(every), sendBurst)}
}

// wait blocks until a send may go, or ctx ends.
func (l *limiter) wait(ctx context.Context) error { return l.bucket.Wait(ctx) }
