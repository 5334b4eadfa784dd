package hello

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// run is one pass through the steps, from the first REST call to the close.
// Only the operation holding the walk touches its fields, except conn's own
// locking and the cancel/end pair.
type run struct {
	cfg  Config
	opts Options

	ctx    context.Context // cancelled by RestartWith and Close
	cancel context.CancelFunc

	mu     sync.Mutex // guards conn and connID for ConnID and end
	conn   *botConn
	connID string
	ledger *ledger

	// What the steps learned on the wire.
	gatewayURL string
	interval   time.Duration
	botUser    gateway.User
	guildName  string
	channel    string
	memberMsg  gateway.Message
	replyID    gateway.Snowflake
	slash      slashState
}

func newRun(cfg Config, opts Options) *run {
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{cfg: cfg, opts: opts, ctx: ctx, cancel: cancel, ledger: newLedger(cfg.Sink)}
	r.connID = cfg.ConnPrefix + "-" + strconv.FormatInt(connSeq.Add(1), 10)
	return r
}

func (r *run) intents() gateway.Intents {
	if r.opts.Slash {
		return 0 // interactions need no intent
	}
	in := gateway.IntentGuilds | gateway.IntentGuildMessages
	if !r.opts.WithoutMessageContent {
		in |= gateway.IntentMessageContent
	}
	return in
}

func (r *run) currentConnID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil {
		return ""
	}
	return r.connID
}

// emit sends a frame that is not a gateway frame to the sink, in order
// with the connection's frames once there is one.
func (r *run) emit(f gateway.WireFrame) {
	r.mu.Lock()
	c := r.conn
	r.mu.Unlock()
	if c != nil {
		c.emitBeside(f)
	} else {
		r.ledger.emit(f)
	}
}

// end closes the connection with 1000, the way a bot that is done does,
// so the gateway ends the session and no connection is left behind.
func (r *run) end() {
	r.cancel()
	r.mu.Lock()
	c := r.conn
	r.mu.Unlock()
	if c != nil {
		c.close(gateway.CloseNormal, "the hello-world walk is over")
	}
}

// goLive lets the connection's frames flow to the sink as they arrive.
func (r *run) goLive() {
	r.mu.Lock()
	c := r.conn
	r.mu.Unlock()
	if c != nil {
		c.goLive()
	}
}

// dial opens the websocket to the URL step 1 learned.
func (r *run) dial(ctx context.Context) (*botConn, string, *http.Response, error) {
	u := r.gatewayURL + "?v=10&encoding=json"
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, resp, err := dialer.DialContext(ctx, u, nil)
	if err != nil {
		return nil, u, resp, err
	}
	c := newBotConn(r.connID, Peer, r.cfg.Token, ws, r.ledger.emit)
	r.mu.Lock()
	r.conn = c
	r.mu.Unlock()
	return c, u, resp, nil
}

// perform runs step n, bounded by the caller's context, the step timeout
// and the run's own life.
func (r *run) perform(ctx context.Context, n int) (Step, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.StepTimeout)
	defer cancel()
	stop := context.AfterFunc(r.ctx, cancel)
	defer stop()
	spec := r.opts.stepList()[n-1]
	s := Step{N: n, Title: spec.title, CodeLines: spec.code}
	if r.opts.WithoutMessageContent && spec.variantTitle != "" {
		s.Title = spec.variantTitle
	}
	frames, explanation, err := spec.run(ctx, r)
	s.Frames, s.Explanation, s.Records = frames, explanation, r.ledger.records(frames)
	if err != nil && s.Explanation == "" {
		s.Explanation = "This step failed: " + err.Error()
	}
	if err != nil && r.ctx.Err() != nil {
		err = errStepCancelled
	}
	return s, err
}
