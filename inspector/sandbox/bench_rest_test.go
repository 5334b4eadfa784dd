package sandbox

import (
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// connectReaders logs n bots in and drains their frames, counting the
// MESSAGE_CREATEs they receive.
func connectReaders(b *testing.B, n int, delivered *atomic.Int64) *Server {
	clock := newTestClock()
	cfg := testConfig()
	cfg.HeartbeatInterval = 50 * time.Second // the readers do not heartbeat
	cfg.Now = clock.Now
	s, ts := startSandbox(b, cfg)
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
	benchClock, benchURL = clock, ts.URL
	return s
}

var (
	benchClock *testClock
	benchURL   string
)

// benchCreateMessage measures POST /channels/{id}/messages over HTTP with
// n bots connected. Each op is one post and its fan-out: the REST answer
// (which includes encoding MESSAGE_CREATE once and queueing it for all n
// bots) and then every bot receiving it. ms/answer is the first part alone,
// what the posting bot waits for; ms/delivered the whole.
func benchCreateMessage(b *testing.B, n int) {
	var delivered atomic.Int64
	connectReaders(b, n, &delivered)
	url := benchURL + "/api/v10/channels/" + GeneralChannelID.String() + "/messages"
	client := &http.Client{}
	var answering time.Duration
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		benchClock.Advance(messageWindow) // a fresh rate-limit bucket per post
		req, _ := http.NewRequest("POST", url, strings.NewReader(`{"content":"benchmark message"}`))
		req.Header.Set("Authorization", botAuth)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
		answering += time.Since(start)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		for want := int64(i * n); delivered.Load() < want; {
			time.Sleep(20 * time.Microsecond)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(answering.Microseconds())/float64(b.N)/1000, "ms/answer")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/delivered")
}

func BenchmarkRESTCreateMessageWith50Bots(b *testing.B) { benchCreateMessage(b, 50) }

// BenchmarkRESTWith1000Bots checks the sandbox still answers REST in
// milliseconds with 1,000 bots connected, each create message fanned out to
// all of them.
func BenchmarkRESTWith1000Bots(b *testing.B) {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil && lim.Cur < 2200 {
		b.Skipf("1,000 bots need 2,000 sockets; the file limit is %d", lim.Cur)
	}
	benchCreateMessage(b, 1000)
}
