package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

const (
	// sendQueueSize bounds the frames waiting for one client. A client that
	// lets it fill up is not reading; it is closed with 4000 (a resumable
	// "unknown error": the fault is the connection, not the session, so the
	// bot may resume and get the missed dispatches replayed) rather than
	// holding up the world or other clients.
	sendQueueSize = 1024
	// writeWait bounds one write to a client.
	writeWait = 10 * time.Second
	// closeWait is how long, after sending a close frame, the sandbox waits
	// for the client's answering close before dropping the TCP connection.
	closeWait = time.Second
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	// CheckOrigin is left at gorilla's default: no Origin (every bot library)
	// or the sandbox's own origin. A page on another site cannot drive it.
}

// conn is one websocket client, with a read pump and a write pump as in
// gorilla/websocket's chat example.
type conn struct {
	id    string
	srv   *Server
	ws    *websocket.Conn // nil in FuzzClientFrame
	since time.Time
	// compress names the transport compression ("" for plain text frames);
	// compressor implements it. Only the write pump touches compressor.
	compress   string
	compressor frameCompressor

	send      chan []byte
	closeReq  chan gateway.CloseFrame
	closeOnce sync.Once
	closing   atomic.Bool
	readDone  chan struct{}

	peer       atomic.Pointer[string]
	pausedACKs atomic.Bool
	helloEvery atomic.Int64 // the heartbeat_interval its Hello said (experiments_control.go)

	gatewayURL string // this sandbox's ws:// URL as the client reached it
	apiVersion int

	// Guarded by srv.mu.
	sess       *session
	identified bool

	// Only the read pump touches these.
	recent []time.Time // times of the last gatewaySendLimit client frames
}

// serveGateway upgrades the request and runs the connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		writeJSON(w, http.StatusBadRequest, apiError{Message: "The gateway speaks websocket; dial ws://" + r.Host + r.URL.Path, Code: 0})
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	q := r.URL.Query()
	c := s.newConn(ws, q.Get("compress"))
	if c != nil {
		c.gatewayURL = gatewayURL(r)
		c.apiVersion, _ = strconv.Atoi(q.Get("v"))
	}
	if c == nil {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(int(gateway.CloseGoingAway), "the sandbox is shutting down"), time.Now().Add(writeWait))
		_ = ws.Close()
		return
	}
	go c.writePump()
	go c.readPump()
	if code, reason := checkQuery(q.Get("v"), q.Get("encoding")); code != 0 {
		c.closeWith(code, reason)
		return
	}
	c.enqueue(helloFrame(s.helloIntervalFor(c)))
}

// checkQuery validates the gateway URL's v and encoding. A missing v is
// taken as 10 so a hand-typed URL works. ETF is refused with 4012 rather than
// 4002: it is a choice fixed in the URL, so reconnecting the same way would
// fail forever, and 4012 is a code libraries do not retry.
func checkQuery(v, encoding string) (gateway.CloseCode, string) {
	switch v {
	case "", "9", "10":
	default:
		return gateway.CloseInvalidAPIVersion, "v=" + v + " is not supported: use v=10 (or 9)"
	}
	switch encoding {
	case "", "json":
	case "etf":
		return gateway.CloseInvalidAPIVersion, "encoding=etf is not supported by the sandbox: it speaks JSON only, use encoding=json"
	default:
		return gateway.CloseInvalidAPIVersion, "encoding=" + encoding + " is not supported: use encoding=json"
	}
	return 0, ""
}

func helloFrame(interval time.Duration) []byte {
	return []byte(`{"op":10,"d":{"heartbeat_interval":` + strconv.FormatInt(interval.Milliseconds(), 10) + `},"s":null,"t":null}`)
}

var (
	heartbeatACKFrame     = []byte(`{"op":11,"d":null,"s":null,"t":null}`)
	heartbeatRequestFrame = []byte(`{"op":1,"d":null,"s":null,"t":null}`)
	reconnectFrame        = []byte(`{"op":7,"d":null,"s":null,"t":null}`)
)

func invalidSessionFrame(resumable bool) []byte {
	return []byte(`{"op":9,"d":` + strconv.FormatBool(resumable) + `,"s":null,"t":null}`)
}

// newConn registers a connection; nil when the sandbox is closed. compress
// is the gateway URL's compress parameter.
func (s *Server) newConn(ws *websocket.Conn, compress string) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.connSeq++
	c := &conn{
		id: "sandbox-" + strconv.Itoa(s.connSeq), srv: s, ws: ws, since: s.now(),
		send: make(chan []byte, sendQueueSize), closeReq: make(chan gateway.CloseFrame, 1),
		readDone: make(chan struct{}),
	}
	c.compress, c.compressor = newCompressor(compress)
	empty := ""
	c.peer.Store(&empty)
	s.conns[c.id] = c
	if ws != nil {
		s.pumps.Add(2) // under the lock, so Close cannot be waiting already
	}
	return c
}

// enqueue hands a frame to the write pump without ever blocking: a full
// queue means the client stopped reading, and it is closed.
func (c *conn) enqueue(frame []byte) {
	if c.closing.Load() {
		return
	}
	select {
	case c.send <- frame:
	default:
		// The write pump is most likely blocked writing to this client. Its
		// write is left to finish (or to time out after writeWait): cutting
		// it short would leave half a frame on the wire, and the close
		// frame after it would reach the client as garbage, a bare 1006.
		c.closeWith(gateway.CloseUnknownError, "send queue full: the client is not reading its frames")
	}
}

func (c *conn) writePump() {
	defer c.srv.pumps.Done()
	defer func() { _ = c.ws.Close() }()
	var tick <-chan time.Time
	if every := c.srv.cfg.ServerHeartbeatEvery; every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case cf := <-c.closeReq:
			c.writeClose(cf)
			return
		default:
		}
		select {
		case cf := <-c.closeReq:
			c.writeClose(cf)
			return
		case frame := <-c.send:
			if err := c.write(frame); err != nil {
				c.writeFailed(err)
				return
			}
		case <-tick:
			if err := c.write(heartbeatRequestFrame); err != nil {
				c.writeFailed(err)
				return
			}
		case <-c.readDone:
			select {
			case cf := <-c.closeReq: // the read pump asked for a close as it ended
				c.writeClose(cf)
			default:
			}
			return
		}
	}
}

func (c *conn) write(frame []byte) error {
	kind, wire := websocket.TextMessage, frame
	if c.compressor != nil {
		z, err := c.compressor.Compress(frame)
		if err != nil {
			return err
		}
		kind, wire = websocket.BinaryMessage, z
	}
	// Publish before writing: once the bytes are out, the client may answer
	// at once, and observers must see the question before the answer.
	c.srv.publish(c, gateway.Recv, frame, len(wire), nil)
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteMessage(kind, wire)
}

func (c *conn) readPump() {
	defer c.srv.pumps.Done()
	endsSession := false
	defer func() {
		c.srv.connEnded(c, endsSession)
		close(c.readDone)
	}()
	c.extendDeadline()
	for {
		frame, err := c.readFrame()
		if err != nil {
			var ce *websocket.CloseError
			var ne net.Error
			switch {
			case errors.As(err, &ce):
				cf := gateway.CloseFrame{Code: gateway.CloseCode(ce.Code), Reason: ce.Text}
				c.srv.publish(c, gateway.Send, nil, 2+len(ce.Text), &cf)
				// A close that answers the sandbox's own close says nothing
				// about the client's intent; otherwise 1000/1001 end the session.
				endsSession = !c.closing.Load() && (ce.Code == 1000 || ce.Code == 1001)
			case errors.As(err, &ne) && ne.Timeout() && !c.closing.Load():
				// 4009 ends the session, as Discord documents it: the
				// client must identify again (a Resume gets op 9 false).
				c.closeWith(gateway.CloseSessionTimedOut, "no heartbeat within heartbeat_interval: the session timed out; identify again")
				endsSession = true
			case !c.closing.Load():
				// The TCP connection went away without a close frame.
				c.srv.publish(c, gateway.Send, nil, 0, &gateway.CloseFrame{Code: 1006, Reason: "connection dropped without a close frame"})
			}
			return
		}
		if c.closing.Load() {
			continue // after the sandbox's close, only the client's close matters
		}
		c.notePeer(frame)
		c.srv.publish(c, gateway.Send, frame, len(frame), nil)
		if code, reason := c.judge(frame); code != 0 {
			c.closeWith(code, reason)
		}
	}
}

// judge applies the rules for any text frame, then acts on the payload.
func (c *conn) judge(frame []byte) (gateway.CloseCode, string) {
	if code, reason := textFault(frame); code != 0 {
		return code, reason
	}
	return c.handleFrame(frame)
}

// notePeer names the client from an Identify's properties.browser before
// the frame is published, so observers see who sent the Identify itself.
func (c *conn) notePeer(frame []byte) {
	if *c.peer.Load() != "" || !bytes.Contains(frame, []byte("properties")) {
		return
	}
	var probe struct {
		Op gateway.Opcode `json:"op"`
		D  struct {
			Properties gateway.IdentifyProperties `json:"properties"`
		} `json:"d"`
	}
	if json.Unmarshal(frame, &probe) == nil && probe.Op == gateway.OpIdentify && probe.D.Properties.Browser != "" {
		peer := probe.D.Properties.Browser
		c.peer.Store(&peer)
	}
}

// readFrame reads one message, but never more than one byte past the
// client frame limit: a huge frame is judged oversized and refused without
// being buffered.
func (c *conn) readFrame() ([]byte, error) {
	_, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, gateway.MaxClientFrame+1))
}

// extendDeadline gives the client one heartbeat interval plus the grace to
// send its next heartbeat.
func (c *conn) extendDeadline() {
	if c.ws != nil {
		_ = c.ws.SetReadDeadline(time.Now().Add(c.heartbeatDeadline()))
	}
}

// connEnded detaches the connection from its session. The session survives
// for Resume unless the client closed with 1000 or 1001.
func (s *Server) connEnded(c *conn, endsSession bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c.id)
	if c.sess == nil {
		return
	}
	sess := c.sess
	s.detachLocked(c)
	if endsSession {
		delete(s.sessions, sess.id)
	}
}

// detachLocked separates c from its session, which then waits for a Resume.
func (s *Server) detachLocked(c *conn) {
	sess := c.sess
	if sess == nil {
		return
	}
	if sess.conn == c {
		sess.conn = nil
		sess.detachedAt = s.now()
	}
	c.sess, c.identified = nil, false
	s.live--
	if s.live == 0 {
		s.stopActivityLocked()
	}
}

// attachLocked binds c to sess; the activity loop runs while any is bound.
func (s *Server) attachLocked(c *conn, sess *session) {
	sess.conn = c
	c.sess, c.identified = sess, true
	c.peer.Store(&sess.peer)
	s.live++
	if s.live == 1 {
		s.startActivityLocked()
	}
}
