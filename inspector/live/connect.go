package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// connection is one run of the inspector's gateway client. The token it
// was given lives in the client and in scrub's closure, nowhere else.
type connection struct {
	target  string
	intents gateway.Intents
	cancel  context.CancelFunc
	done    chan struct{}
	// retired is set before the hub stops this connection on purpose, so
	// its last state changes do not overwrite the next connection's.
	retired atomic.Bool
	scrub   func(string) string

	mu        sync.Mutex
	lastClose *inspector.Close // the last close frame the server sent

	// held keeps an attempt's frames and states until READY (attempt.go).
	held held
}

// EnsureSandbox connects the inspector to the sandbox with every intent
// unless something was ever connected: what the product does on a reader's
// first visit. It is cheap to call on every page view.
func (h *Hub) EnsureSandbox() error {
	if h.connected.Load() {
		return nil
	}
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	if h.connected.Load() {
		return nil
	}
	return h.connectSandboxLocked(gateway.AllIntents)
}

// ConnectSandbox connects the inspector to the in-process sandbox as its
// bot, replacing any current connection.
func (h *Hub) ConnectSandbox(intents gateway.Intents) error {
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	return h.connectSandboxLocked(intents)
}

func (h *Hub) connectSandboxLocked(intents gateway.Intents) error {
	if h.isClosed() {
		return ErrClosed
	}
	if h.cfg.Sandbox == nil {
		return errors.New("this program runs without a sandbox")
	}
	h.mu.Lock()
	rest := h.sandboxREST
	h.mu.Unlock()
	if rest == "" {
		return errors.New("the sandbox's address is not known yet")
	}
	h.start(TargetSandbox, intents, client.Config{RESTBase: rest, Token: sandbox.Token})
	return nil
}

// ConnectDiscord connects the inspector to Discord's gateway as the bot
// whose token is given, replacing any current connection. The token stays
// in the client's memory and is redacted from every record; it is never
// logged, shown or returned.
func (h *Hub) ConnectDiscord(token string, intents gateway.Intents) error {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(token), "Bot "))
	if err := checkTokenShape(token); err != nil {
		return err
	}
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	if h.isClosed() {
		return ErrClosed
	}
	h.inspector.annotator.SetSecret(token)
	h.start(TargetDiscord, intents, client.Config{RESTBase: h.discordREST, Token: token})
	return nil
}

// checkTokenShape accepts what looks like a bot token: three non-empty
// dot-separated parts of base64url characters. The error never repeats the
// token.
func checkTokenShape(token string) error {
	if token == "" {
		return errors.New("no token given: paste the bot token from the Developer Portal's Bot page")
	}
	parts := strings.Split(token, ".")
	ok := len(parts) == 3
	for _, p := range parts {
		ok = ok && p != "" && strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
	}
	if !ok {
		return errors.New("that does not look like a bot token: a bot token is three parts of letters, digits, '-' and '_' joined by dots; copy it again from the Developer Portal's Bot page (not the client secret or public key)")
	}
	return nil
}

// Disconnect closes the inspector's connection (with 1000, ending the
// session) and leaves it stopped.
func (h *Hub) Disconnect() error {
	h.connectMu.Lock()
	defer h.connectMu.Unlock()
	if h.isClosed() {
		return ErrClosed
	}
	if !h.stopConnection() {
		return nil
	}
	h.inspector.updateState(func(st *State) bool {
		st.Kind, st.Detail, st.SessionID = StateStopped, "Disconnected: the inspector closed its connection with 1000, which ends the session.", ""
		return true
	})
	return nil
}

// stopConnection stops the current client and any attempt, and waits for
// them. It reports whether a current client was stopped. The caller holds
// connectMu.
func (h *Hub) stopConnection() bool {
	h.stopAttempt()
	c := h.conn
	if c == nil {
		return false
	}
	h.conn = nil
	c.stop()
	return true
}

// stop ends the client on purpose and waits for its goroutine.
func (c *connection) stop() {
	c.retired.Store(true)
	c.cancel()
	<-c.done
}

// start replaces the current connection with a new client. The caller
// holds connectMu and has checked the token. While the current connection
// is logged in, the new one is an attempt: the stream stays with the
// current one until the attempt's READY, and a failed attempt leaves it
// untouched (attempt.go).
func (h *Hub) start(target string, intents gateway.Intents, cfg client.Config) {
	h.stopAttempt()
	attempt := h.conn != nil && h.inspector.currentState().Kind == StateIdentified
	if !attempt {
		h.stopConnection()
	}
	h.conns++
	token := cfg.Token
	c := &connection{target: target, intents: intents, done: make(chan struct{}), scrub: func(s string) string {
		return strings.ReplaceAll(s, token, inspector.RedactedToken)
	}}
	c.held.on, c.held.id = attempt, h.conns
	cfg.Intents = intents
	cfg.Compress = client.CompressZlibStream
	cfg.ConnPrefix = fmt.Sprintf("inspector.%d", h.conns)
	cfg.Logger = h.log.With("stream", inspectorID, "target", target)
	cfg.Sink = func(f gateway.WireFrame) {
		if !c.hold(f) {
			h.record(c, f)
		}
	}
	cfg.OnState = func(s client.State) { h.clientState(c, s) }
	h.connected.Store(true)
	h.log.Info("inspector connecting", "target", target, "intents", intents.String())
	if attempt {
		h.pending = c
		h.setAttempt(&Attempt{ID: h.conns, Target: target, Kind: AttemptConnecting, Detail: attemptConnecting(target)})
	} else {
		h.conn = c
		h.inspector.setLabel(inspectorLabel(target))
		h.inspector.setState(State{Kind: StateConnecting, Target: target, Intents: intents.Names(), Detail: "Connecting to " + targetName(target) + "."})
	}

	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() {
		defer close(c.done)
		defer cancel()
		if target == TargetDiscord {
			// GET /gateway needs no token, so a wrong token reaches the
			// gateway and is refused there with 4004, which the panel
			// can explain, rather than failing early in REST.
			u, err := publicGatewayURL(ctx, h.discordREST)
			if err != nil {
				h.clientState(c, client.State{Kind: client.StateStopped, Err: err})
				return
			}
			cfg.GatewayURL = u
		}
		cl, err := client.New(cfg)
		if err != nil {
			h.clientState(c, client.State{Kind: client.StateStopped, Err: err})
			return
		}
		_ = cl.Run(ctx) // its end is reported through OnState
	}()
}

// record annotates one of c's frames into the inspector stream.
func (h *Hub) record(c *connection, f gateway.WireFrame) {
	rec := h.inspector.ingest(f)
	if rec.Close != nil && f.Dir == gateway.Recv {
		c.mu.Lock()
		cl := *rec.Close
		c.lastClose = &cl
		c.mu.Unlock()
	}
}

func inspectorLabel(target string) string {
	if target == TargetDiscord {
		return "the inspector on Discord"
	}
	return "the inspector on the sandbox"
}

func targetName(target string) string {
	if target == TargetDiscord {
		return "Discord's gateway"
	}
	return "the sandbox gateway"
}
