package sandbox

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// benchDispatch measures how many MESSAGE_CREATE dispatches per second the
// sandbox delivers to n connected clients that read as fast as they can.
func benchDispatch(b *testing.B, n int) {
	cfg := testConfig()
	cfg.HeartbeatInterval = 50 * time.Second // the readers do not heartbeat
	s, ts := startSandbox(b, cfg)
	var delivered atomic.Int64
	for range n {
		c, _ := login(b, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
		go func() {
			_ = c.ws.SetReadDeadline(time.Time{})
			for {
				_, data, err := c.ws.ReadMessage()
				if err != nil {
					return
				}
				if strings.Contains(string(data), `"t":"MESSAGE_CREATE"`) {
					delivered.Add(1)
				}
			}
		}()
	}
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
