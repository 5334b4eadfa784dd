package client

import (
	"testing"
	"time"
)

func TestLimiterKeepsSendsUnderTheGatewayLimit(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter()
	l.now, l.last = func() time.Time { return now }, now
	sent := 0
	// Try to send every 10 ms for two minutes.
	for range 12000 {
		if ok, _ := l.take(); ok {
			sent++
		}
		now = now.Add(10 * time.Millisecond)
	}
	// A full bucket plus two windows of refill: the steady rate is
	// sendBudget per minute, under the gateway's 120.
	if max := sendBudget + 2*sendBudget; sent > max || sent < 2*sendBudget {
		t.Errorf("sent %d in two minutes, want between %d and %d", sent, 2*sendBudget, max)
	}
	ok, wait := l.take()
	for ok {
		ok, wait = l.take()
	}
	if wait <= 0 || wait > sendWindow/sendBudget {
		t.Errorf("empty bucket: wait %s", wait)
	}
}
