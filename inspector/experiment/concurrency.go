package experiment

import (
	"fmt"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// identifyWindow is Discord's identify window: max_concurrency Identifies
// per 5 seconds (one, for a bot that is not large).
const identifyWindow = 5 * time.Second

// identifyMargin is how long past the window the waiting connection tries
// again, so the sandbox's clock and ours need not agree to the millisecond.
const identifyMargin = 300 * time.Millisecond

// runIdentifyConcurrency turns the sandbox's identify limit on for the
// experiment and logs two throwaway connections in at once: the second is
// told op 9, waits out the window, and then logs in. Every figure in the
// steps is measured from the records' times.
func runIdentifyConcurrency(r *run) error {
	restore := r.e.sb.EnforceIdentifyConcurrency()
	defer restore()

	first, err := r.concurrencyProbe("the first")
	if first != nil {
		defer first.ws.Close()
	}
	if err != nil {
		return err
	}
	firstIdentify, err := r.identifyOn(first, func(inspector.Record) string { return "the first connection sends Identify" })
	if err != nil {
		return err
	}
	if _, err := r.see("READY", isEvent("READY"), func(rec inspector.Record) string {
		return fmt.Sprintf("READY on the first connection, %s after its Identify", since(rec, firstIdentify))
	}); err != nil {
		return err
	}

	second, err := r.concurrencyProbe("a second")
	if second != nil {
		defer second.ws.Close()
	}
	if err != nil {
		return err
	}
	secondIdentify, err := r.identifyOn(second, func(rec inspector.Record) string {
		return fmt.Sprintf("the second connection sends Identify at once, %s after the first's", since(rec, firstIdentify))
	})
	if err != nil {
		return err
	}
	if secondIdentify.Time.Sub(firstIdentify.Time) >= identifyWindow {
		return fmt.Errorf("the second Identify went out %s after the first, outside the 5 s window", since(secondIdentify, firstIdentify))
	}
	if _, err := r.see("op 9 Invalid Session", isOp(gateway.Recv, gateway.OpInvalidSession), func(rec inspector.Record) string {
		return fmt.Sprintf("op 9 Invalid Session with d: %s to the second connection: its Identify came %s after the first, and max_concurrency 1 allows one Identify per 5 s", payloadD(rec), since(secondIdentify, firstIdentify))
	}); err != nil {
		return err
	}

	wait := time.Until(firstIdentify.Time.Add(identifyWindow + identifyMargin))
	select {
	case <-time.After(wait):
	case <-r.ctx.Done():
		return &errMissing{what: "the end of the identify window", target: "the experiments' own connection"}
	}
	if _, err := r.identifyOn(second, func(rec inspector.Record) string {
		return fmt.Sprintf("the second connection waited and sent Identify again, %s after the first connection's", since(rec, firstIdentify))
	}); err != nil {
		return err
	}
	_, err = r.see("READY", isEvent("READY"), func(rec inspector.Record) string {
		return fmt.Sprintf("READY on the second connection, %s after the first's Identify: the window had passed, so this Identify was let through", since(rec, firstIdentify))
	})
	return err
}

// concurrencyProbe opens one throwaway connection and reads its Hello.
func (r *run) concurrencyProbe(which string) (*probe, error) {
	p, err := r.openProbe("identify concurrency (op 9)", "v=10&encoding=json")
	if err != nil {
		return nil, err
	}
	_, err = r.see("Hello", isOp(gateway.Recv, gateway.OpHello), func(inspector.Record) string {
		return which + " throwaway connection, opened for this experiment: Hello"
	})
	return p, err
}

// identifyOn sends Identify on p and returns its record, reported by describe.
func (r *run) identifyOn(p *probe, describe func(inspector.Record) string) (inspector.Record, error) {
	if err := p.send(identifyFrame(sandbox.Token, gateway.IntentGuilds)); err != nil {
		return inspector.Record{}, err
	}
	return r.see("the Identify sent", isOp(gateway.Send, gateway.OpIdentify), describe)
}

// since is how long after earlier a record came, for the reader.
func since(rec, earlier inspector.Record) string {
	return fmt.Sprintf("%.2f s", rec.Time.Sub(earlier.Time).Seconds())
}
