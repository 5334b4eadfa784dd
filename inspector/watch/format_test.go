package watch

import (
	"context"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

var t0 = time.Date(2026, 11, 23, 21, 40, 0, 0, time.UTC)

const message = `{"t":"MESSAGE_CREATE","s":5,"op":0,"d":{"id":"1350037460222090001","channel_id":"1350037460222083110","guild_id":"1350037460222083100","content":"hello there","author":{"username":"alice","id":"1350037460222083300","discriminator":"0","avatar":null},"member":{"roles":[],"joined_at":"2026-11-01T10:00:00.000000+00:00","deaf":false,"mute":false}}}`

func annotate(frames ...gateway.WireFrame) []inspector.Record {
	s := inspector.NewSession(100)
	var out []inspector.Record
	for _, f := range frames {
		out = append(out, s.Ingest(f))
	}
	return out
}

func wf(dir gateway.Direction, ms int, text string) gateway.WireFrame {
	return gateway.WireFrame{Conn: "c", Dir: dir, Time: t0.Add(time.Duration(ms) * time.Millisecond), Data: []byte(text), WireSize: len(text)}
}

func TestLineShowsTheEssentials(t *testing.T) {
	recs := annotate(
		wf(gateway.Recv, 0, `{"op":10,"d":{"heartbeat_interval":1000}}`),
		wf(gateway.Send, 500, `{"op":1,"d":null}`),
		wf(gateway.Recv, 502, `{"op":11,"d":null}`),
		wf(gateway.Recv, 600, message),
		wf(gateway.Send, 3000, `{"op":1,"d":5}`),
		gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0.Add(4 * time.Second), Close: &gateway.CloseFrame{Code: 4004}},
	)
	msg := Line(recs[3], false)
	for _, want := range []string{"#3", "↓", "Dispatch", "MESSAGE_CREATE", "s=5", "alice: hello there", t0.Add(600 * time.Millisecond).Local().Format("15:04:05.600")} {
		if !strings.Contains(msg, want) {
			t.Errorf("message line %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "\x1b") {
		t.Errorf("colour off but line has escapes: %q", msg)
	}
	if beat := Line(recs[1], false); !strings.Contains(beat, "↑") || !strings.Contains(beat, "Heartbeat") {
		t.Errorf("beat line %q", beat)
	}
	if ack := Line(recs[2], false); !strings.Contains(ack, "ACK after 2.0 ms") {
		t.Errorf("ack line %q", ack)
	}
	if late := Line(recs[4], false); !strings.Contains(late, "LATE") {
		t.Errorf("late beat line %q", late)
	}
	if cl := Line(recs[5], false); !strings.Contains(cl, "4004 Authentication failed") || !strings.Contains(cl, "not valid") {
		t.Errorf("close line %q", cl)
	}
	if colored := Line(recs[3], true); !strings.Contains(colored, "\x1b[35mMESSAGE_CREATE\x1b[0m") {
		t.Errorf("coloured line %q", colored)
	}
}

func TestDetailShowsNotesTermsAndPrettyPayload(t *testing.T) {
	r := annotate(wf(gateway.Recv, 0, message))[0]
	d := Detail(r, false)
	for _, want := range []string{"· MESSAGE_CREATE: A message was posted", "◆ d.author user", "◆ d.member member", `      "content": "hello there",`} {
		if !strings.Contains(d, want) {
			t.Errorf("detail lacks %q:\n%s", want, d)
		}
	}
	if c := Detail(r, true); !strings.Contains(c, "\x1b[") {
		t.Error("coloured detail has no colour")
	}
}

func TestRunShowsAFrameChannel(t *testing.T) {
	frames := make(chan gateway.WireFrame, 3)
	frames <- wf(gateway.Recv, 0, `{"op":10,"d":{"heartbeat_interval":1000}}`)
	frames <- wf(gateway.Recv, 1, message)
	close(frames)
	var out strings.Builder
	if err := Run(context.Background(), Options{Frames: frames, JSON: true}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"index":0,`) || !strings.HasPrefix(lines[1], `{"index":1,`) {
		t.Errorf("NDJSON output:\n%s", out.String())
	}
	recs, err := inspector.ImportNDJSON(strings.NewReader(out.String()))
	if err != nil || len(recs) != 2 || recs[1].Summary != "alice: hello there" {
		t.Errorf("read back %+v %v", recs, err)
	}
}

// TestDetailOfADeepPayloadIsANote: the pretty printer recurses, so a
// payload nested deeper than the annotator walks is printed as it is,
// with a note, instead.
func TestDetailOfADeepPayloadIsANote(t *testing.T) {
	deep := `{"op":0,"t":"X","s":1,"d":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`
	r := annotate(wf(gateway.Recv, 0, deep))[0]
	out := Detail(r, false)
	if !strings.Contains(out, "nested deeper than 1000 levels: not pretty-printed") || !strings.Contains(out, strings.Repeat("[", 5000)) {
		t.Fatalf("detail of a deep payload:\n%.400s", out)
	}
}
