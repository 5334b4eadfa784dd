// Package experiment makes the protocol events the lessons talk about happen
// on demand: it turns a named experiment into a few sandbox controls aimed at
// one stream (the inspector's own connection, or a learner's bot on the
// sandbox), then watches that stream's records and reports, step by step,
// what the frames actually show. Every sentence of a report is built from an
// observed record's op, t, s and close fields; an expected frame that never
// comes is an error, not a canned story.
//
// One experiment runs at a time on a target (a second press is refused with
// ErrBusy), each has a deadline, and whatever it switched (portal switches,
// the inspector's intents) is switched back by defer, so the stream is left
// as it was found: connected, identified or resumed, with its settings.
package experiment

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// Deadline bounds one experiment, restoring included: the lessons promise
// the whole effect within 15 seconds, and the rest is margin for a slow
// library's reconnect.
const Deadline = 25 * time.Second

// Step is one observed moment of an experiment: the record that shows it and
// a sentence about it.
type Step struct {
	Stream string `json:"stream"`
	Index  int64  `json:"index"`
	Text   string `json:"text"`
}

// Result is what an experiment saw.
type Result struct {
	Experiment string `json:"experiment"`
	Title      string `json:"title"`
	// Target names the stream the experiment acted on, for the reader.
	Target string `json:"target"`
	Stream string `json:"stream"`
	Steps  []Step `json:"steps"`
	// Summary is the steps' sentences joined by arrows.
	Summary string `json:"summary"`
}

// ErrBusy is returned when an experiment already runs on the target.
type ErrBusy struct{ Running, Target string }

func (e *ErrBusy) Error() string {
	return fmt.Sprintf("the %q experiment is still running on %s; wait for it to finish (at most %d s)", e.Running, e.Target, int(Deadline.Seconds()))
}

// ErrUnknown is returned for an experiment name that does not exist.
var ErrUnknown = errors.New("no such experiment")

// Engine runs experiments against one sandbox and the hub that watches it.
type Engine struct {
	sb  *sandbox.Server
	hub *live.Hub
	// gatewayURL is where probes dial the sandbox (ws://127.0.0.1:port/gateway).
	gatewayURL func() string

	mu      sync.Mutex
	running map[string]string // target key → experiment name
	// The stream of the experiments' own connections, made on first use.
	probeID   string
	probeSink func(gateway.WireFrame)
}

// New builds an engine. gatewayURL reports the sandbox's websocket URL once
// the program knows its port.
func New(sb *sandbox.Server, hub *live.Hub, gatewayURL func() string) *Engine {
	return &Engine{sb: sb, hub: hub, gatewayURL: gatewayURL, running: map[string]string{}}
}

// Run performs experiment name on the target stream ("" or "inspector" for
// the inspector's own connection, else a sandbox bot's stream id). It is
// not cut short by ctx ending (a closed tab): an experiment half done would
// leave a switch flipped, so it always runs to its end or its deadline and
// restores what it changed.
func (e *Engine) Run(ctx context.Context, name, stream string) (Result, error) {
	spec, ok := Lookup(name)
	if !ok {
		return Result{}, fmt.Errorf("%w %q: the experiments are %s", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	var tg target
	if spec.probe {
		// Probes open their own connection, whatever stream is chosen; one
		// at a time keeps their shared stream readable.
		tg = target{key: "probe", label: "the experiments' own connection"}
		if stream != "" && stream != InspectorStream {
			return Result{}, fmt.Errorf("the %q experiment cannot act on another bot: %s", name, spec.whyInspectorOnly())
		}
	} else {
		// A target busy with an experiment may be between connections
		// (that is what many experiments do): say it is busy, not that it
		// is not logged in.
		if err := e.idle(cmp.Or(stream, InspectorStream)); err != nil {
			return Result{}, err
		}
		var err error
		if tg, err = e.target(stream); err != nil {
			return Result{}, err
		}
		if tg.bot && !spec.BotsToo {
			return Result{}, fmt.Errorf("the %q experiment acts on the inspector's own connection only: %s", name, spec.whyInspectorOnly())
		}
	}
	key := tg.key
	if err := e.claim(key, name, tg.label); err != nil {
		return Result{}, err
	}
	defer e.release(key)

	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Deadline)
	defer cancel()
	r := &run{ctx: ctx, e: e, tg: tg}
	if !spec.probe {
		r.w = newWatcher(e, tg)
	}
	res := Result{Experiment: spec.Name, Title: spec.Title, Target: tg.label, Stream: tg.stream}
	err := spec.run(r)
	if r.probeStream != "" {
		res.Stream, res.Target = r.probeStream, "the experiments' own connection ("+r.probeLabel+"), not your bot's"
	}
	res.Steps = r.steps
	texts := make([]string, len(r.steps))
	for i, s := range r.steps {
		texts[i] = s.Text
	}
	res.Summary = strings.Join(texts, " → ")
	if err != nil {
		return res, err
	}
	return res, nil
}

func (e *Engine) claim(key, name, label string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.busy(key, label); err != nil {
		return err
	}
	e.running[key] = name
	return nil
}

// idle answers ErrBusy when an experiment runs on stream.
func (e *Engine) idle(stream string) error {
	label := stream
	if stream == InspectorStream {
		label = inspectorLabel
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.busy(stream, label)
}

// busy is ErrBusy when an experiment holds key; callers hold mu.
func (e *Engine) busy(key, label string) error {
	if running, ok := e.running[key]; ok {
		return &ErrBusy{Running: running, Target: label}
	}
	return nil
}

func (e *Engine) release(key string) {
	e.mu.Lock()
	delete(e.running, key)
	e.mu.Unlock()
}

// run is one experiment in progress.
type run struct {
	ctx         context.Context
	e           *Engine
	tg          target
	w           *watcher
	steps       []Step
	probeStream string
	probeLabel  string
	probes      int // throwaway connections opened so far
}

// step records what a record showed.
func (r *run) step(stream string, index int64, format string, args ...any) {
	r.steps = append(r.steps, Step{Stream: stream, Index: index, Text: fmt.Sprintf(format, args...)})
}
