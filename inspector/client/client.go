package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// Client is one bot's gateway session, across as many connections as it
// takes. Make one with New and call Run once.
type Client struct {
	cfg     Config
	token   string            // bare, without "Bot "
	secrets inspector.Secrets // the token, kept out of logs and errors
	limiter *limiter

	sinkMu sync.Mutex
	conns  atomic.Int64

	// session survives connections: what Resume needs.
	sessionID string
	resumeURL string
	seq       atomic.Int64 // last s seen, 0 before any

	outbox chan outgoing
}

type outgoing struct {
	payload []byte
	done    chan error
}

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	cfg.withDefaults()
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
	if token == "" {
		return nil, errors.New("client: no token (set DISCORD_TOKEN, or use the sandbox)")
	}
	c := &Client{cfg: cfg, token: token, limiter: newLimiter(), outbox: make(chan outgoing)}
	c.secrets.Learn(token)
	c.cfg.Logger = slog.New(c.secrets.LogHandler(cfg.Logger.Handler()))
	return c, nil
}

// Run connects and keeps the session alive until ctx ends or the gateway
// closes with a code that must not be retried (then a *CloseError).
func (c *Client) Run(ctx context.Context) (err error) {
	defer func() {
		err = c.scrubErr(err)
		c.cfg.OnState(State{Kind: StateStopped, Time: time.Now(), Err: err})
	}()
	gwURL := c.cfg.GatewayURL
	if gwURL == "" {
		if gwURL, err = c.gatewayURL(ctx); err != nil {
			return err
		}
	}
	failures := 0
	for {
		url, resume := gwURL, c.sessionID != ""
		if resume && c.resumeURL != "" {
			url = c.resumeURL
		}
		out := c.runConn(ctx, url, resume)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if out.fatal != nil {
			return out.fatal
		}
		if !out.resume {
			c.sessionID, c.resumeURL = "", ""
			c.seq.Store(0)
		}
		wait := out.wait
		if out.healthy {
			failures = 0
		} else {
			failures++
			wait = max(wait, backoff(failures))
		}
		if wait > 0 {
			c.cfg.OnState(State{Kind: StateWaiting, Time: time.Now(), Wait: wait})
			c.cfg.Logger.Info("waiting before reconnecting", "wait", wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// backoff grows from 1 s to 30 s over failed connections in a row.
func backoff(failures int) time.Duration {
	d := time.Second << min(failures-1, 5)
	return min(d, 30*time.Second)
}

// gatewayURL asks the REST API where the gateway is.
func (c *Client) gatewayURL(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.RESTBase+"/gateway/bot", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bot "+c.token)
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/gatewaytour, 1) gatewaytour-inspector")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET /gateway/bot: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", &HTTPError{Status: resp.StatusCode, Body: c.scrub(strings.TrimSpace(string(body[:min(len(body), 300)])))}
	}
	var gb gateway.GatewayBot
	if err := json.Unmarshal(body, &gb); err != nil || gb.URL == "" {
		return "", fmt.Errorf("GET /gateway/bot: no gateway url in the answer")
	}
	c.cfg.Logger.Info("gateway url", "url", gb.URL, "shards", gb.Shards, "identifies_left", gb.SessionStartLimit.Remaining)
	return gb.URL, nil
}

// dialURL adds the version, encoding and compression to a gateway URL.
func (c *Client) dialURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("bad gateway url %q: %w", base, err)
	}
	q := u.Query()
	q.Set("v", "10")
	q.Set("encoding", "json")
	if compress := c.cfg.Compress.param(); compress != "" {
		q.Set("compress", compress)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Send queues a payload (a presence update, a member request…) on the live
// connection, respecting the gateway's send limit. It fails when no
// connection is up.
func (c *Client) Send(ctx context.Context, op gateway.Opcode, d any) error {
	p, err := gateway.NewPayload(op, d)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := c.limiter.wait(ctx); err != nil {
		return err
	}
	o := outgoing{payload: raw, done: make(chan error, 1)}
	select {
	case c.outbox <- o:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Second):
		return errors.New("client: no live connection to send on")
	}
	select {
	case err := <-o.done:
		return c.scrubErr(err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emit hands a frame to the sink, one at a time.
func (c *Client) emit(f gateway.WireFrame) {
	c.sinkMu.Lock()
	defer c.sinkMu.Unlock()
	c.cfg.Sink(f)
}

func (c *Client) scrub(s string) string { return c.secrets.RedactString(s) }

// scrubErr keeps the token out of errors, whatever produced them.
func (c *Client) scrubErr(err error) error {
	if err == nil {
		return err
	}
	if clean := c.scrub(err.Error()); clean != err.Error() {
		return errors.New(clean)
	}
	return err
}

func jitter(interval time.Duration) time.Duration {
	return time.Duration(rand.Float64() * float64(interval))
}
