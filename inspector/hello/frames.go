package hello

import (
	"encoding/json"
	"net/url"
	"time"

	"gatewaytour/inspector/gateway"
)

var timeNow = time.Now

func msDuration(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }

// upgradeFrame records the websocket handshake as the HTTP exchange it is.
func upgradeFrame(conn, rawURL string, status int, at time.Time) gateway.WireFrame {
	target := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		target = u.RequestURI()
	}
	return gateway.RESTExchange{HTTP: "GET " + target, Status: status}.Frame(conn, Peer, at)
}

func isDispatch(t string) func(gateway.Payload) bool {
	return func(p gateway.Payload) bool { return p.Op == gateway.OpDispatch && p.T != nil && *p.T == t }
}

// messageID reads d.id of a MESSAGE_CREATE.
func messageID(p gateway.Payload) gateway.Snowflake {
	var m struct {
		ID gateway.Snowflake `json:"id"`
	}
	_ = json.Unmarshal(p.D, &m)
	return m.ID
}

// framesOf keeps the frames that were actually seen (a failed wait may
// still have taken a close frame).
func framesOf(fs ...gateway.WireFrame) []gateway.WireFrame {
	var out []gateway.WireFrame
	for _, f := range fs {
		if f.Data != nil || f.Close != nil {
			out = append(out, f)
		}
	}
	return out
}
