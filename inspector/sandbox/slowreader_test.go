package sandbox

import (
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// TestClientThatStopsReadingGets4000: a client that stops reading while
// dispatches pile up is closed with 4000. When it reads again it finds every
// frame that was on its way, whole, and then the 4000 close frame, not a
// connection cut in the middle of a frame (which it would see as 1006).
// stopReading logs a client in and floods it with messages it does not read
// until the sandbox decides to close it.
func stopReading(t *testing.T, s *Server, ts *httptest.Server) *client {
	t.Helper()
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	id := s.Connections()[0].ID
	s.mu.Lock()
	sc := s.conns[id]
	s.mu.Unlock()
	line := strings.Repeat("a message nobody reads ", 80)
	for i := 0; i < 50_000 && !sc.closing.Load(); i++ {
		if _, err := s.Post(GeneralChannelID, DefaultMemberID, line); err != nil {
			t.Fatal(err)
		}
	}
	if !sc.closing.Load() {
		t.Fatal("50,000 unread messages did not fill the send queue")
	}
	return c
}

// TestClientThatStopsReadingGets4000: a client that stops reading while
// dispatches pile up is closed with 4000. When it reads again it finds every
// frame that was on its way, whole, and then the 4000 close frame, not a
// connection cut in the middle of a frame (which it would see as 1006).
func TestClientThatStopsReadingGets4000(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(16)
	defer cancel()
	c := stopReading(t, s, ts)
	if reason := c.expectClose(gateway.CloseUnknownError); !strings.Contains(reason, "not reading") {
		t.Fatalf("close reason %q does not say the client was not reading", reason)
	}
	cancel()
	for f := range frames {
		if f.Close != nil && f.Close.Code == 1006 {
			t.Fatalf("observers were told the close could not be delivered: %+v", *f.Close)
		}
	}
}

// TestUndeliverableCloseIsOnRecord: a client that stops reading and then
// vanishes never gets the 4000; observers are told so, rather than shown a
// close that never reached it.
func TestUndeliverableCloseIsOnRecord(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(4096)
	defer cancel()
	c := stopReading(t, s, ts)
	tcp := c.ws.UnderlyingConn().(*net.TCPConn)
	_ = tcp.SetLinger(0) // reset, so the sandbox's blocked write fails at once
	_ = tcp.Close()
	for {
		f := nextFrame(t, frames)
		if f.Close == nil {
			continue
		}
		if f.Close.Code != 1006 || !strings.Contains(f.Close.Reason, "4000 could not reach it") {
			t.Fatalf("close on record: %+v, want the 1006 that says the 4000 was not delivered", *f.Close)
		}
		return
	}
}
