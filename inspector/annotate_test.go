package inspector

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

var t0 = time.Date(2026, 11, 23, 21, 40, 0, 0, time.UTC)

func termMap(r Record) map[string]gateway.TermKind {
	m := map[string]gateway.TermKind{}
	for _, t := range r.Terms {
		m[t.Path] = t.Kind
	}
	return m
}

func wantTerms(t *testing.T, r Record, want map[string]gateway.TermKind) {
	t.Helper()
	got := termMap(r)
	for p, k := range want {
		if got[p] != k {
			t.Errorf("%s: term %s = %q, want %q (all: %v)", r.OpName, p, got[p], k, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d terms %v, want %d %v", r.OpName, len(got), got, len(want), want)
	}
	for _, term := range r.Terms {
		if term.Note == "" {
			t.Errorf("term %s has no note", term.Path)
		}
	}
}

func TestLoginSequenceIsAnnotated(t *testing.T) {
	a := newAnnotator(&Secrets{})
	hello := a.annotate(frame("c1", gateway.Recv, t0, fxHello))
	if hello.Op == nil || *hello.Op != gateway.OpHello || hello.OpName != "Hello" || hello.Heartbeat == nil || hello.Heartbeat.IntervalMS != 41250 {
		t.Fatalf("hello: %+v", hello)
	}
	if hello.T != nil || hello.S != nil {
		t.Errorf("hello has t/s: %v %v", hello.T, hello.S)
	}
	ident := a.annotate(frame("c1", gateway.Send, t0.Add(10*time.Millisecond), fxIdentify))
	if strings.Contains(string(ident.Payload), testToken) || !strings.Contains(string(ident.Payload), `"token":"`+RedactedToken+`"`) {
		t.Errorf("identify payload not redacted: %s", ident.Payload)
	}
	if !json.Valid(ident.Payload) {
		t.Errorf("identify payload invalid: %s", ident.Payload)
	}
	if ident.Peer != "discord.py" {
		t.Errorf("peer = %q, want discord.py from the properties", ident.Peer)
	}
	if !strings.Contains(strings.Join(ident.Notes, " "), "GUILD_MESSAGES") || !strings.Contains(strings.Join(ident.Notes, " "), "MESSAGE_CONTENT") {
		t.Errorf("identify notes lack intents: %q", ident.Notes)
	}
	ready := a.annotate(frame("c1", gateway.Recv, t0.Add(50*time.Millisecond), fxReady))
	if ready.T == nil || *ready.T != "READY" || ready.S == nil || *ready.S != 1 {
		t.Fatalf("ready t/s: %+v", ready)
	}
	wantTerms(t, ready, map[string]gateway.TermKind{"d.user": "user", "d.guilds[0]": "guild", "d.guilds[1]": "guild"})
	if !strings.Contains(ready.Summary, "tourbot") || !strings.Contains(ready.Summary, "2 guild") {
		t.Errorf("ready summary %q", ready.Summary)
	}
	if ready.Peer != "discord.py" {
		t.Errorf("later frames of the connection should carry the peer, got %q", ready.Peer)
	}
	gc := a.annotate(gateway.WireFrame{Conn: "c1", Dir: gateway.Recv, Time: t0.Add(60 * time.Millisecond), Data: guildCreate(2, 2)})
	wantTerms(t, gc, map[string]gateway.TermKind{
		"d": "guild", "d.members[0]": "member", "d.members[0].user": "user", "d.members[1]": "member", "d.members[1].user": "user",
		"d.presences[0].user": "user", "d.presences[1].user": "user",
	})
	if !strings.Contains(strings.Join(gc.Notes, " "), "GUILDS") {
		t.Errorf("guild create notes lack the gating intent: %q", gc.Notes)
	}
	if ident.Summary == "" || gc.Summary == "" {
		t.Errorf("missing summaries: %q %q", ident.Summary, gc.Summary)
	}
}

func TestTermsSitWhereTheCatalogSays(t *testing.T) {
	cases := []struct {
		name  string
		frame string
		want  map[string]gateway.TermKind
	}{
		{"message create", fxMessage, map[string]gateway.TermKind{
			"d.author": "user", "d.member": "member", "d.mentions[0]": "user", "d.mentions[0].member": "member",
			"d.referenced_message.author": "user",
		}},
		{"member add", fxMemberAdd, map[string]gateway.TermKind{"d": "member", "d.user": "user"}},
		{"typing", fxTyping, map[string]gateway.TermKind{"d.member": "member", "d.member.user": "user"}},
		{"presence", fxPresence, map[string]gateway.TermKind{"d.user": "user"}},
		{"interaction in a guild", fxInteractionGuild, map[string]gateway.TermKind{"d.member": "member", "d.member.user": "user"}},
		{"interaction in a DM", fxInteractionDM, map[string]gateway.TermKind{"d.user": "user"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newAnnotator(&Secrets{}).annotate(frame("c", gateway.Recv, t0, c.frame))
			wantTerms(t, r, c.want)
		})
	}
}

func TestCatalogNotesWinOverShapeNotes(t *testing.T) {
	r := newAnnotator(&Secrets{}).annotate(frame("c", gateway.Recv, t0, fxMessage))
	ev, _ := gateway.LookupEvent("MESSAGE_CREATE")
	for _, term := range r.Terms {
		if term.Path == "d.member" && term.Note != ev.Terms[1].Note {
			t.Errorf("d.member note %q, want the catalog's %q", term.Note, ev.Terms[1].Note)
		}
	}
}

func TestTermsFoundWhenTComesAfterD(t *testing.T) {
	// Go's encoding/json writes the envelope in struct order: op, d, s, t.
	var msg gateway.Message
	if err := json.Unmarshal([]byte(fxMessage[strings.Index(fxMessage, `"d":`)+4:len(fxMessage)-1]), &msg); err != nil {
		t.Fatal(err)
	}
	p, err := gateway.NewDispatch("MESSAGE_CREATE", 3, msg)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(p)
	if strings.Index(string(raw), `"t"`) < strings.Index(string(raw), `"d"`) {
		t.Fatalf("fixture should have t after d: %s", raw)
	}
	r := newAnnotator(&Secrets{}).annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Data: raw})
	got := termMap(r)
	if got["d.member"] != gateway.TermMember || got["d.author"] != gateway.TermUser || got["d.mentions[0]"] != gateway.TermUser {
		t.Errorf("terms %v", got)
	}
	ev, _ := gateway.LookupEvent("MESSAGE_CREATE")
	for _, term := range r.Terms {
		if term.Path == "d.author" && term.Note != ev.Terms[0].Note {
			t.Errorf("d.author should carry the catalog note, got %q", term.Note)
		}
	}
}

func TestUnknownEventsAndOpsAreShownWithShapeTerms(t *testing.T) {
	a := newAnnotator(&Secrets{})
	r := a.annotate(frame("c", gateway.Recv, t0, `{"t":"FUTURE_THING","s":3,"op":0,"d":{"guild":{"id":"1","name":"g","owner_id":"2"},"who":{"id":"3","username":"dan"},"seat":{"roles":[],"joined_at":null},"users":[{"id":"4"}],"recipients":[{"id":"5"}]}}`))
	wantTerms(t, r, map[string]gateway.TermKind{"d.guild": "guild", "d.who": "user", "d.seat": "member", "d.users[0]": "user", "d.recipients[0]": "user"})
	if r.T == nil || *r.T != "FUTURE_THING" || !strings.Contains(strings.Join(r.Notes, " "), "not in the event catalog") {
		t.Errorf("unknown event: %+v", r)
	}
	u := a.annotate(frame("c", gateway.Recv, t0, `{"op":42,"d":{"x":1}}`))
	if u.Op == nil || *u.Op != 42 || u.OpName != "Unknown op 42" || !strings.Contains(u.Notes[0], "not a documented") {
		t.Errorf("unknown op: %+v", u)
	}
}

func TestHeartbeatTimingAckAndLateness(t *testing.T) {
	a := newAnnotator(&Secrets{})
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	a.annotate(frame("c", gateway.Recv, at(0), `{"op":10,"d":{"heartbeat_interval":1000}}`))
	first := a.annotate(frame("c", gateway.Send, at(400), beat("null")))
	if hb := first.Heartbeat; hb == nil || hb.JitterMS == nil || *hb.JitterMS != 400 || hb.Late || hb.IntervalMS != 1000 {
		t.Fatalf("first beat: %+v", first.Heartbeat)
	}
	ack := a.annotate(frame("c", gateway.Recv, at(403), fxACK))
	if hb := ack.Heartbeat; hb == nil || hb.AckRTTMS == nil || *hb.AckRTTMS != 3 {
		t.Fatalf("ack rtt: %+v", ack.Heartbeat)
	}
	onTime := a.annotate(frame("c", gateway.Send, at(1400), beat("null")))
	if hb := onTime.Heartbeat; hb.Late || hb.SinceLastMS == nil || *hb.SinceLastMS != 1000 || hb.MissedAcks != 0 {
		t.Errorf("on-time beat: %+v", hb)
	}
	// No ACK for that beat; the next one is also 600 ms late.
	late := a.annotate(frame("c", gateway.Send, at(3000), beat("null")))
	if hb := late.Heartbeat; !hb.Late || hb.MissedAcks != 1 || hb.DueAt == nil || !hb.DueAt.Equal(at(4000)) {
		t.Errorf("late beat: %+v", hb)
	}
	notes := strings.Join(late.Notes, " ")
	if !strings.Contains(notes, "Late") || !strings.Contains(notes, "zombie") {
		t.Errorf("late beat notes: %q", late.Notes)
	}
	a.annotate(frame("c", gateway.Recv, at(3001), fxACK))
	next := a.annotate(frame("c", gateway.Send, at(4000), beat("null")))
	if next.Heartbeat.MissedAcks != 0 || next.Heartbeat.Late {
		t.Errorf("after an ACK the count resets: %+v", next.Heartbeat)
	}
}

func TestFirstBeatJudgedAgainstTheJitterWindow(t *testing.T) {
	a := newAnnotator(&Secrets{})
	a.annotate(frame("c", gateway.Recv, t0, `{"op":10,"d":{"heartbeat_interval":1000}}`))
	r := a.annotate(frame("c", gateway.Send, t0.Add(1500*time.Millisecond), beat("null")))
	if !r.Heartbeat.Late || *r.Heartbeat.JitterMS != 1500 {
		t.Errorf("a first beat after the whole interval is late: %+v", r.Heartbeat)
	}
}

func TestBeatCarryingAStaleSequenceIsNoted(t *testing.T) {
	a := newAnnotator(&Secrets{})
	a.annotate(frame("c", gateway.Recv, t0, `{"op":10,"d":{"heartbeat_interval":1000}}`))
	a.annotate(frame("c", gateway.Recv, t0, fxPresence)) // s=6
	r := a.annotate(frame("c", gateway.Send, t0.Add(time.Second), beat("2")))
	if !strings.Contains(strings.Join(r.Notes, " "), "last sequence received was 6") {
		t.Errorf("notes %q", r.Notes)
	}
}

func TestServerBeatRequestAndConnectionsAreSeparate(t *testing.T) {
	a := newAnnotator(&Secrets{})
	a.annotate(frame("a", gateway.Recv, t0, `{"op":10,"d":{"heartbeat_interval":1000}}`))
	a.annotate(frame("b", gateway.Recv, t0, `{"op":10,"d":{"heartbeat_interval":5000}}`))
	req := a.annotate(frame("a", gateway.Recv, t0.Add(time.Second), `{"op":1,"d":null}`))
	if req.Heartbeat == nil || req.Heartbeat.IntervalMS != 1000 || !strings.Contains(strings.Join(req.Notes, " "), "at once") {
		t.Errorf("server beat: %+v %q", req.Heartbeat, req.Notes)
	}
	rb := a.annotate(frame("b", gateway.Send, t0.Add(time.Second), beat("null")))
	if rb.Heartbeat.IntervalMS != 5000 || rb.Heartbeat.Late {
		t.Errorf("connection b: %+v", rb.Heartbeat)
	}
}

func TestCloseIsExplained(t *testing.T) {
	a := newAnnotator(&Secrets{})
	r := a.annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Close: &gateway.CloseFrame{Code: 4014, Reason: "Disallowed intent(s)."}})
	if r.Close == nil || r.Close.Code != 4014 || r.Close.CanResume || r.Close.Reconnect || !strings.Contains(r.Close.Fix, "Developer Portal") {
		t.Fatalf("close: %+v", r.Close)
	}
	if r.Op != nil || r.OpName != "Close" || !strings.Contains(r.Notes[0], "server closed") {
		t.Errorf("close record: %+v", r)
	}
	raw, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(raw), `"close":{"code":4014`) || !strings.Contains(string(raw), `"op":null`) {
		t.Errorf("close json %s %v", raw, err)
	}
}

func TestUndecodableFramesAreKeptWithAnError(t *testing.T) {
	a := newAnnotator(&Secrets{})
	// The last one is a heartbeat with a string that is not UTF-8: the
	// sandbox, like Discord, closes it with 4002, so it is no good frame.
	for _, text := range []string{`{"op":`, "\x00\xff binary", `[1,2]`, `{"op":"1"}`, `{"op":1}trailing`, "{\"op\":1,\"d\":null,\"x\":\"caf\xe9\"}"} {
		r := a.annotate(frame("c", gateway.Recv, t0, text))
		if r.Error == "" || !json.Valid(r.Payload) {
			t.Errorf("%q: error %q payload %s", text, r.Error, r.Payload)
		}
	}
	r := a.annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, WireSize: 900, Error: "inflated past the limit (1048576 bytes)"})
	if r.Error != "inflated past the limit (1048576 bytes)" || r.Size != 900 || r.Payload != nil {
		t.Errorf("inflate error: %+v", r)
	}
}

func TestWhitespaceIsCompactedSoExportsReadBack(t *testing.T) {
	text := "{\"op\": 11,\n \"d\": null, \"t\":\"a b\"}"
	r := newAnnotator(&Secrets{}).annotate(frame("c", gateway.Recv, t0, text))
	if string(r.Payload) != `{"op":11,"d":null,"t":"a b"}` {
		t.Errorf("payload %s", r.Payload)
	}
	if r.DecodedSize != len(text) {
		t.Errorf("decoded size %d", r.DecodedSize)
	}
}

func TestTermsComeInDocumentOrder(t *testing.T) {
	r := newAnnotator(&Secrets{}).annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Data: guildCreate(2, 2)})
	var paths []string
	for _, term := range r.Terms {
		paths = append(paths, term.Path)
	}
	want := "d d.members[0] d.members[0].user d.members[1] d.members[1].user d.presences[0].user d.presences[1].user"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("order:\n got %s\nwant %s", got, want)
	}
}
