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
	"syscall"

	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hostguard"
	"gatewaytour/inspector/httpserver"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/inspector/watch"
)

// runWatch prints annotated frames in the terminal: the sandbox's by default,
// the real gateway's when DISCORD_TOKEN is set.
func runWatch(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gatewaytour watch", flag.ContinueOnError)
	flags.SetOutput(stderr)
	asJSON := flags.Bool("json", false, "print NDJSON frame records instead of lines")
	verbose := flags.Bool("v", false, "add notes, terms and the pretty-printed payload to each frame")
	useSandbox := flags.Bool("sandbox", false, "watch the built-in sandbox even when DISCORD_TOKEN is set")
	bots := flags.Bool("bots", false, "with the sandbox: show every bot that connects to it instead of connecting one")
	addr := flags.String("addr", "127.0.0.1:0", "with the sandbox: where it listens (use 127.0.0.1:8080 to point your own bot at it)")
	intentList := flags.String("intents", "default", `intents to identify with, by name ("guilds,guild_messages,message_content", "default", "all")`)
	noCompress := flags.Bool("no-compress", false, "ask for plain text frames instead of zlib-stream")
	color := flags.String("color", "auto", "colour the output: auto, always or never")
	allowHosts := allowHostFlag(flags)
	experiments := flags.String("experiment", "", "with the sandbox: run these experiments (comma-separated, e.g. zombie,reconnect) on the inspector's connection and explain them, then exit")
	keys := flags.Bool("keys", false, "with the sandbox: read experiment names from standard input, one a line (? lists them)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	intents, err := gateway.ParseIntents(*intentList)
	if err != nil {
		fmt.Fprintf(stderr, "gatewaytour watch: -intents: %v\n", err)
		return 2
	}
	opts := watch.Options{
		Token:      os.Getenv("DISCORD_TOKEN"),
		Intents:    intents,
		NoCompress: *noCompress,
		JSON:       *asJSON,
		Verbose:    *verbose,
		Color:      wantColor(*color, stdout),
		Logger:     slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if opts.Token == "" || *useSandbox {
		sb := sandbox.New(sandbox.Config{Activity: true})
		defer sb.Close()
		listener, err := net.Listen("tcp", *addr)
		if err != nil {
			fmt.Fprintf(stderr, "gatewaytour watch: cannot start the sandbox: %v\n", err)
			return 1
		}
		server, err := httpserver.New(httpserver.Config{Handler: sb.Handler(), Listener: listener, AllowHosts: hostguard.ParseList(*allowHosts)})
		if err != nil {
			fmt.Fprintf(stderr, "gatewaytour watch: %v\n", err)
			return 2
		}
		go server.Serve(listener)
		defer server.Close()
		base := strings.TrimSuffix(browserURL(listener.Addr()), "/")
		opts.Sandbox, opts.RESTBase, opts.Token = true, base+"/api/v10", sandbox.Token
		if !flagSet(flags, "intents") {
			// The sandbox app has every privileged intent enabled, so show
			// everything, message content included.
			opts.Intents = gateway.AllIntents
		}
		if *experiments != "" || *keys {
			return runWatchExperiments(ctx, sb, base, opts, *experiments, *keys, stdout, stderr)
		}
		if *bots {
			frames, cancel := sb.Observe(4096)
			defer cancel()
			opts.Frames = frames
			fmt.Fprintf(stderr, "Watching every bot that connects to the sandbox at %s\n\n%s\n", base, sandbox.Recipe(base))
		}
	}
	if err := watch.Run(ctx, opts, stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "gatewaytour watch: %v\n", err)
		return 1
	}
	return 0
}

func flagSet(flags *flag.FlagSet, name string) bool {
	set := false
	flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// wantColor resolves -color auto to "is stdout a terminal".
func wantColor(mode string, out io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := out.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// runWatchExperiments is watch with -experiment or -keys: the inspector's
// connection through the same hub and experiment engine as the page.
func runWatchExperiments(ctx context.Context, sb *sandbox.Server, base string, opts watch.Options, names string, keys bool, stdout, stderr io.Writer) int {
	hub := live.New(live.Config{Sandbox: sb, SandboxREST: base + "/api/v10", Logger: opts.Logger})
	defer hub.Close()
	eng := experiment.New(sb, hub, func() string { return "ws" + strings.TrimPrefix(base, "http") + "/gateway" })
	eo := watch.ExperimentOptions{Hub: hub, Engine: eng, Intents: opts.Intents, Verbose: opts.Verbose, Color: opts.Color}
	if names != "" {
		eo.Names = strings.Split(names, ",")
	}
	if keys {
		eo.Keys = os.Stdin
	}
	if err := watch.RunExperiments(ctx, eo, stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "gatewaytour watch: %v\n", err)
		return 1
	}
	return 0
}
