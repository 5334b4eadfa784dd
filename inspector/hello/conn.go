package hello

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// writeWait bounds one write to the gateway.
const writeWait = 10 * time.Second

// botConn is the walk's gateway connection. A reader goroutine takes every
// frame off the socket as it arrives, but a frame reaches the sink only when
// a step takes it (so the panel fills in step by step) or when something
// later has to go on the wire first: the sink always sees frames in wire
// order. Heartbeat traffic after step 4 is handled in the background.
type botConn struct {
	id, peer string
	ws       *websocket.Conn
	sink     func(gateway.WireFrame)
	secrets  inspector.Secrets // the token: on the wire and nowhere else

	mu         sync.Mutex // guards everything below, and orders sink and socket writes
	inbox      []arrival
	changed    chan struct{} // closed and replaced whenever inbox or ended changes
	ended      error         // why the reader stopped; nil while it runs
	background bool          // ACKs and server heartbeat requests bypass the inbox
	live       bool          // the walk is over: every frame is emitted as it arrives
	lastSeq    *int64
	interval   time.Duration
	beats      chan struct{} // restarts the keepalive timer; nil until Hello
	stop       chan struct{}
	readDone   chan struct{}
	closeOnce  sync.Once
}

// arrival is one received frame waiting for a step.
type arrival struct {
	frame   gateway.WireFrame
	payload gateway.Payload
	emitted bool
}

// CloseError is a step's error when the gateway closed the connection.
type CloseError struct {
	Code   gateway.CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	return "the gateway closed the connection: " + inspector.ExplainClose(e.Code, e.Reason, gateway.Recv).Sentence()
}

func newBotConn(id, peer, token string, ws *websocket.Conn, sink func(gateway.WireFrame)) *botConn {
	c := &botConn{id: id, peer: peer, ws: ws, sink: sink,
		changed: make(chan struct{}), stop: make(chan struct{}), readDone: make(chan struct{})}
	c.secrets.Learn(token)
	go c.readLoop()
	return c
}

// redact keeps the token off everything but the wire.
func (c *botConn) redact(data []byte) []byte { return c.secrets.Redact(data) }

func (c *botConn) emitLocked(f gateway.WireFrame) {
	if c.sink != nil {
		c.sink(f)
	}
}

// flushLocked emits every received frame no step has shown yet.
func (c *botConn) flushLocked() {
	for i := range c.inbox {
		if !c.inbox[i].emitted {
			c.inbox[i].emitted = true
			c.emitLocked(c.inbox[i].frame)
		}
	}
}

func (c *botConn) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *botConn) readLoop() {
	defer close(c.readDone)
	for {
		kind, data, err := c.ws.ReadMessage()
		now := time.Now()
		if err != nil {
			c.mu.Lock()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				cf := &gateway.CloseFrame{Code: gateway.CloseCode(ce.Code), Reason: ce.Text}
				c.inbox = append(c.inbox, arrival{frame: gateway.WireFrame{Conn: c.id, Peer: c.peer, Time: now, Dir: gateway.Recv, Close: cf, WireSize: 2 + len(ce.Text)}})
				c.ended = &CloseError{Code: cf.Code, Reason: cf.Reason}
			} else {
				c.ended = fmt.Errorf("the connection dropped: %w", err)
			}
			c.notifyLocked()
			c.mu.Unlock()
			return
		}
		f := gateway.WireFrame{Conn: c.id, Peer: c.peer, Time: now, Dir: gateway.Recv, Data: data, WireSize: len(data)}
		if kind != websocket.TextMessage {
			f.Error = "binary frame: the walk asked for plain JSON text"
		}
		p, _ := gateway.DecodePayload(data)
		c.received(f, p)
	}
}

// received files one frame: heartbeat traffic in the background once the
// walk is past step 4, everything else in the inbox for the steps.
func (c *botConn) received(f gateway.WireFrame, p gateway.Payload) {
	c.mu.Lock()
	if p.S != nil {
		s := *p.S
		c.lastSeq = &s
	}
	if p.Op == gateway.OpHello && c.beats == nil {
		var h gateway.Hello
		if json.Unmarshal(p.D, &h) == nil && h.HeartbeatInterval > 0 {
			c.interval = time.Duration(h.HeartbeatInterval) * time.Millisecond
			c.beats = make(chan struct{}, 1)
			go c.keepalive(c.interval, c.beats)
		}
	}
	bypass := c.live || c.background && (p.Op == gateway.OpHeartbeatACK || p.Op == gateway.OpHeartbeat)
	if bypass {
		c.flushLocked()
		c.emitLocked(f)
	} else {
		c.inbox = append(c.inbox, arrival{frame: f, payload: p})
		c.notifyLocked()
	}
	c.mu.Unlock()
	if p.Op == gateway.OpHeartbeat {
		// The gateway asked for a beat: a bot answers at once.
		_, _ = c.heartbeat()
	}
}

// keepalive beats once per interval after the last beat, so a reader who
// lingers on a step is never dropped with 4009. The first beat is step 4's
// unless the reader waits a whole interval.
func (c *botConn) keepalive(interval time.Duration, beats <-chan struct{}) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-beats:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(interval)
		case <-timer.C:
			_, _ = c.heartbeat()
			timer.Reset(interval)
		}
	}
}

// heartbeat sends op 1 with the last sequence number seen.
func (c *botConn) heartbeat() (gateway.WireFrame, error) {
	c.mu.Lock()
	var d any
	if c.lastSeq != nil {
		d = *c.lastSeq
	}
	beats := c.beats
	c.mu.Unlock()
	f, err := c.send(gateway.OpHeartbeat, d)
	if beats != nil {
		select {
		case beats <- struct{}{}:
		default:
		}
	}
	return f, err
}

// send writes one payload, after emitting whatever arrived before it.
func (c *botConn) send(op gateway.Opcode, d any) (gateway.WireFrame, error) {
	p, err := gateway.NewPayload(op, d)
	if err != nil {
		return gateway.WireFrame{}, err
	}
	data, err := json.Marshal(p)
	if err != nil {
		return gateway.WireFrame{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended != nil {
		return gateway.WireFrame{}, c.ended
	}
	c.flushLocked()
	// Stamp the frame before writing it: once the bytes are out, the read
	// loop may stamp the answer (an ACK) before WriteMessage returns, and a
	// later stamp here would put the answer before the question.
	sentAt := time.Now()
	_ = c.ws.SetWriteDeadline(sentAt.Add(writeWait))
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		return gateway.WireFrame{}, fmt.Errorf("sending %s: %w", op.Name(), err)
	}
	f := gateway.WireFrame{Conn: c.id, Peer: c.peer, Time: sentAt, Dir: gateway.Send, Data: c.redact(data), WireSize: len(data)}
	c.emitLocked(f)
	return f, nil
}

// await takes frames off the inbox, emitting each, until one matches. A
// close or a dropped connection ends the wait with an error.
func (c *botConn) await(done <-chan struct{}, match func(gateway.Payload) bool) (gateway.WireFrame, gateway.Payload, error) {
	for {
		c.mu.Lock()
		for len(c.inbox) > 0 {
			a := c.inbox[0]
			c.inbox = c.inbox[1:]
			if !a.emitted {
				c.emitLocked(a.frame)
			}
			if a.frame.Close != nil {
				c.mu.Unlock()
				return a.frame, gateway.Payload{}, &CloseError{Code: a.frame.Close.Code, Reason: a.frame.Close.Reason}
			}
			if a.frame.Error == "" && match(a.payload) {
				c.mu.Unlock()
				return a.frame, a.payload, nil
			}
		}
		if c.ended != nil {
			err := c.ended
			c.mu.Unlock()
			return gateway.WireFrame{}, gateway.Payload{}, err
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-done:
			return gateway.WireFrame{}, gateway.Payload{}, errStepCancelled
		}
	}
}

// handOverHeartbeats lets heartbeat traffic bypass the steps from now on.
func (c *botConn) handOverHeartbeats() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.background = true
	kept := c.inbox[:0]
	for _, a := range c.inbox {
		if a.payload.Op == gateway.OpHeartbeatACK && a.frame.Close == nil {
			if !a.emitted {
				c.emitLocked(a.frame)
			}
			continue
		}
		kept = append(kept, a)
	}
	c.inbox = kept
}

// goLive emits whatever is waiting and, from now on, every frame as it
// arrives: no step is left to take them.
func (c *botConn) goLive() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
	c.inbox, c.live = nil, true
}

// close ends the connection the way a bot that is done does: close 1000,
// wait briefly for the gateway's answering close, hang up. Everything not
// yet shown is emitted first, so the sink holds the whole conversation.
func (c *botConn) close(code gateway.CloseCode, reason string) {
	c.closeOnce.Do(func() {
		close(c.stop)
		c.mu.Lock()
		c.flushLocked()
		c.inbox = nil
		if c.ended == nil {
			msg := websocket.FormatCloseMessage(int(code), reason)
			sentAt := time.Now() // before the write, as in send
			if c.ws.WriteControl(websocket.CloseMessage, msg, sentAt.Add(writeWait)) == nil {
				c.emitLocked(gateway.WireFrame{Conn: c.id, Peer: c.peer, Time: sentAt, Dir: gateway.Send,
					Close: &gateway.CloseFrame{Code: code, Reason: reason}, WireSize: len(msg)})
			}
		}
		c.mu.Unlock()
		select {
		case <-c.readDone:
		case <-time.After(2 * time.Second):
		}
		_ = c.ws.Close()
		<-c.readDone
		c.mu.Lock()
		c.flushLocked() // the gateway's answering close
		c.inbox = nil
		c.mu.Unlock()
	})
}

// emitBeside emits a frame that did not cross this socket (a REST
// exchange), serialised with the socket's own frames.
func (c *botConn) emitBeside(f gateway.WireFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emitLocked(f)
}
