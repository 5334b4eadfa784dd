// Package hello walks through what a hello-world bot does, one real step at
// a time, against the sandbox: it asks REST for the gateway URL, opens the
// websocket, heartbeats, identifies, receives READY and GUILD_CREATE, sees a
// member type !hello and answers over REST. Every frame it sends or
// receives goes to a sink as a gateway.WireFrame, and each step returns the
// frames it is about together with an explanation and the lines of the
// lesson's discord.py and discordgo programs responsible for it.
package hello

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// Peer names the walk's bot in every frame it emits.
const Peer = "hello-world bot"

// Steps is how many steps a walk has.
const Steps = 10

var (
	// ErrAtStart is Back's answer when nothing is left to go back to.
	ErrAtStart = errors.New("hello: already at the start of the walk")
	// ErrFinished is Next's answer after the last step.
	ErrFinished = errors.New("hello: the walk is finished; restart it to walk again")
	// ErrClosed is returned by every call after Close.
	ErrClosed = errors.New("hello: the walk is closed")
	// errStepCancelled ends a step cut short by RestartWith or Close.
	errStepCancelled = errors.New("hello: the step was cancelled")
)

// Config says where the sandbox is and where frames go.
type Config struct {
	// BaseURL is the sandbox's root, e.g. "http://127.0.0.1:8080".
	BaseURL string
	// Token is the bot token (default sandbox.Token). It is sent on the
	// wire and nowhere else: emitted frames carry the redaction marker.
	Token string
	// Sandbox, when set, is used to post the member's message directly;
	// otherwise the walk uses BaseURL's POST /sandbox/messages.
	Sandbox *sandbox.Server
	// Sink receives every frame in wire order, REST exchanges included (as
	// gateway.RESTExchange), and returns the record index it stored the
	// frame under. It may be called from several goroutines, one call at a
	// time, and should return quickly: the walk's reader waits for it.
	Sink Sink
	// MaxWalks bounds how many walks a Walks registry keeps open at once
	// (default DefaultMaxWalks); Start answers ErrTooManyWalks past it.
	MaxWalks int
	// ChannelID is where the member types !hello (default #bot-commands);
	// MemberID is who types it (default sandbox.DefaultMemberID).
	ChannelID gateway.Snowflake
	MemberID  gateway.Snowflake
	// StepTimeout bounds one step (default 20 s).
	StepTimeout time.Duration
	HTTPClient  *http.Client
	// ConnPrefix names connections "<prefix>-N" (default "hello").
	ConnPrefix string
}

func (c Config) withDefaults() Config {
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Token == "" {
		c.Token = sandbox.Token
	}
	if c.ChannelID == 0 {
		c.ChannelID = sandbox.BotCommandsID
	}
	if c.MemberID == 0 {
		c.MemberID = sandbox.DefaultMemberID
	}
	if c.StepTimeout <= 0 {
		c.StepTimeout = 20 * time.Second
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.ConnPrefix == "" {
		c.ConnPrefix = "hello"
	}
	if c.MaxWalks <= 0 {
		c.MaxWalks = DefaultMaxWalks
	}
	return c
}

func (c Config) restBase() string { return c.BaseURL + "/api/v10" }

// Options choose a variant of the walk.
type Options struct {
	// WithoutMessageContent identifies without the MESSAGE_CONTENT intent:
	// the member's !hello then arrives with empty content, and the bot
	// cannot answer. It is the most common hello-world bug.
	WithoutMessageContent bool
	// Slash walks the modern hello-world instead: intents 0, /hello
	// registered as a slash command, used and answered with a button, the
	// button clicked and the message updated (SlashSteps steps).
	Slash bool
}

// Step is one step of the walk as the stepper shows it.
type Step struct {
	// N counts from 1; 0 is the start, before anything happened.
	N           int    `json:"n"`
	Title       string `json:"title"`
	Explanation string `json:"explanation"`
	// CodeLines are the 1-based lines of the lesson's two programs
	// responsible for this step, keyed "python" and "go".
	CodeLines map[string][]int `json:"code_lines,omitempty"`
	// Frames are the frames this step is about, token redacted. They went
	// to the sink too (with whatever else crossed the wire meanwhile).
	Frames []gateway.WireFrame `json:"-"`
	// Records are the indexes the sink returned for Frames, in order.
	Records []int64 `json:"-"`
}

// Sink stores one frame and returns its record index, or a negative
// number when it keeps no record of it.
type Sink func(gateway.WireFrame) int64

var connSeq atomic.Int64

// Walk is one reader's walk. Its methods are safe for concurrent use.
type Walk struct {
	cfg Config

	mu        sync.Mutex
	opts      Options
	performed []Step
	view      int // the step on show; 0 = the start
	failed    error
	busy      *operation // the operation running, if any
	closed    bool
	run       *run
	lastUsed  atomic.Int64 // unix nanoseconds

	// beforeClaim, when set by a test, runs after Close or RestartWith has
	// cut the current step short and before it waits for the walk.
	beforeClaim func()
}

// New prepares a walk; nothing touches the network until the first Next.
func New(cfg Config, opts Options) *Walk {
	w := &Walk{cfg: cfg.withDefaults(), opts: opts}
	w.run = newRun(w.cfg, opts)
	w.touch()
	return w
}

func (w *Walk) touch() { w.lastUsed.Store(time.Now().UnixNano()) }

// idleSince reports when the walk was last used; a walk in the middle of a
// step counts as in use.
func (w *Walk) idleSince() (time.Time, bool) {
	w.mu.Lock()
	busy := w.busy != nil
	w.mu.Unlock()
	return time.Unix(0, w.lastUsed.Load()), !busy
}

// Next shows the next step. If the reader went back, it re-shows the step
// already performed without doing it again; otherwise it performs exactly
// one new step on the wire. After the last step it returns ErrFinished with
// the last step; after a failed step it returns that failure again.
func (w *Walk) Next(ctx context.Context) (Step, error) {
	w.touch()
	defer w.touch()
	op, joined, err := w.claim(ctx, true)
	if err != nil {
		return Step{}, err
	}
	if joined != nil {
		select {
		case <-joined.done:
			return joined.step, joined.err
		case <-ctx.Done():
			return Step{}, ctx.Err()
		}
	}
	w.mu.Lock()
	if w.view < len(w.performed) {
		w.view++
		s := w.performed[w.view-1]
		w.releaseLocked(op, s, nil)
		w.mu.Unlock()
		return s, nil
	}
	if w.failed != nil {
		err := w.failed
		w.releaseLocked(op, Step{}, err)
		w.mu.Unlock()
		return Step{}, err
	}
	total := len(w.opts.stepList())
	if len(w.performed) == total {
		s := w.performed[total-1]
		w.releaseLocked(op, s, ErrFinished)
		w.mu.Unlock()
		return s, ErrFinished
	}
	n, r := len(w.performed)+1, w.run
	w.mu.Unlock()

	step, err := r.perform(ctx, n)

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.run == r && !w.closed {
		if err == nil {
			w.performed = append(w.performed, step)
			w.view = n
			if n == total {
				r.goLive()
			}
		} else if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			w.failed = err
		}
	}
	w.releaseLocked(op, step, err)
	return step, err
}

// Back shows the previous step again; frames already sent stay sent. From
// step 1 it returns to the start (Step{N: 0}); at the start it is a no-op
// returning ErrAtStart. It waits for a step in progress to finish first.
func (w *Walk) Back(ctx context.Context) (Step, error) {
	w.touch()
	op, _, err := w.claim(ctx, false)
	if err != nil {
		return Step{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.view == 0 {
		w.releaseLocked(op, startStep(), ErrAtStart)
		return startStep(), ErrAtStart
	}
	w.view--
	s := w.viewLocked()
	w.releaseLocked(op, s, nil)
	return s, nil
}

// Current is the step on show (Step{N: 0} at the start).
func (w *Walk) Current() Step {
	w.touch()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.viewLocked()
}

func (w *Walk) viewLocked() Step {
	if w.view == 0 {
		return startStep()
	}
	return w.performed[w.view-1]
}

// Total is how many steps the walk's variant has.
func (w *Walk) Total() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.opts.stepList())
}

// Performed is how many steps have happened on the wire.
func (w *Walk) Performed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.performed)
}

// Options is the variant the walk runs.
func (w *Walk) Options() Options {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opts
}

// RestartWith closes the bot's connection with 1000 (so the gateway ends
// the session) and starts a fresh walk at the start, with opts (the same
// as before, or, say, without MESSAGE_CONTENT).
func (w *Walk) RestartWith(ctx context.Context, opts Options) (Step, error) {
	w.touch()
	w.cutShort()
	op, _, err := w.claim(ctx, false)
	if err != nil {
		return Step{}, err
	}
	w.currentRun().end()
	w.mu.Lock()
	w.opts, w.run = opts, newRun(w.cfg, opts)
	w.performed, w.view, w.failed = nil, 0, nil
	w.releaseLocked(op, startStep(), nil)
	w.mu.Unlock()
	return startStep(), nil
}

// Close ends the walk and its connection. It is safe to call more than once.
// It follows the same order as RestartWith: cut short, hold the walk, end
// the run that is current then.
func (w *Walk) Close() error {
	w.cutShort()
	op, _, err := w.claim(context.Background(), false)
	if err != nil {
		return nil // closed meanwhile
	}
	w.currentRun().end()
	w.mu.Lock()
	w.closed = true
	w.releaseLocked(op, Step{}, ErrClosed)
	w.mu.Unlock()
	return nil
}

func startStep() Step {
	return Step{N: 0, Title: "Before the first step",
		Explanation: "Nothing has happened yet: the bot has not talked to Discord. Press Next to make its first request."}
}
