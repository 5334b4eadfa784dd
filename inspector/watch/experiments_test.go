package watch

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestExperimentsFromTheTerminal(t *testing.T) {
	sb := sandbox.New(sandbox.Config{ServerHeartbeatEvery: -1})
	ts := httptest.NewServer(sb.Handler())
	hub := live.New(live.Config{Sandbox: sb, SandboxREST: ts.URL + "/api/v10"})
	defer func() {
		hub.Close()
		sb.Close()
		ts.Close()
	}()
	eng := experiment.New(sb, hub, func() string { return "ws" + strings.TrimPrefix(ts.URL, "http") + "/gateway" })
	var out lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	keys := strings.NewReader("?\nno-such\ndrop\n")
	err := RunExperiments(ctx, ExperimentOptions{Hub: hub, Engine: eng, Intents: gateway.AllIntents, Names: []string{"reconnect"}, Keys: keys}, &out)
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	want := []string{"Reconnect", "what happened, on the inspector's own connection:", "the sandbox sent op 7 Reconnect", "RESUMED",
		"zombie ", `no experiment "no-such"`, "experiment drop:", "(1 of 3)", "(3 of 3)", "replayed: MESSAGE_CREATE", "RESUMED, after the 3 events it missed were replayed"}
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("the terminal lacks %q after position %d:\n%s", w, at, text)
		}
		at += i + len(w)
	}
	if err := RunExperiments(ctx, ExperimentOptions{Hub: hub, Engine: eng, Names: []string{"nope"}}, &out); err == nil || !strings.Contains(err.Error(), "zombie") {
		t.Fatalf("an unknown name up front: %v", err)
	}
}
