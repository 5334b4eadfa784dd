package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
	"gatewaytour/inspector/sandbox"
)

// world is a sandbox on 127.0.0.1 with the inspector logged in to it.
type world struct {
	sb  *sandbox.Server
	hub *live.Hub
	eng *Engine
	ts  *httptest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	sb := sandbox.New(sandbox.Config{ServerHeartbeatEvery: -1})
	ts := httptest.NewServer(sb.Handler())
	hub := live.New(live.Config{Sandbox: sb, SandboxREST: ts.URL + "/api/v10"})
	t.Cleanup(func() {
		hub.Close()
		sb.Close()
		ts.Close()
	})
	if err := hub.ConnectSandbox(gateway.AllIntents); err != nil {
		t.Fatal(err)
	}
	w := &world{sb: sb, hub: hub, ts: ts}
	w.eng = New(sb, hub, func() string { return "ws" + strings.TrimPrefix(ts.URL, "http") + "/gateway" })
	w.waitHealthy(t)
	return w
}

// waitHealthy waits until the inspector is logged in (identified or resumed).
func (w *world) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, _ := w.hub.Stream(InspectorStream)
		info := st.Info()
		if info.State.Kind == live.StateIdentified && len(w.sb.Connections()) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the inspector is not healthy: %+v", info.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// records returns a stream's records from index from on.
func (w *world) records(stream string, from int64) []inspector.Record {
	st, _ := w.hub.Stream(stream)
	return st.Session().Records(from, 100000)
}

// produces reports whether a record matches a catalogue "op=N", "t=EVENT"
// or "close=CODE" entry.
func produces(rec inspector.Record, what string) bool {
	key, value, _ := strings.Cut(what, "=")
	switch key {
	case "op":
		return rec.Op != nil && fmt.Sprint(int(*rec.Op)) == value
	case "t":
		return rec.T != nil && *rec.T == value
	case "close":
		return rec.Close != nil && fmt.Sprint(int(rec.Close.Code)) == value
	case "rest":
		var ex gateway.RESTExchange
		return rec.OpName == "REST" && json.Unmarshal(rec.Payload, &ex) == nil && fmt.Sprint(ex.Status) == value
	}
	return false
}

// checkResult checks the steps point at real records, in order, and that
// every frame the catalogue promises was recorded during the experiment.
func checkResult(t *testing.T, w *world, spec Spec, res Result, from map[string]int64) {
	t.Helper()
	if len(res.Steps) == 0 {
		t.Fatalf("%s: only %d steps: %+v", spec.Name, len(res.Steps), res.Steps)
	}
	last := map[string]int64{}
	var seen []inspector.Record
	for _, s := range res.Steps {
		if prev, ok := last[s.Stream]; ok && s.Index <= prev {
			t.Fatalf("%s: steps out of order: %+v", spec.Name, res.Steps)
		}
		last[s.Stream] = s.Index
		if s.Text == "" {
			t.Fatalf("%s: a step without text", spec.Name)
		}
	}
	for stream := range last {
		seen = append(seen, w.records(stream, from[stream])...)
	}
	for _, want := range spec.Produces {
		found := false
		for _, rec := range seen {
			found = found || produces(rec, want)
		}
		if !found {
			t.Errorf("%s promises %s, but no such frame was recorded; steps: %s", spec.Name, want, res.Summary)
		}
	}
}

func nextIndexes(w *world) map[string]int64 {
	out := map[string]int64{}
	for _, s := range w.hub.Streams() {
		out[s.ID] = s.Next
	}
	return out
}

func TestEveryExperimentOnTheInspector(t *testing.T) {
	w := newWorld(t)
	for _, spec := range All() {
		t.Run(spec.Name, func(t *testing.T) {
			from := nextIndexes(w)
			res, err := w.eng.Run(context.Background(), spec.Name, "")
			if err != nil {
				t.Fatalf("%v; steps: %s", err, res.Summary)
			}
			checkResult(t, w, spec, res, from)
			w.waitHealthy(t)
			if got := w.sb.EnabledPrivileged(); got != gateway.PrivilegedIntents {
				t.Fatalf("the portal switches were left at %s", got)
			}
		})
	}
}

func TestZombieExplainsInOrder(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "zombie", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"op 7", "heartbeat_interval 2000 ms", "Resume (op 6)", "RESUMED", "no op 11 ACK", "zombie: the client closed the websocket with 4000", "Hello", "Resume (op 6)", "RESUMED"}
	checkOrder(t, res, want)
	// The connection it came back on has the ordinary interval again.
	recs := w.records(InspectorStream, res.Steps[len(res.Steps)-3].Index)
	if recs[0].Heartbeat == nil || recs[0].Heartbeat.IntervalMS != 41250 {
		t.Fatalf("the last Hello is %+v, want the ordinary 41250 ms", recs[0].Heartbeat)
	}
}

func checkOrder(t *testing.T, res Result, want []string) {
	t.Helper()
	i := 0
	for _, s := range res.Steps {
		if i < len(want) && strings.Contains(s.Text, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("the explanation lacks %q (in order); it reads: %s", want[i], res.Summary)
	}
}

func TestMessageContentOffShowsTheExemptions(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "message-content-off", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"without MESSAGE_CONTENT", `#general: content is ""`, "DM to the bot: content \"a secret, in a DM\" arrives whole", "mentioning the bot: content", "bot's own message: content", "READY"})
	if got := w.eng.inspectorIntents(); got != gateway.AllIntents {
		t.Fatalf("the inspector was left with %s", got)
	}
}

func TestBusyAndBadTargets(t *testing.T) {
	w := newWorld(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.eng.Run(context.Background(), "reconnect", "")
		}()
	}
	wg.Wait()
	var busy *ErrBusy
	if !(errors.As(errs[0], &busy) != errors.As(errs[1], &busy)) {
		t.Fatalf("two presses at once: %v, %v (want one refused as busy)", errs[0], errs[1])
	}
	if !strings.Contains(busy.Error(), "still running on the inspector's own connection") {
		t.Fatalf("busy message: %v", busy)
	}
	if _, err := w.eng.Run(context.Background(), "no-such", ""); !errors.Is(err, ErrUnknown) {
		t.Fatalf("unknown experiment: %v", err)
	}
	if _, err := w.eng.Run(context.Background(), "reconnect", "sandbox-99"); err == nil || !strings.Contains(err.Error(), "no stream") {
		t.Fatalf("a bot that is not there: %v", err)
	}
	// A closed tab (the request's context ends) does not cut an
	// experiment short: it runs to its end and restores what it changed.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.eng.Run(ctx, "disallowed-intents", ""); err != nil {
		t.Fatalf("with the caller gone: %v", err)
	}
	if got := w.sb.EnabledPrivileged(); got != gateway.PrivilegedIntents {
		t.Fatalf("switches left at %s", got)
	}
	w.waitHealthy(t)
}

func TestDisallowedIntentsHonoursTheReadersSwitch(t *testing.T) {
	w := newWorld(t)
	w.sb.SetEnabledPrivileged(gateway.PrivilegedIntents &^ gateway.IntentGuildPresences)
	res, err := w.eng.Run(context.Background(), "disallowed-intents", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"GUILD_PRESENCES", "4014", "without GUILD_PRESENCES"})
	if got := w.sb.EnabledPrivileged(); got.Has(gateway.IntentGuildPresences) {
		t.Fatal("the experiment turned the reader's switch back on")
	}
	w.waitHealthy(t)
}

func TestRateLimitCountsDown(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "rate-limit", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"Remaining 4 of 5", "Remaining 3 of 5", "Remaining 2 of 5", "Remaining 1 of 5", "Remaining 0 of 5", "429 Too Many Requests: \"You are being rate limited.\", retry_after"})
	if msgs := w.sb.Messages(sandbox.BotCommandsID); len(msgs) != 0 {
		t.Fatalf("the experiment left %d messages behind", len(msgs))
	}
}

func TestSilenceExperimentsExplain(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "late-beat", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"heartbeat_interval 1500 ms", "READY", "a beat on time", "op 11", "marked late", "op 11 ACK all the same"})
	res, err = w.eng.Run(context.Background(), "silent", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"heartbeat_interval 1500 ms", "READY", "the sandbox closed the websocket with 4009"})
}

func TestProbesShareOneStream(t *testing.T) {
	w := newWorld(t)
	var streams []string
	for _, name := range []string{"wrong-token", "undecodable", "unknown-message", "wrong-token"} {
		res, err := w.eng.Run(context.Background(), name, "")
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, res.Stream)
	}
	for _, s := range streams[1:] {
		if s != streams[0] {
			t.Fatalf("presses made streams %v; they should share one", streams)
		}
	}
	if n := len(w.hub.Streams()); n > 3 {
		t.Fatalf("the hub holds %d streams after four presses", n)
	}
}

func TestProbesNeedNoInspector(t *testing.T) {
	w := newWorld(t)
	if err := w.hub.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.Run(context.Background(), "reconnect", ""); err == nil || !strings.Contains(err.Error(), "not logged in to the sandbox") {
		t.Fatalf("op 7 with the inspector stopped: %v", err)
	}
	if res, err := w.eng.Run(context.Background(), "invalid-intents", ""); err != nil || !strings.Contains(res.Summary, "4013") {
		t.Fatalf("a probe with the inspector stopped: %v %s", err, res.Summary)
	}
}

func TestInteractionMemberOrUser(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "interaction-guild-and-dm", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{"d.member with the user nested at d.member.user (ada), and no d.user", "d.user (ada) and no d.member, since there is no guild"})
	if cmds := w.sb.Commands(); len(cmds.Global) != 0 {
		t.Fatalf("the experiment's command was left registered: %+v", cmds.Global)
	}
}
