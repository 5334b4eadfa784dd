package sandbox

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func TestFiftyBotsEachGetTheirOwnSession(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	const bots = 50
	clients := make([]*client, bots)
	sessions := make([]string, bots)
	var wg sync.WaitGroup
	errs := make(chan string, bots)
	for i := range bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := dial(t, ts, "?v=10&encoding=json")
			if p, ce := c.next(); ce != nil || p.Op != gateway.OpHello {
				errs <- "no Hello"
				return
			}
			c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent))
			p, ce := c.next()
			if ce != nil || p.T == nil || *p.T != "READY" {
				errs <- "no READY"
				return
			}
			ready := decode[gateway.Ready](t, p.D)
			clients[i], sessions[i] = c, ready.SessionID
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	seen := map[string]bool{}
	for _, id := range sessions {
		if seen[id] {
			t.Fatalf("session %s given twice", id)
		}
		seen[id] = true
	}
	if n := len(s.Connections()); n != bots {
		t.Fatalf("%d connections, want %d", n, bots)
	}
	_, _ = s.Post(GeneralChannelID, DefaultMemberID, "hello, all fifty of you")
	for _, c := range clients {
		m := decode[gateway.Message](t, c.expectDispatch("MESSAGE_CREATE").D)
		if m.Content != "hello, all fifty of you" {
			t.Fatalf("got %q", m.Content)
		}
	}
}

func TestClientThatDoesNotReadIsDroppedWithoutStallingOthers(t *testing.T) {
	cfg := testConfig()
	cfg.HeartbeatInterval = 40 * time.Second // these clients do not heartbeat
	s, ts := startSandbox(t, cfg)
	intents := gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent
	_, stuckReady := login(t, ts, intents) // from here on this client reads nothing
	reader, _ := login(t, ts, intents)

	// The reader drains its frames concurrently, as a healthy bot does.
	const posts, batch = 8000, 500
	var read atomic.Int64
	go func() {
		_ = reader.ws.SetReadDeadline(time.Time{})
		for {
			_, data, err := reader.ws.ReadMessage()
			if err != nil {
				return // the test is over
			}
			if strings.Contains(string(data), `"t":"MESSAGE_CREATE"`) {
				read.Add(1)
			}
		}
	}()
	big := strings.Repeat("x", maxContent)
	for i := 1; i <= posts; i++ {
		if _, err := s.Post(GeneralChannelID, DefaultMemberID, big); err != nil {
			t.Fatal(err)
		}
		if i%batch == 0 { // bursts no larger than a reader's queue
			waitFor(t, "the reader to keep up", func() bool { return read.Load() == int64(i) })
		}
	}
	waitFor(t, "the stuck client to be dropped", func() bool {
		for _, c := range s.Connections() {
			if c.SessionID == stuckReady.SessionID {
				return false
			}
		}
		return true
	})
	// Its session survives: the bot may resume and get what it missed replayed.
	s.mu.Lock()
	_, kept := s.sessions[stuckReady.SessionID]
	s.mu.Unlock()
	if !kept {
		t.Fatal("the dropped client's session was not kept for resume")
	}
}
