package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// BenchmarkEventStreamBacklog measures a viewer catching up on 10,000
// held records through GET /panel/events: encoding, batching and writing,
// end to end over a real HTTP connection.
func BenchmarkEventStreamBacklog(b *testing.B) {
	const records = 10_000
	p := newPanelServer(b, fixtureCourse(b))
	p.responses.stopKeeping()
	op := gateway.Opcode(0)
	event := "MESSAGE_CREATE"
	var file bytes.Buffer
	for i := range records {
		seq := int64(i + 1)
		r := inspector.Record{
			Index: int64(i), Time: time.Unix(1700000000, int64(i)*1e6).UTC(), Dir: gateway.Recv, Op: &op, OpName: "Dispatch",
			T: &event, S: &seq, Size: 420, Summary: "ada: hello there",
			Payload: json.RawMessage(`{"op":0,"s":` + strconv.Itoa(i+1) + `,"t":"MESSAGE_CREATE","d":{"id":"1350000000000000000","content":"hello there","author":{"id":"1302331392000131072","username":"ada"}}}`),
			Notes:   []string{"A message was posted."},
			Terms:   []inspector.Term{{Path: "d.author", Kind: gateway.TermUser, Note: "the author"}},
		}
		if err := inspector.WriteRecord(&file, r); err != nil {
			b.Fatal(err)
		}
	}
	size := int64(file.Len())
	info, err := p.hub.ImportRecording(&file, "bench.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		s := openEvents(b, p, "?stream="+info.ID)
		s.recordsUntil(b, "the last record", func(r inspector.Record) bool { return r.Index == records-1 })
		s.cancel()
	}
}
