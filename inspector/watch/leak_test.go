package watch_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/inspector/watch"
)

const deadline = 30 * time.Second

// lockedBuffer is an output that tests can read while Run writes to it.
type lockedBuffer struct{ testkit.Buffer }

func (b *lockedBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(b.String(), s) {
			return
		}
	}
	t.Fatalf("output never showed %q:\n%s", s, b.String())
}

func startSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Server, string) {
	t.Helper()
	sb := sandbox.New(cfg)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		sb.Close()
		ts.Close()
	})
	return sb, ts.URL + "/api/v10"
}

func quiet() sandbox.Config {
	return sandbox.Config{HeartbeatInterval: 200 * time.Millisecond, HeartbeatGrace: 5 * time.Second, ServerHeartbeatEvery: 500 * time.Millisecond}
}

// postWhenReady waits for the bot's session and has a member paste the
// token into the channel: the worst case for redaction.
func postWhenReady(t *testing.T, sb *sandbox.Server) {
	t.Helper()
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c := sb.Connections(); len(c) == 1 && c[0].SessionID != "" {
			if _, err := sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "oops, my token is "+sandbox.Token+" please ignore"); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("the bot never got a session")
}

var allIntents = gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent | gateway.IntentGuildMembers

// TestTokenNeverLeaks runs a bot with a known token through every way the
// inspector shows or stores frames, then searches every byte of it.
func TestTokenNeverLeaks(t *testing.T) {
	var outputs []string
	for _, opts := range []watch.Options{
		{Sandbox: true, Intents: allIntents, Verbose: true, Color: true},
		{Sandbox: true, Intents: allIntents, Verbose: true},
		{Sandbox: true, Intents: allIntents, JSON: true},
	} {
		sb, rest := startSandbox(t, quiet())
		opts.RESTBase, opts.Token = rest, sandbox.Token
		var out, logs lockedBuffer
		opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- watch.Run(ctx, opts, &out) }()
		postWhenReady(t, sb)
		out.waitFor(t, "please ignore")
		out.waitFor(t, "Heartbeat ACK")
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
		outputs = append(outputs, out.String(), logs.String())
	}

	// The client, annotator and session directly, and their export.
	sb, rest := startSandbox(t, quiet())
	session := inspector.NewSession(0)
	var logs lockedBuffer
	cl, err := client.New(client.Config{RESTBase: rest, Token: "Bot " + sandbox.Token, Intents: allIntents, Sink: func(f gateway.WireFrame) { session.Ingest(f) },
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx) }()
	postWhenReady(t, sb)
	sub := session.Subscribe(0)
	for {
		next, cancelNext := context.WithTimeout(context.Background(), deadline)
		r, err := sub.Next(next)
		cancelNext()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.Summary, "please ignore") {
			break
		}
	}
	cancel()
	<-done
	var export bytes.Buffer
	if err := session.ExportNDJSON(&export); err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, export.String(), logs.String())

	// Errors: a run that the gateway stops.
	cfg := quiet()
	cfg.EnabledPrivileged = sandbox.PrivilegedNone
	_, rest = startSandbox(t, cfg)
	var out lockedBuffer
	err = watch.Run(context.Background(), watch.Options{RESTBase: rest, Token: sandbox.Token, Intents: allIntents, Verbose: true}, &out)
	var ce *client.CloseError
	if !errors.As(err, &ce) || ce.Code != gateway.CloseDisallowedIntents {
		t.Fatalf("want a 4014 error, got %v", err)
	}
	outputs = append(outputs, err.Error(), out.String())

	secretPart := sandbox.Token[strings.LastIndexByte(sandbox.Token, '.')+1:]
	for i, o := range outputs {
		if strings.Contains(o, sandbox.Token) || strings.Contains(o, secretPart) {
			t.Errorf("output %d holds the token:\n%s", i, o)
		}
	}
	if !strings.Contains(outputs[0], inspector.RedactedToken) || !strings.Contains(export.String(), `"token":"`+inspector.RedactedToken+`"`) {
		t.Error("the redaction marker is missing: was the token ever in the frames?")
	}
}
