// Package client is the inspector's own gateway client: it logs a bot in to
// Discord (or to the sandbox), keeps the connection alive the way the
// documentation asks (jittered heartbeats, zombie detection, resume, fresh
// identify) and hands every frame it sends or receives to a sink, so the
// inspector can annotate them.
package client

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// DefaultRESTBase is Discord's API; the sandbox's is "http://HOST:PORT/api/v10".
const DefaultRESTBase = "https://discord.com/api/v10"

// Peer is how the inspector's own connections are named in frames.
const Peer = "gatewaytour inspector"

// Compression chooses the transport compression.
type Compression int

const (
	// CompressZlibStream (the default) asks for compress=zlib-stream.
	CompressZlibStream Compression = iota
	// CompressNone receives plain text frames.
	CompressNone
	// CompressZstdStream asks for compress=zstd-stream, as discord.py 2.7
	// does where a zstd module is installed.
	CompressZstdStream
)

// param is the gateway URL's compress value, "" for none.
func (c Compression) param() string {
	switch c {
	case CompressZlibStream:
		return gateway.CompressZlibStream
	case CompressZstdStream:
		return gateway.CompressZstdStream
	}
	return ""
}

// Config says where to connect and as whom. Only Token is required.
type Config struct {
	RESTBase string
	// GatewayURL skips GET /gateway/bot and dials this URL directly.
	GatewayURL string
	Token      string
	Intents    gateway.Intents
	Compress   Compression
	Properties gateway.IdentifyProperties
	// MaxInflated caps one decompressed message (default 64 MiB).
	MaxInflated int
	// Sink receives every frame sent or received, in order. It is called
	// from the client's goroutines one at a time and should return quickly.
	Sink func(gateway.WireFrame)
	// OnState is told about every change of state. It is called
	// synchronously from Run, before the client acts on the change.
	OnState func(State)
	Logger  *slog.Logger
	// HTTPClient fetches GET /gateway/bot (default: 15 s timeout).
	HTTPClient *http.Client
	// ConnPrefix names connections "<prefix>-1", "<prefix>-2", … (default
	// "inspector").
	ConnPrefix string
}

func (c *Config) withDefaults() {
	if c.RESTBase == "" {
		c.RESTBase = DefaultRESTBase
	}
	c.RESTBase = strings.TrimRight(c.RESTBase, "/")
	if c.Properties == (gateway.IdentifyProperties{}) {
		c.Properties = gateway.IdentifyProperties{OS: runtime.GOOS, Browser: Peer, Device: Peer}
	}
	if c.MaxInflated <= 0 {
		c.MaxInflated = 64 << 20
	}
	if c.Sink == nil {
		c.Sink = func(gateway.WireFrame) {}
	}
	if c.OnState == nil {
		c.OnState = func(State) {}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.ConnPrefix == "" {
		c.ConnPrefix = "inspector"
	}
}

// StateKind names what the client is doing.
type StateKind string

const (
	StateConnecting  StateKind = "connecting"
	StateIdentifying StateKind = "identifying"
	StateReady       StateKind = "identified" // READY arrived
	StateResuming    StateKind = "resuming"
	StateResumed     StateKind = "resumed" // RESUMED arrived
	StateClosed      StateKind = "closed"  // one connection ended
	StateWaiting     StateKind = "waiting" // pausing before the next connection
	StateStopped     StateKind = "stopped" // Run returned
)

// State is one change of state. Close fields are set on StateClosed.
type State struct {
	Kind StateKind
	Conn string
	Time time.Time
	// URL is the gateway URL on StateConnecting.
	URL string
	// SessionID is set on StateReady and StateResuming.
	SessionID string
	// Code, Meaning and ByClient describe a close; Code is 1006 when the
	// connection dropped without a close frame.
	Code     gateway.CloseCode
	Meaning  string
	ByClient bool
	// Wait is the pause on StateWaiting.
	Wait time.Duration
	// Err explains StateStopped and some closes.
	Err error
}

// CloseError stops Run when the gateway closed with a code that must not
// be retried (4004, 4010–4014): retrying would fail the same way.
type CloseError struct {
	Code gateway.CloseCode
	Info gateway.CloseInfo
}

func (e *CloseError) Error() string {
	return "the gateway closed the connection: " + inspector.ExplainClose(e.Code, "", gateway.Recv).Sentence()
}

// HTTPError is a failed GET /gateway/bot.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	hint := ""
	if e.Status == http.StatusUnauthorized {
		hint = " (the token was not accepted)"
	}
	return fmt.Sprintf("GET /gateway/bot: HTTP %d%s: %s", e.Status, hint, e.Body)
}
