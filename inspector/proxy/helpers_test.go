package proxy

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/internal/testkit"
	"gatewaytour/inspector/sandbox"
)

// setup serves a quiet sandbox as the upstream and a proxy in front of it.
func setup(t *testing.T) (*sandbox.Server, *httptest.Server, *collector) {
	t.Helper()
	s := sandbox.New(sandbox.Config{HeartbeatInterval: 10 * time.Second, HeartbeatGrace: 10 * time.Second, ServerHeartbeatEvery: -1})
	upstream := httptest.NewServer(s.Handler())
	k := &collector{}
	p, err := New(Config{Upstream: upstream.URL, Sink: k.Add})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p.Handler())
	t.Cleanup(func() {
		front.Close()
		s.Close()
		upstream.Close()
	})
	return s, front, k
}

// collector keeps every frame the proxy reports.
type collector struct{ testkit.Frames }

// find returns the first frame for which match holds.
func (k *collector) find(match func(gateway.WireFrame, gateway.Payload) bool) (gateway.WireFrame, bool) {
	for _, f := range k.All() {
		var p gateway.Payload
		if f.Data != nil && !gateway.IsRESTExchange(f.Data) {
			p, _ = gateway.DecodePayload(f.Data)
		}
		if match(f, p) {
			return f, true
		}
	}
	return gateway.WireFrame{}, false
}

func dispatch(t string) func(gateway.WireFrame, gateway.Payload) bool {
	return func(_ gateway.WireFrame, p gateway.Payload) bool {
		return p.Op == gateway.OpDispatch && p.T != nil && *p.T == t
	}
}

func sent(op gateway.Opcode) func(gateway.WireFrame, gateway.Payload) bool {
	return func(f gateway.WireFrame, p gateway.Payload) bool {
		return f.Dir == gateway.Send && f.Data != nil && !gateway.IsRESTExchange(f.Data) && p.Op == op
	}
}

func restCall(prefix string) func(gateway.WireFrame, gateway.Payload) bool {
	return func(f gateway.WireFrame, _ gateway.Payload) bool {
		if !gateway.IsRESTExchange(f.Data) {
			return false
		}
		var ex gateway.RESTExchange
		return json.Unmarshal(f.Data, &ex) == nil && strings.HasPrefix(ex.HTTP, prefix) && ex.Status == 200
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func botSaid(s *sandbox.Server, text string) bool {
	for _, m := range s.Messages(sandbox.BotCommandsID) {
		if m.Author.ID == sandbox.BotID && m.Content == text {
			return true
		}
	}
	return false
}

// assertBotSeen checks the frames a hello-world bot's run must leave in
// the sink, and that the token is nowhere in them.
func assertBotSeen(t *testing.T, k *collector, front *httptest.Server) {
	t.Helper()
	id, ok := k.find(sent(gateway.OpIdentify))
	if !ok {
		t.Fatal("no Identify in the sink")
	}
	if !strings.Contains(string(id.Data), `"[redacted token]"`) {
		t.Fatalf("Identify as reported: %s", id.Data)
	}
	ready, ok := k.find(dispatch("READY"))
	if !ok {
		t.Fatal("no READY in the sink")
	}
	p, _ := gateway.DecodePayload(ready.Data)
	var d gateway.Ready
	_ = json.Unmarshal(p.D, &d)
	if want := "ws" + strings.TrimPrefix(front.URL, "http") + "/gateway/resume/"; !strings.HasPrefix(d.ResumeGatewayURL, want) {
		t.Fatalf("resume_gateway_url = %q, want it under %q", d.ResumeGatewayURL, want)
	}
	if _, ok := k.find(func(f gateway.WireFrame, p gateway.Payload) bool {
		return dispatch("MESSAGE_CREATE")(f, p) && strings.Contains(string(p.D), `"content":"!hello"`)
	}); !ok {
		t.Fatal("the member's MESSAGE_CREATE is not in the sink")
	}
	if _, ok := k.find(restCall("POST /api/")); !ok {
		t.Fatal("the reply's REST POST is not in the sink")
	}
	for _, f := range k.All() {
		if strings.Contains(string(f.Data), sandbox.Token) || (f.Close != nil && strings.Contains(f.Close.Reason, sandbox.Token)) {
			t.Fatalf("the token reached the sink: %s", f.Data)
		}
	}
}
