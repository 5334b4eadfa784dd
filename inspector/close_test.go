package inspector

import (
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

// TestACloseIsExplainedByWhoClosed: the gateway's 4000 is trouble on its
// side; a client's 4000 is how it keeps its session for a Resume. The
// record's notes and the sentence a banner shows say the same.
func TestACloseIsExplainedByWhoClosed(t *testing.T) {
	server := ExplainClose(4000, "", gateway.Recv)
	client := ExplainClose(4000, "zombie", gateway.Send)
	if !strings.Contains(server.Meaning, "gateway's side") || !server.CanResume {
		t.Errorf("the gateway's 4000: %+v", server)
	}
	if strings.Contains(client.Sentence(), "gateway's side") || !strings.Contains(client.Sentence(), "to keep its session") ||
		!strings.Contains(client.Sentence(), `reason "zombie"`) || !client.CanResume || client.Fix != "" {
		t.Errorf("a client's 4000: %+v / %s", client, client.Sentence())
	}
	r := NewSession(4).Ingest(gateway.WireFrame{Conn: "c", Dir: gateway.Send, Time: t0, Close: &gateway.CloseFrame{Code: 4000, Reason: "zombie"}})
	if !strings.Contains(strings.Join(r.Notes, " "), client.Meaning) || r.Close.Meaning != client.Meaning {
		t.Errorf("the record's notes %q and close %+v tell another story than %q", r.Notes, r.Close, client.Meaning)
	}
	if normal := ExplainClose(1000, "", gateway.Send); normal.CanResume {
		t.Errorf("a client's 1000 ends the session: %+v", normal)
	}
	if fatal := ExplainClose(4004, "", gateway.Recv); !strings.Contains(fatal.Sentence(), "Fix:") {
		t.Errorf("a close that reconnecting cannot help names the fix: %s", fatal.Sentence())
	}
}
