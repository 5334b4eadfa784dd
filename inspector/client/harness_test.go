package client_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// deadline is generous: the machine running the tests may be busy.
const deadline = 30 * time.Second

// harness runs a client against a real sandbox over real websockets, and
// records what the client's sink and state callback saw.
type harness struct {
	t       *testing.T
	sb      *sandbox.Server
	ts      *httptest.Server
	cl      *client.Client
	session *inspector.Session
	frames  chan gateway.WireFrame
	states  chan client.State
	done    chan error
	cancel  context.CancelFunc

	logMu sync.Mutex
	logs  bytes.Buffer
}

func (h *harness) Write(p []byte) (int, error) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.logs.Write(p)
}

func (h *harness) logText() string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return h.logs.String()
}

// quickSandbox beats every second and stays quiet unless a test posts.
func quickSandbox() sandbox.Config {
	return sandbox.Config{HeartbeatInterval: time.Second, HeartbeatGrace: 5 * time.Second, ServerHeartbeatEvery: -1}
}

// sandboxGateway, as Config.GatewayURL, stands for the sandbox's own
// websocket URL, so a test can skip GET /gateway/bot.
const sandboxGateway = "sandbox-gateway"

// start serves sb and runs a client with cfg; onState, if set, runs inside
// the client's state callback (before the client acts on the change).
func start(t *testing.T, sbCfg sandbox.Config, cfg client.Config, onState func(*harness, client.State)) *harness {
	t.Helper()
	h := &harness{t: t, frames: make(chan gateway.WireFrame, 100000), states: make(chan client.State, 1000), done: make(chan error, 1)}
	h.sb = sandbox.New(sbCfg)
	h.ts = httptest.NewServer(h.sb.Handler())
	h.session = inspector.NewSession(0)
	record := func(f gateway.WireFrame) { h.session.Ingest(f) }
	if cfg.RESTBase == "" {
		cfg.RESTBase = h.ts.URL + "/api/v10"
	}
	if cfg.GatewayURL == sandboxGateway {
		cfg.GatewayURL = "ws" + strings.TrimPrefix(h.ts.URL, "http") + "/gateway"
	}
	if cfg.Token == "" {
		cfg.Token = sandbox.Token
	}
	h.session.Secrets().Learn(cfg.Token)
	cfg.Sink = func(f gateway.WireFrame) {
		record(f)
		h.frames <- f
	}
	cfg.OnState = func(s client.State) {
		if onState != nil {
			onState(h, s)
		}
		h.states <- s
	}
	cfg.Logger = slog.New(slog.NewTextHandler(h, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cl, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.cl = cl
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- cl.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-h.done:
		case <-time.After(deadline):
			t.Error("client did not stop")
		}
		h.sb.Close()
		h.ts.Close()
	})
	return h
}

// waitState returns the next state of kind, skipping others.
func (h *harness) waitState(kind client.StateKind) client.State {
	h.t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case s := <-h.states:
			if s.Kind == kind {
				return s
			}
			if s.Kind == client.StateStopped {
				h.t.Fatalf("client stopped while waiting for %s: %v", kind, s.Err)
			}
		case <-timeout:
			h.t.Fatalf("no %s state within %s", kind, deadline)
		}
	}
}

// waitFrame returns the next frame matching ok, skipping others.
func (h *harness) waitFrame(what string, ok func(gateway.WireFrame) bool) gateway.WireFrame {
	h.t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case f := <-h.frames:
			if ok(f) {
				return f
			}
		case <-timeout:
			h.t.Fatalf("no %s frame within %s", what, deadline)
		}
	}
}

// waitRun waits for Run to return.
func (h *harness) waitRun() error {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err // for the cleanup
		return err
	case <-time.After(deadline):
		h.t.Fatal("Run did not return")
		return nil
	}
}

func isDispatch(t string) func(gateway.WireFrame) bool {
	return func(f gateway.WireFrame) bool {
		return f.Dir == gateway.Recv && bytes.Contains(f.Data, []byte(`"t":"`+t+`"`))
	}
}

func isOp(dir gateway.Direction, op int) func(gateway.WireFrame) bool {
	return func(f gateway.WireFrame) bool {
		p, err := gateway.DecodePayload(f.Data)
		return f.Dir == dir && err == nil && int(p.Op) == op
	}
}

// sandboxConn is the sandbox's id for the client's live connection.
func (h *harness) sandboxConn() string {
	h.t.Helper()
	conns := h.sb.Connections()
	if len(conns) != 1 {
		h.t.Fatalf("want one sandbox connection, have %d", len(conns))
	}
	return conns[0].ID
}

// records returns the annotated records matching ok.
func (h *harness) records(ok func(inspector.Record) bool) []inspector.Record {
	var out []inspector.Record
	for _, r := range h.session.Records(0, 0) {
		if ok(r) {
			out = append(out, r)
		}
	}
	return out
}

func hasT(t string) func(inspector.Record) bool {
	return func(r inspector.Record) bool { return r.T != nil && *r.T == t }
}

func joined(notes []string) string { return strings.Join(notes, " ") }
