package watch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/experiment"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
)

// ExperimentOptions is a terminal session that fires the lessons'
// experiments: the inspector's own connection on the sandbox, followed
// through the same hub the panel reads, its frames printed as Run prints
// them and each experiment's observed steps printed after its frames.
type ExperimentOptions struct {
	Hub    *live.Hub
	Engine *experiment.Engine
	// Intents the inspector logs in with.
	Intents gateway.Intents
	// Names are run first, in order.
	Names []string
	// Keys, if set, is read for more experiment names, one a line ("?"
	// lists them); the session ends at its end. Without Keys it ends once
	// Names have run.
	Keys    io.Reader
	Verbose bool
	Color   bool
}

// RunExperiments runs the session until ctx ends or the experiments are
// done. An experiment that fails is reported and the session goes on.
func RunExperiments(ctx context.Context, opts ExperimentOptions, out io.Writer) error {
	for _, n := range opts.Names {
		if _, ok := experiment.Lookup(n); !ok {
			return fmt.Errorf("no experiment %q: the experiments are %s", n, strings.Join(experiment.Names(), ", "))
		}
	}
	if err := opts.Hub.ConnectSandbox(opts.Intents); err != nil {
		return err
	}
	st, _ := opts.Hub.Stream(experiment.InspectorStream)
	p := &printer{out: out, color: opts.Color, verbose: opts.Verbose}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.follow(ctx, st.Session())
	}()
	defer wg.Wait()
	defer cancel()

	if err := waitLoggedIn(ctx, st); err != nil {
		return err
	}
	for _, n := range opts.Names {
		p.run(ctx, opts.Engine, n)
	}
	if opts.Keys == nil {
		return nil
	}
	p.say("type an experiment's name and Enter to run it (? lists them)")
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(opts.Keys)
		for sc.Scan() {
			select {
			case lines <- strings.TrimSpace(sc.Text()):
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			switch {
			case !ok:
				return nil
			case line == "":
			case line == "?" || line == "help":
				for _, s := range experiment.All() {
					p.say("%-26s %s", s.Name, s.Promise)
				}
			default:
				p.run(ctx, opts.Engine, line)
			}
		}
	}
}

// waitLoggedIn waits for the inspector's first READY.
func waitLoggedIn(ctx context.Context, st *live.Stream) error {
	for {
		info := st.Info()
		if info.State.Kind == live.StateIdentified {
			return nil
		}
		if info.State.Kind == live.StateStopped || (info.State.Kind == live.StateClosed && info.State.Close != nil && !info.State.Close.Reconnect) {
			return errors.New("the inspector could not log in to the sandbox: " + info.State.Detail)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// printer writes frames and explanations to one terminal, in order.
type printer struct {
	out     io.Writer
	color   bool
	verbose bool

	mu      sync.Mutex
	printed int64 // records printed so far
}

func (p *printer) follow(ctx context.Context, sess *inspector.Session) {
	sub := sess.Subscribe(0)
	for {
		r, err := sub.Next(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			continue // a gap: the ring moved on; carry on from where it is
		}
		p.mu.Lock()
		io.WriteString(p.out, Line(r, p.color)+"\n")
		if p.verbose {
			io.WriteString(p.out, Detail(r, p.color))
		}
		p.printed = r.Index + 1
		p.mu.Unlock()
	}
}

func (p *printer) say(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, paint(p.color, dim, "— "+format)+"\n", args...)
}

// run fires one experiment and prints its steps once their frames are out.
func (p *printer) run(ctx context.Context, eng *experiment.Engine, name string) {
	spec, ok := experiment.Lookup(name)
	if !ok {
		p.say("no experiment %q (? lists them)", name)
		return
	}
	p.say("experiment %s: %s", spec.Name, spec.Promise)
	res, err := eng.Run(ctx, name, experiment.InspectorStream)
	last := int64(-1)
	for _, s := range res.Steps {
		if s.Stream == experiment.InspectorStream {
			last = max(last, s.Index)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		done := p.printed > last
		p.mu.Unlock()
		if done {
			break
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(res.Steps) > 0 {
		fmt.Fprintf(p.out, "%s\n", paint(p.color, bold, "what happened, on "+res.Target+":"))
	}
	for i, s := range res.Steps {
		where := fmt.Sprintf("#%d", s.Index)
		if s.Stream != experiment.InspectorStream {
			where = s.Stream + " " + where
		}
		fmt.Fprintf(p.out, "  %d. %s  %s\n", i+1, s.Text, paint(p.color, dim, "("+where+")"))
	}
	if err != nil {
		fmt.Fprintf(p.out, "  the experiment stopped: %s\n", err)
	}
}
