package experiment

import (
	"fmt"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// probeInterval is the heartbeat_interval the silence experiments' throwaway
// connection gets, so its deadline comes in seconds.
const probeInterval = 1500 * time.Millisecond

// loggedInProbe opens a throwaway connection with a short heartbeat_interval
// and logs it in.
func (r *run) loggedInProbe(label string) (*probe, error) {
	if err := r.e.sb.OfferHeartbeatInterval(probeInterval); err != nil {
		return nil, err
	}
	p, err := r.openProbe(label, "v=10&encoding=json")
	if err != nil {
		return nil, err
	}
	if _, err := r.see("Hello", isOp(gateway.Recv, gateway.OpHello), func(rec inspector.Record) string {
		return fmt.Sprintf("a throwaway connection, opened for this experiment: Hello with heartbeat_interval %d ms", heartbeatMS(rec))
	}); err != nil {
		return p, err
	}
	if err := r.sent(p, identifyFrame(sandbox.Token, gateway.IntentGuilds), "Identify"); err != nil {
		return p, err
	}
	_, err = r.see("READY", isEvent("READY"), func(inspector.Record) string { return "READY: the session is live" })
	return p, err
}

func heartbeatMS(rec inspector.Record) int64 {
	if rec.Heartbeat == nil {
		return 0
	}
	return rec.Heartbeat.IntervalMS
}

// runSilent logs in and then never beats: the gateway closes with 4009.
func runSilent(r *run) error {
	p, err := r.loggedInProbe("a silent client (4009)")
	if p != nil {
		defer p.ws.Close()
	}
	if err != nil {
		return err
	}
	_, err = r.see("the 4009 close", isClose, func(rec inspector.Record) string {
		return fmt.Sprintf("no heartbeat came for %d ms and the grace after it: %s", probeInterval.Milliseconds(), closeText(rec))
	})
	return err
}

// runLateBeat beats once on time and once well past the interval.
func runLateBeat(r *run) error {
	p, err := r.loggedInProbe("a late heartbeat")
	if p != nil {
		defer p.ws.Close()
	}
	if err != nil {
		return err
	}
	if err := r.sent(p, `{"op":1,"d":1}`, "a beat on time"); err != nil {
		return err
	}
	if _, err := r.see("op 11", isOp(gateway.Recv, gateway.OpHeartbeatACK), func(inspector.Record) string { return "op 11 ACK" }); err != nil {
		return err
	}
	select {
	case <-time.After(probeInterval * 3 / 2):
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	if err := p.send(`{"op":1,"d":1}`); err != nil {
		return err
	}
	if _, err := r.see("the late beat", isOp(gateway.Send, gateway.OpHeartbeat), func(rec inspector.Record) string {
		if rec.Heartbeat != nil && rec.Heartbeat.Late {
			return fmt.Sprintf("a beat %.1f s after the previous one, for a %.1f s interval: marked late", *rec.Heartbeat.SinceLastMS/1000, float64(rec.Heartbeat.IntervalMS)/1000)
		}
		return "a beat past the interval, which the annotator did not mark late"
	}); err != nil {
		return err
	}
	_, err = r.see("op 11", isOp(gateway.Recv, gateway.OpHeartbeatACK), func(inspector.Record) string {
		return "op 11 ACK all the same: a late beat within the grace is answered, but a bot that is late often is close to 4009"
	})
	return err
}
