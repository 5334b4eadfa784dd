// Command gatewaytour serves the course on how Discord bots work, with a
// live panel of gateway frames, on 127.0.0.1.
//
//	gatewaytour [serve] [-addr 127.0.0.1:8080] [-open]
//	gatewaytour sandbox [-addr 127.0.0.1:8080]
//	gatewaytour watch [--json] [-v] [--sandbox] [--intents LIST]
//	gatewaytour proxy [-addr 127.0.0.1:8090] [-upstream https://discord.com] [-json] [-v]
//
// main only parses flags and wires packages together; the behaviour lives in
// the packages (web, lessons, inspector).
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `gatewaytour: learn how Discord bots talk to Discord.

Usage:
  gatewaytour [serve] [flags]   serve the course in the browser (default)
  gatewaytour sandbox [flags]   serve only the sandbox, a local Discord your own bot can log in to
  gatewaytour watch [flags]     annotated gateway frames in the terminal
  gatewaytour proxy [flags]     pass your own bot's traffic through to Discord and watch it
  gatewaytour help              show this text

Run "gatewaytour <command> -h" for the flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run picks the subcommand and returns the process exit code. A first
// argument that is a flag means the default subcommand, serve.
func run(args []string, stdout, stderr io.Writer) int {
	command := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	switch command {
	case "serve":
		return runServe(args, stdout, stderr)
	case "sandbox":
		return runSandbox(args, stdout, stderr)
	case "watch":
		return runWatch(args, stdout, stderr)
	case "proxy":
		return runProxy(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gatewaytour: unknown command %q\n\n%s", command, usage)
		return 2
	}
}
