package live

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// TestClientStatesMap feeds the client's state changes one by one and
// checks the state a viewer would read after each.
func TestClientStatesMap(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	c := &connection{target: TargetDiscord, intents: gateway.IntentGuilds, scrub: func(s string) string {
		return strings.ReplaceAll(s, "tok.en.secret", "[redacted token]")
	}}
	steps := []struct {
		in         client.State
		kind       string
		detail     string
		session    string
		closeCode  gateway.CloseCode
		hasCloseOn bool
	}{
		{in: client.State{Kind: client.StateConnecting}, kind: StateConnecting, detail: "Discord's gateway"},
		{in: client.State{Kind: client.StateIdentifying}, kind: StateConnecting, detail: "Identify"},
		{in: client.State{Kind: client.StateReady, SessionID: "s1"}, kind: StateIdentified, detail: "READY", session: "s1"},
		{in: client.State{Kind: client.StateClosed, Code: 4000}, kind: StateClosed, detail: "4000", session: "s1", closeCode: 4000, hasCloseOn: true},
		{in: client.State{Kind: client.StateWaiting, Wait: 1500 * time.Millisecond}, kind: StateClosed, detail: "1.5s", session: "s1", closeCode: 4000, hasCloseOn: true},
		{in: client.State{Kind: client.StateResuming, SessionID: "s1"}, kind: StateResuming, detail: "resume", session: "s1", closeCode: 4000, hasCloseOn: true},
		{in: client.State{Kind: client.StateResumed, SessionID: "s1"}, kind: StateIdentified, detail: "RESUMED", session: "s1", closeCode: 4000, hasCloseOn: true},
		{in: client.State{Kind: client.StateClosed, Code: 4004}, kind: StateClosed, detail: "Fix:", session: "s1", closeCode: 4004, hasCloseOn: true},
		{in: client.State{Kind: client.StateStopped, Err: &client.CloseError{Code: 4004, Info: gateway.LookupClose(4004)}}, kind: StateClosed, detail: "Stopped", closeCode: 4004, hasCloseOn: true},
		{in: client.State{Kind: client.StateStopped, Err: errors.New("dial: token tok.en.secret refused")}, kind: StateStopped, detail: "[redacted token]", closeCode: 4004, hasCloseOn: true},
		{in: client.State{Kind: client.StateStopped, Err: context.Canceled}, kind: StateStopped, detail: "Stopped.", closeCode: 4004, hasCloseOn: true},
	}
	for i, step := range steps {
		h.clientState(c, step.in)
		st := h.inspector.Info().State
		if st.Kind != step.kind || !strings.Contains(st.Detail, step.detail) || st.SessionID != step.session || st.Target != TargetDiscord {
			t.Errorf("step %d (%s): state %+v, want kind %s, detail with %q, session %q", i, step.in.Kind, st, step.kind, step.detail, step.session)
		}
		if (st.Close != nil) != step.hasCloseOn || (st.Close != nil && st.Close.Code != step.closeCode) {
			t.Errorf("step %d (%s): close %+v, want code %d", i, step.in.Kind, st.Close, step.closeCode)
		}
		if strings.Contains(st.Detail, "tok.en.secret") {
			t.Errorf("step %d: the detail holds the token: %q", i, st.Detail)
		}
	}
	// A retired connection's late news is ignored.
	c.retired.Store(true)
	h.clientState(c, client.State{Kind: client.StateReady, SessionID: "late"})
	if st := h.inspector.Info().State; st.SessionID == "late" {
		t.Errorf("a retired connection changed the state: %+v", st)
	}
}
