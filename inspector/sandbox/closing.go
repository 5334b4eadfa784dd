package sandbox

import (
	"errors"
	"net"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// closeWith asks the write pump to send a close frame and hang up. Only the
// first call counts.
func (c *conn) closeWith(code gateway.CloseCode, reason string) {
	reason = fitCloseReason(reason)
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		c.closeReq <- gateway.CloseFrame{Code: code, Reason: reason}
	})
}

// maxCloseReason is what fits in a close frame: a control frame carries at
// most 125 bytes, two of which are the code. A longer reason would make the
// close itself fail, and the client would never learn the code.
const maxCloseReason = 123

func fitCloseReason(reason string) string {
	if len(reason) <= maxCloseReason {
		return reason
	}
	cut := maxCloseReason - len("…")
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut] + "…"
}

// writeClose sends the close frame, with its own write deadline: the send
// queue may be full, but the close does not wait in it.
func (c *conn) writeClose(cf gateway.CloseFrame) {
	msg := websocket.FormatCloseMessage(int(cf.Code), cf.Reason)
	c.srv.publish(c, gateway.Recv, nil, len(msg), &cf) // before the client can answer it
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait))
	select { // give the client a moment to answer the close before hanging up
	case <-c.readDone:
	case <-time.After(closeWait):
	}
}

// writeFailed ends a connection whose write failed: a client that read
// nothing for writeWait, or a connection that broke. Part of a frame may be
// on the wire, so no close frame can follow it; if the sandbox meant to
// close, observers learn that the close it chose could not be delivered.
func (c *conn) writeFailed(err error) {
	select {
	case cf := <-c.closeReq:
		why := "the connection broke"
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			why = "the client read nothing for " + writeWait.String()
		}
		c.srv.publish(c, gateway.Recv, nil, 0, &gateway.CloseFrame{Code: 1006,
			Reason: fitCloseReason(why + ", so the sandbox's close " + strconv.Itoa(int(cf.Code)) + " could not reach it")})
	default:
	}
}

// defaultReconnectGrace is Config.ReconnectGrace's default: how long the
// sandbox waits, after op 7, for the client to close the connection itself.
// Discord's documentation says the server may close the connection a few
// seconds after op 7; it names no close code, so the sandbox uses 4000, which
// its close table and every library treat as "reconnect and resume".
// discord.py (4000) and discordgo (1012) close at once on op 7, so a client
// still there after 5 s is stuck or ignoring op 7; 5 s is also short enough
// that a learner who asked for a reconnect in the panel sees the close follow.
const defaultReconnectGrace = 5 * time.Second

// reconnect sends op 7, then closes the connection with 4000, which keeps
// the session for a Resume, unless the client has gone by the grace's end.
func (c *conn) reconnect() {
	c.enqueue(reconnectFrame)
	grace := c.srv.cfg.ReconnectGrace
	time.AfterFunc(grace, func() {
		select {
		case <-c.readDone:
		default:
			c.closeWith(gateway.CloseUnknownError, "op 7 Reconnect was sent "+grace.String()+" ago and the client did not close: reconnect and resume")
		}
	})
}

// textFault refuses a client frame that is not UTF-8 text with 4002, as
// the gateway refuses any payload it cannot decode: JSON is UTF-8, and a
// websocket text frame must be. (gorilla/websocket does not check it.) An
// oversized frame is left to handleFrame, which says that it is too large.
func textFault(frame []byte) (gateway.CloseCode, string) {
	if len(frame) <= gateway.MaxClientFrame && !utf8.Valid(frame) {
		return gateway.CloseDecodeError, "the frame is not valid UTF-8: a JSON payload must be UTF-8 text"
	}
	return 0, ""
}
