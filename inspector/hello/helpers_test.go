package hello

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
)

// quietSandbox has no chatter and no server heartbeat requests, and is
// patient with a loaded machine.
func quietSandbox() sandbox.Config {
	return sandbox.Config{HeartbeatInterval: 10 * time.Second, HeartbeatGrace: 10 * time.Second, ServerHeartbeatEvery: -1}
}

func startSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	s := sandbox.New(cfg)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts
}

// sink collects every frame a walk emits.
type sink = testkit.Frames

func newWalk(t *testing.T, ts *httptest.Server, s *sandbox.Server, opts Options) (*Walk, *sink) {
	t.Helper()
	k := &sink{}
	w := New(Config{BaseURL: ts.URL, Sandbox: s, Sink: k.Store}, opts)
	t.Cleanup(func() { _ = w.Close() })
	return w, k
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustNext(t *testing.T, w *Walk, want int) Step {
	t.Helper()
	s, err := w.Next(ctxFor(t))
	if err != nil {
		t.Fatalf("step %d: %v", want, err)
	}
	if s.N != want {
		t.Fatalf("Next showed step %d, want %d", s.N, want)
	}
	if s.Title == "" || s.Explanation == "" {
		t.Fatalf("step %d has no title or explanation: %+v", want, s)
	}
	return s
}

// payloadOf decodes a gateway frame, failing on anything else.
func payloadOf(t *testing.T, f gateway.WireFrame) gateway.Payload {
	t.Helper()
	p, err := gateway.DecodePayload(f.Data)
	if err != nil {
		t.Fatalf("frame %s is not a gateway payload: %v", f.Data, err)
	}
	return p
}

func exchangeOf(t *testing.T, f gateway.WireFrame) gateway.RESTExchange {
	t.Helper()
	if !gateway.IsRESTExchange(f.Data) {
		t.Fatalf("frame %s is not a REST exchange", f.Data)
	}
	var ex gateway.RESTExchange
	if err := json.Unmarshal(f.Data, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func countConns(s *sandbox.Server) func(int) func() bool {
	return func(n int) func() bool { return func() bool { return len(s.Connections()) == n } }
}

func opName(f gateway.WireFrame) string {
	if f.Close != nil {
		return "close"
	}
	if gateway.IsRESTExchange(f.Data) {
		return "rest"
	}
	p, err := gateway.DecodePayload(f.Data)
	if err != nil {
		return "?"
	}
	if p.T != nil {
		return *p.T
	}
	return strings.ReplaceAll(p.Op.Name(), " ", "")
}

// restart starts the walk again with the options it has.
func restart(t *testing.T, w *Walk) (Step, error) { return w.RestartWith(ctxFor(t), w.Options()) }

// connID is the walk's current gateway connection ("hello-3"), or "" before
// step 2.
func connID(w *Walk) string { return w.currentRun().currentConnID() }
