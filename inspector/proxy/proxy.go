// Package proxy passes a bot's traffic through to Discord unchanged while
// showing it: REST calls under /api/ are forwarded to the upstream, and the
// gateway websocket is relayed frame by frame, decoded (zlib-stream and
// zstd-stream included) for a sink. The only changes are the gateway
// addresses in GET /gateway, /gateway/bot and READY's resume_gateway_url,
// rewritten to the proxy's own so the bot keeps talking through it (resumes
// included). Because of that one rewrite, a zlib-stream connection carries
// the upstream's own bytes until READY and the proxy's re-compression of the
// same messages after it; a zstd-stream connection is the proxy's
// re-compression throughout. The token passing through is never logged and
// never reaches the sink: Authorization headers are not recorded, and the
// tokens seen there and in Identify/Resume are scrubbed from every frame.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// DefaultUpstream is Discord itself.
const DefaultUpstream = "https://discord.com"

// Config says where to forward and where frames go.
type Config struct {
	// Upstream is the REST origin, default "https://discord.com"; its
	// GET /api/v10/gateway names the gateway the proxy dials.
	Upstream string
	// Listen is the loopback address ListenAndServe uses (default
	// "127.0.0.1:8090").
	Listen string
	// Sink receives every frame both ways and every REST exchange, token
	// redacted. It is called from several goroutines, one call at a time.
	Sink func(gateway.WireFrame)
	// HTTPClient forwards REST calls (default: 60 s timeout, no redirects).
	HTTPClient *http.Client
	// Dialer dials the upstream gateway (default: 15 s handshake timeout).
	Dialer *websocket.Dialer
	Logger *slog.Logger
}

// Proxy is one pass-through proxy. Make it with New.
type Proxy struct {
	cfg      Config
	secrets  inspector.Secrets
	sinkMu   sync.Mutex
	connSeq  atomic.Int64
	upgrader websocket.Upgrader

	mu         sync.Mutex
	gatewayURL string         // the upstream's, learned once
	resumes    map[int]string // resume_gateway_url values seen in READY, by number
	resumeIDs  map[string]int
}

// New checks cfg and fills in defaults.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream == "" {
		cfg.Upstream = DefaultUpstream
	}
	cfg.Upstream = strings.TrimRight(cfg.Upstream, "/")
	if !strings.HasPrefix(cfg.Upstream, "https://") && !strings.HasPrefix(cfg.Upstream, "http://") {
		return nil, fmt.Errorf("proxy: upstream %q must be an http(s) URL", cfg.Upstream)
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:8090"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &websocket.Dialer{HandshakeTimeout: 15 * time.Second, Proxy: http.ProxyFromEnvironment}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Proxy{cfg: cfg, resumes: map[int]string{}, resumeIDs: map[string]int{}}
	// Every log line goes through the tokens seen so far.
	p.cfg.Logger = slog.New(p.secrets.LogHandler(cfg.Logger.Handler()))
	return p, nil
}

// Handler serves REST under /api/ and the gateway at /gateway (and
// /gateway/, and /gateway/resume/N for resumes).
func (p *Proxy) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", p.serveREST)
	mux.HandleFunc("/gateway", p.serveGateway)
	mux.HandleFunc("/gateway/", p.serveGateway)
	return mux
}

// ListenAndServe serves on cfg.Listen, which must be a loopback address,
// until ctx ends. ready, if not nil, is called with the bound address.
func (p *Proxy) ListenAndServe(ctx context.Context, ready func(net.Addr)) error {
	host, _, err := net.SplitHostPort(p.cfg.Listen)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("proxy: %s is not a loopback address; the proxy carries a bot token and serves 127.0.0.1 only", p.cfg.Listen)
	}
	ln, err := net.Listen("tcp", p.cfg.Listen)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(p.cfg.Logger.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		return nil
	}
}

// emit hands a frame to the sink with every known token scrubbed.
func (p *Proxy) emit(f gateway.WireFrame) {
	if p.cfg.Sink == nil {
		return
	}
	f.Data = p.secrets.Redact(f.Data)
	if f.Close != nil {
		cf := *f.Close
		cf.Reason = p.secrets.RedactString(cf.Reason)
		f.Close = &cf
	}
	f.Error = p.secrets.RedactString(f.Error)
	p.sinkMu.Lock()
	defer p.sinkMu.Unlock()
	p.cfg.Sink(f)
}

// proxyGatewayURL is the proxy's own gateway address as the bot reached it.
func proxyGatewayURL(r *http.Request) string {
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	return scheme + "://" + r.Host + "/gateway"
}

// resumePath registers an upstream resume URL and returns the proxy path
// standing for it. Only URLs seen in READY can be dialled this way, so the
// proxy cannot be made to connect anywhere else.
func (p *Proxy) resumePath(upstream string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.resumeIDs[upstream]
	if !ok {
		id = len(p.resumes) + 1
		p.resumes[id], p.resumeIDs[upstream] = upstream, id
	}
	return fmt.Sprintf("/gateway/resume/%d", id)
}

func (p *Proxy) resumeTarget(id int) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.resumes[id]
	return u, ok
}

var errNoGateway = errors.New("proxy: the upstream did not say where its gateway is")
