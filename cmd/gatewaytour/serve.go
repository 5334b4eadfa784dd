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
	"time"

	"gatewaytour/inspector/demobot"
	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
	"gatewaytour/lessons"
	"gatewaytour/web"
)

// helloIdle ends a hello-world walk whose tab went quiet without saying
// goodbye, closing its bot's connection.
const helloIdle = 15 * time.Minute

// runServe serves until Ctrl-C or SIGTERM.
func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	return serve(ctx, args, stdout, stderr)
}

// serve parses the serve flags, starts the server and shuts it down
// gracefully when ctx ends.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gatewaytour serve", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on; keep it on loopback: the page may hold a bot token")
	allowHosts := allowHostFlag(flags)
	open := flags.Bool("open", false, "open the course in the default browser")
	var sf sandboxFlags
	sf.register(flags)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "gatewaytour serve: unexpected argument %q\n", flags.Arg(0))
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	course, err := lessons.Load()
	if err != nil {
		log.Error("the course could not be loaded", "err", err)
		return 1
	}
	// Listen first: the hello-world stepper's bots and the hub's REST calls
	// need the server's own address, known once the port is.
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		if sentence, ok := busyPortSentence(*addr, err); ok {
			fmt.Fprintln(stderr, "gatewaytour: "+sentence)
			return 1
		}
		log.Error("cannot listen", "addr", *addr, "err", err)
		return 1
	}
	defer listener.Close()
	warnIfExposed(stderr, *addr)
	url := browserURL(listener.Addr())

	sb := sandbox.New(sf.config())
	defer sb.Close()
	// The hub holds the panel's streams: its own connection (to the sandbox
	// by default, or to Discord with a token typed into the page), every
	// other bot on the sandbox, and recordings. It closes before the sandbox.
	hub := live.New(live.Config{Sandbox: sb, Logger: log})
	defer hub.Close()
	// The sandbox's REST API is on this very server.
	hub.SetSandboxREST(url + "api/v10")
	// The hello-world lesson's stepper: one walk per browser tab, each a bot
	// of its own on this server's sandbox. Walks close before the hub.
	walks := hello.NewWalks(hello.Config{BaseURL: strings.TrimSuffix(url, "/"), Sandbox: sb}, helloIdle)
	defer walks.Close()
	site, err := web.New(web.Config{Course: course, Live: hub, Logger: log, Hello: walks})
	if err != nil {
		log.Error("the pages could not be built", "err", err)
		return 1
	}
	mountSandbox(site.Mount, sb)
	site.ServeExperiments(experiment.New(sb, hub, func() string { return "ws" + strings.TrimPrefix(url, "http") + "gateway" }))
	// The built-in demo bot answers /hello and /roll while no other bot is
	// connected (inspector/demobot); the guild view can turn it off.
	demo := &demobot.Supervisor{API: url + "api/v10", Token: sandbox.Token, Others: demobot.OtherBots(sb), Logger: log}
	go demo.Run(ctx)
	site.Mount("/sandbox/demobot", demo.Handler())

	fmt.Fprintf(stdout, "gatewaytour is serving the course at %s\n", url)
	fmt.Fprintf(stdout, "The sandbox, a local Discord, is on the same port; to watch your own bot in the panel, point it there:\n\n%s\n",
		sandbox.Recipe(strings.TrimSuffix(url, "/")))

	if *open {
		if err := openBrowser(url); err != nil {
			log.Warn("could not open the browser; open the address yourself", "url", url, "err", err)
		}
	}
	// Open panel tabs hold event streams; end them when shutdown begins.
	context.AfterFunc(ctx, site.CloseStreams)
	return serveUntilDone(ctx, listener, site, *allowHosts, log, stderr)
}

// warnIfExposed says loudly when the server can be reached from other
// machines: the page may hold a bot token.
func warnIfExposed(stderr io.Writer, addr string) {
	if isLoopback(addr) {
		return
	}
	fmt.Fprintf(stderr, "WARNING: listening on %s, which is not a loopback address.\n"+
		"The page will hold a bot token, and anyone who can reach this address can use it.\n"+
		"Use -addr 127.0.0.1:PORT unless you really mean to share it.\n", addr)
}

// isLoopback reports whether a listen address only accepts connections from
// this machine. An empty host ("":8080) listens on every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// browserURL is the address to print and open. A wildcard listen address is
// reachable on loopback, which is the one to give the reader.
func browserURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/"
}
