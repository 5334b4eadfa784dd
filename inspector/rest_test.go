package inspector

import (
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func TestRESTExchangesAreRecordsNotErrors(t *testing.T) {
	a := newAnnotator(&Secrets{})
	ex := gateway.RESTExchange{
		HTTP:    "POST /api/v10/channels/1350038244556931075/messages",
		Status:  200,
		Request: []byte(`{"content":"Hello, ada!"}`),
		Body:    []byte(`{"id":"1","content":"Hello, ada!"}`),
	}
	r := a.annotate(ex.Frame("hello-1", "hello-world bot", time.Now()))
	if r.Error != "" || r.OpName != "REST" || r.Op != nil {
		t.Fatalf("record: op_name=%q op=%v error=%q", r.OpName, r.Op, r.Error)
	}
	if r.Summary != "POST /api/v10/channels/1350038244556931075/messages → 200" {
		t.Errorf("summary = %q", r.Summary)
	}
	if !strings.Contains(strings.Join(r.Notes, " "), "MESSAGE_CREATE") {
		t.Errorf("notes do not explain the message endpoint: %q", r.Notes)
	}
	if !strings.Contains(string(r.Payload), `"Hello, ada!"`) {
		t.Errorf("payload lost the exchange: %s", r.Payload)
	}

	denied := a.annotate(gateway.RESTExchange{HTTP: "GET /api/v10/gateway/bot", Status: 401, Body: []byte(`{"message":"401: Unauthorized","code":0}`)}.Frame("hello-1", "", time.Now()))
	if notes := strings.Join(denied.Notes, " "); !strings.Contains(notes, "401") || !strings.Contains(notes, "session starts") {
		t.Errorf("401 on /gateway/bot explained as %q", notes)
	}
}
