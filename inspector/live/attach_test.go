package live

import (
	"context"
	"strings"
	"testing"

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
