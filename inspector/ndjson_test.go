package inspector

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

func loginSession(t *testing.T) *Session {
	t.Helper()
	s := NewSession(100)
	sink := func(f gateway.WireFrame) { s.Ingest(f) }
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms)*time.Millisecond + 123456) }
	sink(frame("c", gateway.Recv, at(0), fxHello))
	sink(frame("c", gateway.Send, at(5), fxIdentify))
	sink(frame("c", gateway.Recv, at(9), fxReady))
	sink(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: at(10), Data: guildCreate(3, 2)})
	sink(frame("c", gateway.Send, at(300), beat("2")))
	sink(frame("c", gateway.Recv, at(301), fxACK))
	sink(frame("c", gateway.Recv, at(400), fxMessage))
	sink(frame("c", gateway.Recv, at(401), "not json at all"))
	sink(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: at(500), Close: &gateway.CloseFrame{Code: 4000, Reason: "bye"}})
	return s
}

func TestExportImportRoundTrip(t *testing.T) {
	s := loginSession(t)
	var buf bytes.Buffer
	if err := s.ExportNDJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), testToken) {
		t.Fatal("export holds the token")
	}
	if !strings.Contains(buf.String(), `<@1350037460222083072> & welcome`) {
		t.Error("export escaped HTML characters in payloads")
	}
	got, err := ImportNDJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := s.Records(0, 0)
	if len(got) != len(want) {
		t.Fatalf("%d records back, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d differs:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	s2, err := importSession(bytes.NewReader(exportOf(t, s)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if again := exportOf(t, s2); !bytes.Equal(again, exportOf(t, s)) {
		t.Error("re-export of an imported session differs")
	}
}

func exportOf(t *testing.T, s *Session) []byte {
	var buf bytes.Buffer
	if err := s.ExportNDJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportReportsBadLinesAndKeepsTheRest(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(exportOf(t, loginSession(t)))), "\n")
	lines = append(lines[:2], append([]string{`{"index": oops`, ""}, lines[2:]...)...)
	lines = append(lines, `[1,2]`)
	got, err := ImportNDJSON(strings.NewReader(strings.Join(lines, "\n")))
	var le *LineError
	if !errors.As(err, &le) || le.Line != 3 {
		t.Fatalf("want a LineError on line 3, got %v", err)
	}
	if !strings.Contains(err.Error(), "line 12") {
		t.Errorf("the second bad line is not reported: %v", err)
	}
	if len(got) != 9 {
		t.Errorf("%d good records, want 9", len(got))
	}
}

func TestImportedIndexesSurviveARingThatWrapped(t *testing.T) {
	s := NewSession(4)
	addN(s, 10)
	s2, err := importSession(bytes.NewReader(exportOf(t, s)), 4)
	if err != nil {
		t.Fatal(err)
	}
	oldest, next := s2.Bounds()
	if oldest != 6 || next != 10 {
		t.Errorf("bounds %d..%d, want 6..10", oldest, next)
	}
	if r, ok := s2.Get(8); !ok || r.Index != 8 {
		t.Errorf("get 8: %v %v", r.Index, ok)
	}
	s2.add(Record{})
	if r, ok := s2.Get(10); !ok || r.Index != 10 {
		t.Errorf("a record added after restore: %v %v", r.Index, ok)
	}
}

// importSession reads an export into a new session that holds all of it.
func importSession(r io.Reader, capacity int) (*Session, error) {
	records, err := ImportNDJSON(r)
	s := NewSession(max(capacity, len(records)))
	if rerr := s.Restore(records); rerr != nil {
		return nil, rerr
	}
	return s, err
}
