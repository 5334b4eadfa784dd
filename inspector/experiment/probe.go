package experiment

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// probePeer names the throwaway connections in Identify, so the hub shows
// their frames once, in the experiment's own stream.
const probePeer = "gatewaytour experiment"

// probe is a throwaway gateway connection that does one wrong thing on
// purpose; a learner's bot is never asked to. Its frames go to a stream of
// their own, which the panel switches to.
type probe struct {
	r    *run
	ws   *websocket.Conn
	sink func(gateway.WireFrame)
	conn string
}

// openProbe dials the sandbox with query (e.g. "v=10&encoding=json").
func (r *run) openProbe(label, query string) (*probe, error) {
	base := r.e.gatewayURL()
	if base == "" {
		return nil, errors.New("the sandbox's address is not known yet")
	}
	id, sink := r.useProbeStream(label)
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	u.RawQuery = query
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.DialContext(r.ctx, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("could not reach the sandbox gateway: %w", err)
	}
	// Each throwaway connection of a run is a connection of its own in the
	// stream, so the annotator keeps their sequences apart.
	r.probes++
	conn := id
	if r.probes > 1 {
		conn = fmt.Sprintf("%s#%d", id, r.probes)
	}
	p := &probe{r: r, ws: ws, sink: sink, conn: conn}
	go func() {
		<-r.ctx.Done()
		_ = ws.Close()
	}()
	go p.read()
	return p, nil
}

// useProbeStream is the one stream every throwaway connection and REST
// experiment records into: a press adds records to its ring (which is
// bounded), not a stream to the hub. The run watches it from its next record.
func (r *run) useProbeStream(label string) (string, func(gateway.WireFrame)) {
	e := r.e
	e.mu.Lock()
	if e.probeSink == nil {
		info, sink, _ := e.hub.Attach("experiment", "the experiments' own connections", probePeer)
		// A probe finds its records by watching the stream, so the index the
		// sink returns is not needed here.
		e.probeID, e.probeSink = info.ID, func(f gateway.WireFrame) { sink(f) }
	}
	id, sink := e.probeID, e.probeSink
	e.mu.Unlock()
	r.probeStream = id
	r.probeLabel = label
	if r.w == nil || !r.w.known[id] { // a second connection keeps the run's place
		r.w = &watcher{e: e, tg: &r.tg, known: map[string]bool{}}
		r.w.add(id, false)
	}
	return id, sink
}

// read records what the sandbox sends until the connection ends.
func (p *probe) read() {
	for {
		_, data, err := p.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				p.sink(gateway.WireFrame{Conn: p.conn, Peer: probePeer, Time: time.Now(), Dir: gateway.Recv, Close: &gateway.CloseFrame{Code: gateway.CloseCode(ce.Code), Reason: ce.Text}})
			}
			_ = p.ws.Close()
			return
		}
		p.sink(gateway.WireFrame{Conn: p.conn, Peer: probePeer, Time: time.Now(), Dir: gateway.Recv, Data: data, WireSize: len(data)})
	}
}

// send writes one text frame and records it.
func (p *probe) send(frame string) error {
	p.sink(gateway.WireFrame{Conn: p.conn, Peer: probePeer, Time: time.Now(), Dir: gateway.Send, Data: []byte(frame), WireSize: len(frame)})
	return p.ws.WriteMessage(websocket.TextMessage, []byte(frame))
}

func identifyFrame(token string, intents gateway.Intents) string {
	return fmt.Sprintf(`{"op":2,"d":{"token":%q,"intents":%d,"properties":{"os":"linux","browser":%q,"device":%q}}}`, token, intents, probePeer, probePeer)
}

// expectClose waits for the sandbox's close and checks its code.
func (r *run) expectClose(want gateway.CloseCode) error {
	rec, err := r.see(fmt.Sprintf("the %d close", want), isClose, func(rec inspector.Record) string {
		text := closeText(rec)
		if rec.Close.Reason != "" {
			text += ": “" + rec.Close.Reason + "”"
		}
		if !rec.Close.Reconnect {
			text += "; a library must not retry this one unchanged"
		}
		return text
	})
	if err == nil && rec.Close.Code != want {
		err = fmt.Errorf("the sandbox closed with %d, not %d", rec.Close.Code, want)
	}
	return err
}

// probeRun is a probe experiment: open, wait for Hello (unless the URL is
// refused first), do the wrong thing, see the close.
func probeRun(label, query string, want gateway.CloseCode, act func(*run, *probe) error) func(*run) error {
	return func(r *run) error {
		p, err := r.openProbe(label, query)
		if err != nil {
			return err
		}
		defer p.ws.Close()
		if act != nil {
			if _, err := r.see("Hello", isOp(gateway.Recv, gateway.OpHello), func(inspector.Record) string {
				return "a throwaway connection, opened for this experiment: Hello"
			}); err != nil {
				return err
			}
			if err := act(r, p); err != nil {
				return err
			}
		}
		return r.expectClose(want)
	}
}

// sent records a step for the frame the probe just sent.
func (r *run) sent(p *probe, frame, text string) error {
	if err := p.send(frame); err != nil {
		return err
	}
	_, err := r.see("the frame sent", func(rec inspector.Record) bool { return rec.Dir == gateway.Send }, func(inspector.Record) string { return text })
	return err
}

var probes = map[string]func(*run) error{
	"wrong-token": probeRun("wrong token (4004)", "v=10&encoding=json", gateway.CloseAuthenticationFailed, func(r *run, p *probe) error {
		return r.sent(p, identifyFrame("MTAwMDAwMDAwMDAwMDAwMDAw.Gwrong.this-is-not-the-sandbox-token", gateway.IntentGuilds), "Identify with a token the sandbox does not know")
	}),
	"invalid-intents": probeRun("invalid intents (4013)", "v=10&encoding=json", gateway.CloseInvalidIntents, func(r *run, p *probe) error {
		return r.sent(p, identifyFrame(sandbox.Token, gateway.IntentGuilds|1<<30), fmt.Sprintf("Identify with intents %d: bit 30 is not an intent", gateway.IntentGuilds|1<<30))
	}),
	"wrong-version": probeRun("wrong API version (4012)", "v=6&encoding=json", gateway.CloseInvalidAPIVersion, nil),
	"identify-twice": probeRun("identify twice (4005)", "v=10&encoding=json", gateway.CloseAlreadyAuthenticated, func(r *run, p *probe) error {
		if err := r.sent(p, identifyFrame(sandbox.Token, gateway.IntentGuilds), "Identify, correctly"); err != nil {
			return err
		}
		if _, err := r.see("READY", isEvent("READY"), func(inspector.Record) string { return "READY: the session is live" }); err != nil {
			return err
		}
		return r.sent(p, identifyFrame(sandbox.Token, gateway.IntentGuilds), "Identify again on the same connection")
	}),
	"before-identify": probeRun("send before Identify (4003)", "v=10&encoding=json", gateway.CloseNotAuthenticated, func(r *run, p *probe) error {
		return r.sent(p, fmt.Sprintf(`{"op":8,"d":{"guild_id":"%d","query":"","limit":0}}`, sandbox.GuildID), "op 8 Request Guild Members before any Identify")
	}),
	"undecodable": probeRun("an undecodable frame (4002)", "v=10&encoding=json", gateway.CloseDecodeError, func(r *run, p *probe) error {
		return r.sent(p, `{"op": 1, "d": nul`, "a frame that is not JSON")
	}),
	"rate-limited": probeRun("over 120 sends a minute (4008)", "v=10&encoding=json", gateway.CloseRateLimited, func(r *run, p *probe) error {
		for i := 0; i < 121; i++ {
			if err := p.send(`{"op":1,"d":null}`); err != nil {
				break // the sandbox may close before the last one
			}
		}
		_, err := r.see("the 121st send", func(rec inspector.Record) bool { return rec.Dir == gateway.Send }, func(inspector.Record) string {
			return "121 heartbeats in a burst: the gateway allows 120 sends per 60 s on a connection"
		})
		return err
	}),
}
