// Package watch shows annotated gateway frames in a terminal, one line per
// frame, or as NDJSON records for other tools.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// Options says what to watch and how to show it.
type Options struct {
	// Sandbox says RESTBase is the built-in sandbox's; it only changes the
	// banner. The caller starts the sandbox and fills in RESTBase and Token.
	Sandbox bool
	// RESTBase is the API base URL ("" = Discord's).
	RESTBase string
	// GatewayURL, if set, skips GET /gateway/bot.
	GatewayURL string
	// Token is the bot token (from DISCORD_TOKEN); it is redacted in
	// everything watch prints.
	Token string
	// Intents to identify with; gateway.ParseIntents reads them from a flag.
	Intents gateway.Intents
	// NoCompress receives plain text frames instead of zlib-stream.
	NoCompress bool
	// Frames, if set, is watched instead of running a client: for example
	// a sandbox's Observe channel, showing every bot connected to it.
	Frames <-chan gateway.WireFrame
	// JSON prints NDJSON records instead of lines.
	JSON bool
	// Verbose adds notes, terms and the pretty-printed payload to each line.
	Verbose bool
	// Color uses ANSI colours.
	Color bool
	// Logger receives the client's log (default: none).
	Logger *slog.Logger
}

// terminalHistory is how many records watch holds: none are shown again.
const terminalHistory = 64

// Run shows frames until ctx ends (then it returns nil), the frames channel
// closes, or the client stops with an error (then it returns the error,
// which never holds the token).
func Run(ctx context.Context, opts Options, out io.Writer) error {
	// The terminal keeps no history; the session is there for the one
	// ingest path (annotation, redaction, numbering), so a small ring does.
	session := inspector.NewSession(terminalHistory)
	secrets := session.Secrets()
	secrets.Learn(opts.Token)
	var mu sync.Mutex
	show := func(f gateway.WireFrame) {
		mu.Lock()
		defer mu.Unlock()
		r := session.Ingest(f)
		if opts.JSON {
			_ = inspector.WriteRecord(out, r)
			return
		}
		io.WriteString(out, Line(r, opts.Color)+"\n")
		if opts.Verbose {
			io.WriteString(out, Detail(r, opts.Color))
		}
	}
	say := func(format string, args ...any) {
		if opts.JSON {
			return // NDJSON output holds records only
		}
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(out, paint(opts.Color, dim, secrets.RedactString("— "+fmt.Sprintf(format, args...)))+"\n")
	}
	if opts.Frames != nil {
		say("watching every frame")
		for {
			select {
			case f, ok := <-opts.Frames:
				if !ok {
					return nil
				}
				show(f)
			case <-ctx.Done():
				return nil
			}
		}
	}
	compress := client.CompressZlibStream
	if opts.NoCompress {
		compress = client.CompressNone
	}
	cl, err := client.New(client.Config{
		RESTBase: opts.RESTBase, GatewayURL: opts.GatewayURL, Token: opts.Token, Intents: opts.Intents,
		Compress: compress, Sink: show, Logger: opts.Logger,
		OnState: func(s client.State) { say("%s", describeState(s)) },
	})
	if err != nil {
		return err
	}
	where := "Discord"
	if opts.Sandbox {
		where = "the sandbox"
	}
	say("connecting to %s with intents %s", where, opts.Intents)
	err = cl.Run(ctx)
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return nil
	}
	if err != nil && secrets.RedactString(err.Error()) != err.Error() {
		return errors.New(secrets.RedactString(err.Error()))
	}
	return err
}

func describeState(s client.State) string {
	switch s.Kind {
	case client.StateConnecting:
		return fmt.Sprintf("%s: connecting to %s", s.Conn, s.URL)
	case client.StateClosed:
		by := "server"
		if s.ByClient {
			by = "client"
		}
		return fmt.Sprintf("%s: closed by the %s with %d: %s", s.Conn, by, s.Code, s.Meaning)
	case client.StateWaiting:
		return fmt.Sprintf("waiting %s before connecting again", s.Wait.Round(1e6))
	case client.StateStopped:
		if s.Err != nil {
			return "stopped: " + s.Err.Error()
		}
		return "stopped"
	case client.StateReady, client.StateResumed, client.StateResuming:
		return fmt.Sprintf("%s: %s (session %s)", s.Conn, s.Kind, s.SessionID)
	}
	return fmt.Sprintf("%s: %s", s.Conn, s.Kind)
}
