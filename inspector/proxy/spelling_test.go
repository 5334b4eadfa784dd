package proxy

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/inspector/watch"
)

// TestTokenUnderAnEscapedKeyNeverReachesTheTerminal is `gatewaytour proxy`
// as wired in main, with -json and with -v: an Identify whose key is
// written "tok\u0065n" (the gateway reads it as "token") must not print the
// token, anywhere.
func TestTokenUnderAnEscapedKeyNeverReachesTheTerminal(t *testing.T) {
	s := sandbox.New(sandbox.Config{HeartbeatInterval: 10 * time.Second, HeartbeatGrace: 10 * time.Second, ServerHeartbeatEvery: -1})
	t.Cleanup(s.Close)
	upstream := httptest.NewServer(s.Handler())
	t.Cleanup(upstream.Close)
	views := []watch.Options{{JSON: true}, {Verbose: true}, {}}
	outs := make([]*testkit.Buffer, len(views))
	chans := make([]chan gateway.WireFrame, len(views))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, opts := range views {
		outs[i], chans[i] = &testkit.Buffer{}, make(chan gateway.WireFrame, 1024)
		opts.Frames = chans[i]
		wg.Go(func() { _ = watch.Run(ctx, opts, outs[i]) })
	}
	defer func() { cancel(); wg.Wait() }()
	var logs testkit.Buffer
	p, err := New(Config{Upstream: upstream.URL, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Sink: func(f gateway.WireFrame) {
		for _, c := range chans {
			c <- f
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p.Handler())
	t.Cleanup(front.Close)

	c := dialProxy(t, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway?v=10&encoding=json")
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHello {
		t.Fatalf("first frame = %v, %v", p.Op, err)
	}
	ident := `{"op":2,"d":{"tok\u0065n":"` + sandbox.Token + `","intents":513,"properties":{"os":"linux","browser":"raw test","device":"raw test"}}}`
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(ident)); err != nil {
		t.Fatal(err)
	}
	if p, _, err := c.next(); err != nil || p.T == nil || *p.T != "READY" {
		t.Fatalf("the sandbox did not take the Identify: %v, %v", p.T, err)
	}
	for i, out := range outs {
		waitFor(t, "READY on the terminal", func() bool { return strings.Contains(out.String(), "READY") })
		if text := out.String(); strings.Contains(text, sandbox.Token) || strings.Contains(text, tokenMiddle()) {
			t.Errorf("view %d (%+v) printed the token:\n%s", i, views[i], text)
		}
	}
	if strings.Contains(logs.String(), sandbox.Token) {
		t.Errorf("the log holds the token: %s", logs.String())
	}
	if !strings.Contains(outs[0].String(), inspector.RedactedToken) {
		t.Errorf("the -json records do not show the redaction marker:\n%s", outs[0].String())
	}
}

// tokenMiddle is the token's second part: no output may hold even that.
func tokenMiddle() string { return "." + strings.Split(sandbox.Token, ".")[1] + "." }
