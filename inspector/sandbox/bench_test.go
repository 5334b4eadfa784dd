package sandbox

import (
	"sync/atomic"
	"testing"
	"time"
)

// benchDispatch measures how many MESSAGE_CREATE dispatches per second the
// sandbox delivers to n connected clients that read as fast as they can.
func benchDispatch(b *testing.B, n int) {
	var delivered atomic.Int64
	s := connectReaders(b, n, &delivered)
	const batch = 256 // below the send queue, so a reader is never dropped
	b.ResetTimer()
	start := time.Now()
	for i := 1; i <= b.N; i++ {
		if _, err := s.Post(GeneralChannelID, DefaultMemberID, "benchmark message"); err != nil {
			b.Fatal(err)
		}
		if i%batch == 0 || i == b.N {
			want := int64(i * n)
			for delivered.Load() < want {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N*n)/elapsed.Seconds(), "dispatches/s")
}

func BenchmarkDispatchTo1Client(b *testing.B)   { benchDispatch(b, 1) }
func BenchmarkDispatchTo50Clients(b *testing.B) { benchDispatch(b, 50) }
