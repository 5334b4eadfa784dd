package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/web"
)

// privilegedFlag reads which privileged intents the sandbox app has
// "enabled in the portal", so a learner can switch one off and meet 4014.
type privilegedFlag struct{ intents gateway.Intents }

func (p *privilegedFlag) String() string {
	if p.intents == 0 {
		return "GUILD_MEMBERS,GUILD_PRESENCES,MESSAGE_CONTENT"
	}
	if p.intents == sandbox.PrivilegedNone {
		return "none"
	}
	return strings.ReplaceAll(p.intents.String(), "|", ",")
}

func (p *privilegedFlag) Set(s string) error {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		p.intents = sandbox.PrivilegedNone
		return nil
	}
	in, err := gateway.ParseIntents(s)
	if err != nil {
		return err
	}
	if extra := in &^ gateway.PrivilegedIntents; extra != 0 {
		return fmt.Errorf("%s are not privileged intents", extra)
	}
	if in == 0 {
		in = sandbox.PrivilegedNone
	}
	p.intents = in
	return nil
}

// sandboxFlags are the settings shared by serve and sandbox.
type sandboxFlags struct {
	privileged privilegedFlag
	heartbeat  time.Duration
	quiet      bool
}

func (f *sandboxFlags) register(flags *flag.FlagSet) {
	flags.Var(&f.privileged, "privileged", `privileged intents the sandbox app has enabled, by name (all three unless set; "none" to meet close 4014)`)
	flags.DurationVar(&f.heartbeat, "heartbeat", 41250*time.Millisecond, "heartbeat_interval the sandbox sends in Hello")
	flags.BoolVar(&f.quiet, "quiet", false, "no scripted chatter in the sandbox guild")
}

func (f *sandboxFlags) config() sandbox.Config {
	return sandbox.Config{
		HeartbeatInterval: f.heartbeat,
		EnabledPrivileged: f.privileged.intents,
		Activity:          !f.quiet,
	}
}

// mountSandbox puts the sandbox's REST API, gateway and controls on mux.
func mountSandbox(mount func(pattern string, h http.Handler), sb *sandbox.Server) {
	h := sb.Handler()
	for _, pattern := range []string{"/api/", "/gateway", "/gateway/", "/sandbox/"} {
		mount(pattern, h)
	}
}

// runSandbox serves the sandbox alone and prints how to point a bot at it.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gatewaytour sandbox", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	var sf sandboxFlags
	sf.register(flags)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, nil))

	sb := sandbox.New(sf.config())
	defer sb.Close()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		if sentence, ok := busyPortSentence(*addr, err); ok {
			fmt.Fprintln(stderr, "gatewaytour sandbox: "+sentence)
			return 1
		}
		log.Error("cannot listen", "addr", *addr, "err", err)
		return 1
	}
	warnIfExposed(stderr, *addr)
	base := strings.TrimSuffix(browserURL(listener.Addr()), "/")
	fmt.Fprintf(stdout, "The sandbox, a local Discord, is serving at %s\n\n%s\n", base, web.JoinRecipe(base))
	return serveUntilDone(ctx, listener, sb.Handler(), log, stderr)
}

// serveUntilDone serves h on listener until ctx ends, then shuts down
// gracefully.
func serveUntilDone(ctx context.Context, listener net.Listener, h http.Handler, log *slog.Logger, stderr io.Writer) int {
	server := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// No write timeout: the live panel and the sandbox hold websockets open.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		log.Error("the server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "shutting down…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		log.Warn("connections were still open at shutdown", "err", err)
	}
	return 0
}
