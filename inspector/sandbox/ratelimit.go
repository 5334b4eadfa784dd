package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Each REST route has a bucket of limit requests per window, per major
// resource (the channel, for message posting), as on Discord.
const (
	messageLimit  = 5
	messageWindow = 5 * time.Second
	// Other routes share Discord's global figure, 50 requests per second.
	defaultLimit  = 50
	defaultWindow = time.Second
)

type restLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	used    int
	resetAt time.Time
}

// rateState is what the X-RateLimit-* headers report after a request.
type rateState struct {
	limit      int
	remaining  int
	resetAt    time.Time
	resetAfter time.Duration
	bucket     string
}

func newRESTLimiter(now func() time.Time) *restLimiter {
	return &restLimiter{now: now, buckets: map[string]*bucket{}}
}

// take counts one request against route (a name like "POST /channels/{id}/messages")
// for the major resource. ok is false when the bucket is empty: the caller
// answers 429.
func (l *restLimiter) take(route, major string, limit int, window time.Duration) (st rateState, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	key := route + "|" + major
	b := l.buckets[key]
	if b == nil || !now.Before(b.resetAt) {
		if len(l.buckets) > 10000 { // forget idle buckets rather than grow without bound
			for k, old := range l.buckets {
				if !now.Before(old.resetAt) {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{resetAt: now.Add(window)}
		l.buckets[key] = b
	}
	ok = b.used < limit
	if ok {
		b.used++
	}
	return rateState{limit: limit, remaining: limit - b.used, resetAt: b.resetAt, resetAfter: b.resetAt.Sub(now), bucket: bucketID(route)}, ok
}

// bucketID is an opaque id shared by every resource of one route, as
// Discord's X-RateLimit-Bucket is.
func bucketID(route string) string {
	sum := sha256.Sum256([]byte(route))
	return hex.EncodeToString(sum[:8])
}

// set writes the full set of rate-limit headers; clients read them together.
func (st rateState) set(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(st.resetAt.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", seconds(st.resetAfter))
	h.Set("X-RateLimit-Bucket", st.bucket)
}

// seconds formats d as fractional seconds, rounded up to the millisecond so
// a client never retries a moment too early.
func seconds(d time.Duration) string {
	ms := math.Ceil(float64(d) / float64(time.Millisecond))
	return strconv.FormatFloat(ms/1000, 'f', 3, 64)
}
