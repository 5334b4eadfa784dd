package live

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hello"
)

func TestAttachedWalkIsOneStreamWithItsRESTCalls(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	info, sink, detach := h.Attach("hello", "the hello-world bot", hello.Peer)
	defer detach()
	if info.Kind != KindAttached || !strings.HasPrefix(info.ID, "hello-") {
		t.Fatalf("attached stream %+v", info)
	}
	walk := hello.New(hello.Config{BaseURL: ts.URL, Sandbox: sb, Sink: sink}, hello.Options{})
	defer walk.Close()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	for range hello.Steps {
		if _, err := walk.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := h.Stream(info.ID)
	waitRecord(t, s.Session(), 0, "the walk's reply POST", func(r inspector.Record) bool {
		return r.OpName == "REST" && strings.HasPrefix(r.Summary, "POST ") && r.Error == ""
	})
	waitRecord(t, s.Session(), 0, "READY", isEvent("READY"))
	waitState(t, s, StateIdentified)
	for _, other := range h.Streams() {
		if other.Kind == KindSandboxBot {
			t.Fatalf("the walk's bot also shows up as a sandbox bot: %+v", other)
		}
	}

	// Once detached, a bot with the same name is an ordinary sandbox bot again.
	detach()
	bot := dialRawBot(t, ts)
	bot.identify(hello.Peer, gateway.IntentGuilds)
	waitFor(t, "a sandbox-bot stream for a bot named like the walk's", func() bool {
		for _, other := range h.Streams() {
			if other.Kind == KindSandboxBot {
				return true
			}
		}
		return false
	})
}

// A bot that waits to identify is first shown as an unnamed sandbox bot; once
// it names itself as an attached source's peer, that extra stream goes away.
func TestLateIdentifyingAttachedBotIsNotShownTwice(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	_, _, detach := h.Attach("hello", "the hello-world bot", "slow bot")
	defer detach()
	bot := dialRawBot(t, ts)
	hasBotStream := func() bool {
		for _, s := range h.Streams() {
			if s.Kind == KindSandboxBot {
				return true
			}
		}
		return false
	}
	waitFor(t, "the silent connection shown as an unnamed bot", hasBotStream)
	bot.identify("slow bot", gateway.IntentGuilds)
	waitFor(t, "the unnamed stream to go once the bot names itself", func() bool { return !hasBotStream() })
}

// After a restart the attached stream's state is the new connection's, not
// the old close.
func TestAttachedStreamForgetsTheOldCloseOnReady(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	info, sink, detach := h.Attach("hello", "the hello-world bot", "")
	defer detach()
	now := time.Now()
	sink(gateway.WireFrame{Conn: "hello-1", Dir: gateway.Send, Time: now, Close: &gateway.CloseFrame{Code: gateway.CloseNormal, Reason: "restart"}})
	s, _ := h.Stream(info.ID)
	if st := s.Info().State; st.Close == nil || st.Kind != StateClosed {
		t.Fatalf("after the close: %+v", st)
	}
	ready, _ := gateway.NewDispatch("READY", 1, map[string]any{"session_id": "abc"})
	data, _ := json.Marshal(ready)
	sink(gateway.WireFrame{Conn: "hello-2", Dir: gateway.Recv, Time: now, Data: data})
	if st := s.Info().State; st.Close != nil || st.Kind != StateIdentified || st.SessionID != "abc" {
		t.Fatalf("after READY on the new connection: %+v", st)
	}
}
