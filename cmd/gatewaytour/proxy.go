package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hostguard"
	"gatewaytour/inspector/httpserver"
	"gatewaytour/inspector/proxy"
	"gatewaytour/inspector/watch"
)

// runProxy passes a bot's traffic through to Discord (or another upstream)
// and prints every frame, annotated, as it goes by.
func runProxy(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveProxy(ctx, args, stdout, stderr)
}

// serveProxy runs the proxy until ctx ends.
func serveProxy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gatewaytour proxy", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8090", "loopback address the proxy listens on; point your bot here")
	upstream := flags.String("upstream", proxy.DefaultUpstream, "where REST calls and the gateway really go")
	asJSON := flags.Bool("json", false, "print NDJSON frame records instead of lines")
	verbose := flags.Bool("v", false, "add notes, terms and the pretty-printed payload to each frame")
	color := flags.String("color", "auto", "colour the output: auto, always or never")
	allowHosts := allowHostFlag(flags)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	// A generous buffer: the sink must never hold up the bot's traffic,
	// so a frame the terminal cannot keep up with is dropped and counted.
	frames := make(chan gateway.WireFrame, 8192)
	var dropped atomic.Int64
	out := &lockedWriter{w: stdout}
	p, err := proxy.New(proxy.Config{Upstream: *upstream, Listen: *addr, Logger: log, Sink: func(f gateway.WireFrame) {
		select {
		case frames <- f:
		default:
			dropped.Add(1)
		}
	}})
	if err != nil {
		fmt.Fprintf(stderr, "gatewaytour proxy: %v\n", err)
		return 2
	}
	// The proxy carries a bot token: it serves loopback only, and answers
	// only requests addressed to it (a rebinding page gets 421).
	if !isLoopback(*addr) {
		fmt.Fprintf(stderr, "gatewaytour proxy: %s is not a loopback address; the proxy carries a bot token and serves 127.0.0.1 only\n", *addr)
		return 2
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "gatewaytour proxy: %v\n", err)
		return 1
	}
	fmt.Fprint(stderr, proxyRecipe(strings.TrimSuffix(browserURL(listener.Addr()), "/"), *upstream))
	served := make(chan error, 1)
	go func() {
		served <- httpserver.Run(ctx, httpserver.Config{Handler: p.Handler(), Listener: listener, AllowHosts: hostguard.ParseList(*allowHosts), Logger: log})
	}()
	watched := make(chan error, 1)
	go func() {
		watched <- watch.Run(ctx, watch.Options{Frames: frames, JSON: *asJSON, Verbose: *verbose, Color: wantColor(*color, stdout)}, out)
	}()
	select {
	case err := <-served:
		if err != nil && !errors.As(err, new(*httpserver.ShutdownError)) {
			fmt.Fprintf(stderr, "gatewaytour proxy: %v\n", err)
			return 1
		}
	case <-ctx.Done():
		<-served
	}
	stop()
	<-watched
	if n := dropped.Load(); n > 0 {
		fmt.Fprintf(stderr, "gatewaytour proxy: %d frames were not shown because the terminal fell behind\n", n)
	}
	return 0
}

// proxyRecipe says how to point discord.py and discordgo at the proxy.
func proxyRecipe(base, upstream string) string {
	py, golang := gateway.LibrarySnippets(base)
	return fmt.Sprintf(`The proxy is serving at %s and passes everything through to %s.
Your token only passes through memory: it is never logged, and every frame shown has it redacted.

discord.py — put these lines before bot.run(...):

%s
discordgo — set these package variables before session.Open():

%s
Then run your bot with its usual token. Frames appear below as they pass.

`, base, upstream, py, golang)
}

// lockedWriter lets the REST lines and watch's frame lines share stdout.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
