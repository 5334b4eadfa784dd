package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// Close codes the client sends. 4000 keeps the session resumable (any code
// but 1000/1001 does); 1000 ends it.
const (
	closeToResume gateway.CloseCode = gateway.CloseUnknownError
	closeToEnd    gateway.CloseCode = gateway.CloseNormal
	closeDropped  gateway.CloseCode = 1006
)

const writeTimeout = 10 * time.Second

// outcome is how one connection ended and what the next one should do.
type outcome struct {
	resume  bool
	fatal   error
	wait    time.Duration
	healthy bool // it got as far as READY or RESUMED
}

// conn is one websocket connection of the session.
type conn struct {
	c       *Client
	id      string
	ws      *websocket.Conn
	inflate gateway.StreamReader // nil without transport compression
	closing atomic.Bool
	done    chan struct{}
}

// incoming is what the reader hands the main loop: a payload, or the end.
type incoming struct {
	p     gateway.Payload
	ended bool
	// byClient marks an end the client chose itself (the compressed
	// stream could not be decoded); reason then says why.
	byClient bool
	code     gateway.CloseCode
	reason   string
}

func (c *Client) runConn(ctx context.Context, base string, resume bool) outcome {
	id := fmt.Sprintf("%s-%d", c.cfg.ConnPrefix, c.conns.Add(1))
	u, err := c.dialURL(base)
	if err != nil {
		c.cfg.Logger.Warn("bad gateway url", "err", err)
		return outcome{}
	}
	c.cfg.OnState(State{Kind: StateConnecting, Conn: id, URL: u, Time: time.Now()})
	c.cfg.Logger.Info("connecting", "conn", id, "url", u, "resume", resume)
	dialer := websocket.Dialer{HandshakeTimeout: 15 * time.Second}
	ws, _, err := dialer.DialContext(ctx, u, nil)
	if err != nil {
		err = c.scrubErr(err)
		c.cfg.Logger.Warn("dial failed", "conn", id, "err", err)
		c.cfg.OnState(State{Kind: StateClosed, Conn: id, Time: time.Now(), Code: closeDropped, Meaning: "could not connect", Err: err})
		return outcome{resume: resume}
	}
	ws.SetReadLimit(int64(c.cfg.MaxInflated))
	cn := &conn{c: c, id: id, ws: ws, done: make(chan struct{})}
	cn.inflate = gateway.NewStreamReader(c.cfg.Compress.param(), c.cfg.MaxInflated, c.cfg.MaxInflated)
	defer func() {
		close(cn.done)
		ws.Close()
	}()
	return cn.run(ctx, resume)
}

// loop is the state of one connection's main loop.
type loop struct {
	cn       *conn
	resume   bool
	timer    *time.Timer
	beat     <-chan time.Time // nil until Hello
	interval time.Duration
	waiting  bool // a beat is out without its ACK
	healthy  bool
	outbox   chan outgoing // nil until the session is up
}

func (cn *conn) run(ctx context.Context, resume bool) outcome {
	in := make(chan incoming, 16)
	go cn.read(in)
	lp := &loop{cn: cn, resume: resume}
	defer func() {
		if lp.timer != nil {
			lp.timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			cn.close(closeToEnd, "the inspector is stopping")
			return outcome{}
		case o := <-lp.outbox:
			o.done <- cn.write(o.payload)
		case <-lp.beat:
			// An ACK may be queued behind other frames: read what has
			// already arrived before calling the connection a zombie.
			for drained := false; lp.waiting && !drained; {
				select {
				case m := <-in:
					if out, end := lp.handle(ctx, m); end {
						return out
					}
				default:
					drained = true
				}
			}
			if out, end := lp.heartbeatDue(); end {
				return out
			}
		case m := <-in:
			if out, end := lp.handle(ctx, m); end {
				return out
			}
		}
	}
}

// heartbeatDue beats, or gives up on a connection whose last beat was
// never acknowledged.
func (lp *loop) heartbeatDue() (outcome, bool) {
	cn := lp.cn
	if lp.waiting {
		cn.c.cfg.Logger.Warn("no heartbeat ACK since the last beat: zombie connection, resuming", "conn", cn.id)
		cn.close(closeToResume, "no heartbeat ACK")
		cn.state(StateClosed, closeToResume, "no ACK between two heartbeats: the connection is a zombie", true)
		return outcome{resume: true, healthy: lp.healthy}, true
	}
	if err := cn.heartbeat(); err != nil {
		return outcome{resume: true, healthy: lp.healthy}, true
	}
	lp.waiting = true
	lp.timer.Reset(lp.interval)
	return outcome{}, false
}

// handle acts on one received payload; end reports the connection is over.
func (lp *loop) handle(ctx context.Context, m incoming) (out outcome, end bool) {
	cn := lp.cn
	if m.ended {
		return cn.ended(m, lp.healthy), true
	}
	switch m.p.Op {
	case gateway.OpHello:
		var h gateway.Hello
		_ = json.Unmarshal(m.p.D, &h)
		lp.interval = max(time.Duration(h.HeartbeatInterval)*time.Millisecond, 100*time.Millisecond)
		lp.timer = time.NewTimer(jitter(lp.interval))
		lp.beat = lp.timer.C
		if err := cn.login(ctx, lp.resume); err != nil {
			return outcome{resume: lp.resume}, true
		}
	case gateway.OpHeartbeatACK:
		lp.waiting = false
	case gateway.OpHeartbeat:
		if err := cn.heartbeat(); err != nil {
			return outcome{resume: true, healthy: lp.healthy}, true
		}
	case gateway.OpDispatch:
		if cn.dispatch(m.p) {
			lp.healthy, lp.outbox = true, cn.c.outbox
		}
	case gateway.OpReconnect:
		cn.close(closeToResume, "reconnect requested")
		cn.state(StateClosed, closeToResume, "the server asked for a reconnect (op 7)", true)
		return outcome{resume: true, healthy: lp.healthy}, true
	case gateway.OpInvalidSession:
		if string(m.p.D) == "true" {
			cn.close(closeToResume, "invalid session, resuming")
			cn.state(StateClosed, closeToResume, "invalid session (op 9), resumable", true)
			return outcome{resume: true, healthy: lp.healthy}, true
		}
		cn.close(closeToEnd, "invalid session, identifying again")
		cn.state(StateClosed, closeToEnd, "invalid session (op 9): identify again", true)
		// Discord asks for a random 1–5 s pause before identifying again.
		return outcome{wait: time.Second + time.Duration(rand.Int64N(int64(4*time.Second))), healthy: lp.healthy}, true
	}
	return outcome{}, false
}

// login sends Identify, or Resume when the session may be picked up.
func (cn *conn) login(ctx context.Context, resume bool) error {
	c := cn.c
	if err := c.limiter.wait(ctx); err != nil {
		return err
	}
	var p gateway.Payload
	var err error
	if resume {
		cn.state(StateResuming, 0, "", false)
		p, err = gateway.NewPayload(gateway.OpResume, gateway.Resume{Token: c.token, SessionID: c.sessionID, Seq: c.seq.Load()})
	} else {
		cn.state(StateIdentifying, 0, "", false)
		p, err = gateway.NewPayload(gateway.OpIdentify, gateway.Identify{Token: c.token, Properties: c.cfg.Properties, Intents: c.cfg.Intents, LargeThreshold: 250})
	}
	if err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return cn.write(raw)
}

func (cn *conn) heartbeat() error {
	d := "null"
	if s := cn.c.seq.Load(); s > 0 {
		d = fmt.Sprint(s)
	}
	return cn.write([]byte(`{"op":1,"d":` + d + `}`))
}

// dispatch tracks s and the session; it reports READY and RESUMED.
func (cn *conn) dispatch(p gateway.Payload) bool {
	c := cn.c
	if p.S != nil && *p.S > c.seq.Load() {
		c.seq.Store(*p.S)
	}
	if p.T == nil {
		return false
	}
	switch *p.T {
	case "READY":
		var r struct {
			SessionID        string       `json:"session_id"`
			ResumeGatewayURL string       `json:"resume_gateway_url"`
			User             gateway.User `json:"user"`
		}
		_ = json.Unmarshal(p.D, &r)
		c.sessionID, c.resumeURL = r.SessionID, r.ResumeGatewayURL
		c.cfg.Logger.Info("ready", "conn", cn.id, "user", r.User.Username, "session", r.SessionID)
		c.cfg.OnState(State{Kind: StateReady, Conn: cn.id, Time: time.Now(), SessionID: r.SessionID})
		return true
	case "RESUMED":
		c.cfg.Logger.Info("resumed", "conn", cn.id, "session", c.sessionID)
		c.cfg.OnState(State{Kind: StateResumed, Conn: cn.id, Time: time.Now(), SessionID: c.sessionID})
		return true
	}
	return false
}

// ended decides what follows a connection the server closed or that dropped.
func (cn *conn) ended(m incoming, healthy bool) outcome {
	c := cn.c
	info := gateway.LookupClose(m.code)
	c.cfg.Logger.Warn("connection closed", "conn", cn.id, "code", m.code, "meaning", info.Name, "reason", c.scrub(m.reason))
	meaning := info.Meaning
	if m.byClient {
		meaning = m.reason
	}
	cn.state(StateClosed, m.code, meaning, m.byClient)
	if !info.Reconnect {
		return outcome{fatal: &CloseError{Code: m.code, Info: info}}
	}
	return outcome{resume: info.CanResume && c.sessionID != "", healthy: healthy}
}

func (cn *conn) state(kind StateKind, code gateway.CloseCode, meaning string, byClient bool) {
	cn.c.cfg.OnState(State{Kind: kind, Conn: cn.id, Time: time.Now(), Code: code, Meaning: meaning, ByClient: byClient, SessionID: cn.c.sessionID})
}

// write sends one text frame, telling the sink first so the frame is on
// record before any answer to it can arrive.
func (cn *conn) write(payload []byte) error {
	cn.c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Send, Data: payload, WireSize: len(payload)})
	_ = cn.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := cn.ws.WriteMessage(websocket.TextMessage, payload); err != nil {
		return cn.c.scrubErr(err)
	}
	return nil
}

// close sends a close frame; the reader then stops quietly.
func (cn *conn) close(code gateway.CloseCode, reason string) {
	if cn.closing.Swap(true) {
		return
	}
	cn.c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Send, Close: &gateway.CloseFrame{Code: code, Reason: reason}})
	msg := websocket.FormatCloseMessage(int(code), reason)
	_ = cn.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeTimeout))
}

// read turns websocket messages into frames for the sink and payloads for
// the main loop, until the connection ends.
func (cn *conn) read(out chan<- incoming) {
	c := cn.c
	send := func(m incoming) bool {
		select {
		case out <- m:
			return true
		case <-cn.done:
			return false
		}
	}
	wire := 0 // compressed bytes of the message being assembled
	for {
		kind, data, err := cn.ws.ReadMessage()
		if err != nil {
			if cn.closing.Load() {
				return // we closed it; the close is already on record
			}
			m := incoming{ended: true, code: closeDropped, reason: err.Error()}
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				m.code, m.reason = gateway.CloseCode(ce.Code), ce.Text
			}
			c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Recv, Close: &gateway.CloseFrame{Code: m.code, Reason: c.scrub(m.reason)}})
			send(m)
			return
		}
		text := data
		if kind == websocket.BinaryMessage {
			if cn.inflate == nil {
				c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Recv, WireSize: len(data), Error: "a binary frame on a connection without compression"})
				continue
			}
			wire += len(data)
			msg, complete, ferr := cn.inflate.Feed(data)
			if !complete && ferr == nil {
				continue // the message goes on in the next frame
			}
			size := wire
			wire = 0
			if ferr != nil {
				c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Recv, WireSize: size, Error: ferr.Error()})
				if complete {
					continue // only this message is lost
				}
				const why = "the compressed stream cannot be decoded any further"
				cn.close(closeToResume, why)
				send(incoming{ended: true, code: closeToResume, reason: why, byClient: true})
				return
			}
			c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Recv, Data: msg, WireSize: size})
			text = msg
		} else {
			c.emit(gateway.WireFrame{Conn: cn.id, Peer: Peer, Time: time.Now(), Dir: gateway.Recv, Data: data, WireSize: len(data)})
		}
		p, err := gateway.DecodePayload(text)
		if err != nil {
			continue // on record for the annotator; nothing for the client to do
		}
		if !send(incoming{p: p}) {
			return
		}
	}
}
