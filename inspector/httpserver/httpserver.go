// Package httpserver builds and runs the one kind of HTTP server every
// gatewaytour command listens with: behind the Host guard, with timeouts
// that free a connection a client holds without using it.
package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"gatewaytour/inspector/hostguard"
)

// The bounds every connection lives within. The long-lived answers (the
// panel's event stream, the gateway's websockets) lift them for themselves:
// the event stream with a write deadline per write, the websocket upgrade by
// clearing the connection's deadlines once it is hijacked.
const (
	// ReadHeaderTimeout: a client has this long to send its request line
	// and headers.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout: ... and this long for the whole request, body included.
	// A recording import (the largest body, capped at tens of megabytes)
	// arrives over loopback in well under a second.
	ReadTimeout = 30 * time.Second
	// WriteTimeout: an answer must be written within this long of the
	// request's headers; the largest (an export of a full session) takes
	// a second or two.
	WriteTimeout = 60 * time.Second
	// IdleTimeout: a keep-alive connection with no request is closed.
	IdleTimeout = 30 * time.Second
	// ShutdownGrace is how long Run waits for open requests at shutdown.
	ShutdownGrace = 5 * time.Second
)

// Config is what a server needs.
type Config struct {
	Handler http.Handler
	// Listener is where the server will serve; its address (port 0
	// already resolved) is the Host the guard allows.
	Listener net.Listener
	// AllowHosts are other names (name or name:port) the server answers to.
	AllowHosts []string
	// Logger receives the server's own errors (a TLS probe, a bad request).
	Logger *slog.Logger
	// Timeouts replaces the package's when not nil (tests shorten them).
	Timeouts *Timeouts
}

// Timeouts are a server's connection bounds; see the constants.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// defaults are the timeouts every command's server uses.
var defaults = Timeouts{ReadHeader: ReadHeaderTimeout, Read: ReadTimeout, Write: WriteTimeout, Idle: IdleTimeout}

// New builds the server: the Host guard in front of the whole handler, and
// the read, write and idle timeouts.
func New(cfg Config) (*http.Server, error) {
	if cfg.Handler == nil || cfg.Listener == nil {
		return nil, errors.New("httpserver: a handler and a listener are required")
	}
	guard, err := hostguard.New(cfg.Listener.Addr(), cfg.AllowHosts)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := defaults
	if cfg.Timeouts != nil {
		t = *cfg.Timeouts
	}
	return &http.Server{
		Handler:           guard.Wrap(cfg.Handler),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, nil
}

// Run serves cfg until ctx ends, then shuts down gracefully (open
// requests get ShutdownGrace). It returns nil after a shutdown asked for by
// ctx, and the error when serving itself failed.
func Run(ctx context.Context, cfg Config) error {
	srv, err := New(cfg)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(cfg.Listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return &ShutdownError{Err: err}
	}
	return nil
}

// ShutdownError says connections were still open when the grace ran out;
// the server has stopped all the same.
type ShutdownError struct{ Err error }

func (e *ShutdownError) Error() string {
	return "connections were still open at shutdown: " + e.Err.Error()
}
func (e *ShutdownError) Unwrap() error { return e.Err }
