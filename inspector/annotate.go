package inspector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gatewaytour/inspector/gateway"
)

// maxBadText bounds how much of an undecodable frame a record keeps.
const maxBadText = 16 << 10

// annotator turns WireFrames into Records. It keeps per-connection state
// (heartbeat timing, last sequence, the client's name) keyed by
// WireFrame.Conn, so frames of one connection must reach it in order. It is
// safe for concurrent use.
type annotator struct {
	mu      sync.Mutex
	conns   map[string]*connState
	secrets *Secrets
	sc      scanner
}

// newAnnotator redacts the tokens secrets knows, and teaches it the tokens
// of the Identify and Resume frames it sees.
func newAnnotator(secrets *Secrets) *annotator {
	return &annotator{conns: map[string]*connState{}, secrets: secrets}
}

// annotate describes one frame. The record keeps f.Data as its payload when
// nothing had to be redacted, so the caller must not change it afterwards.
func (a *annotator) annotate(f gateway.WireFrame) Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	when := f.Time
	if when.IsZero() {
		when = time.Now()
	}
	r := Record{
		Time:        when.UTC(),
		Dir:         f.Dir,
		Size:        f.WireSize,
		DecodedSize: len(f.Data),
		Source:      f.Conn,
		Peer:        f.Peer,
	}
	if r.Size == 0 {
		r.Size = len(f.Data)
	}
	cs := a.conn(f.Conn)
	switch {
	case f.Close != nil:
		a.annotateClose(&r, f.Close)
		delete(a.conns, f.Conn)
	case f.REST != nil:
		annotateREST(&r, f.REST, f.Data)
	case f.Error != "":
		r.OpName = "Undecodable frame"
		r.Error = f.Error
		if len(f.Data) > 0 {
			r.Payload = quoteText(f.Data)
		}
	default:
		a.annotateData(&r, f.Data, cs)
	}
	if r.Peer == "" {
		r.Peer = cs.peer
	}
	a.secrets.redactRecord(&r)
	return r
}

// maxConns bounds the per-connection state kept for connections that
// dropped without a close frame; past it, the state of an arbitrary old
// connection is forgotten (its later frames are still annotated, only
// without heartbeat history).
const maxConns = 4096

func (a *annotator) conn(id string) *connState {
	cs := a.conns[id]
	if cs == nil {
		if len(a.conns) >= maxConns {
			for k := range a.conns {
				delete(a.conns, k)
				break
			}
		}
		cs = &connState{}
		a.conns[id] = cs
	}
	return cs
}

func (a *annotator) annotateData(r *Record, data []byte, cs *connState) {
	sc := &a.sc
	sc.reset(data)
	if err := sc.scan(); err != nil {
		r.OpName = "Undecodable frame"
		r.Error = err.Error()
		r.Payload = quoteText(data)
		r.Notes = []string{"This frame is not valid JSON, so no gateway peer could read it; the gateway closes such a connection with 4002 (decode error)."}
		return
	}
	op, ok := intAt(data, sc.op)
	if !ok {
		r.OpName = "Not a gateway payload"
		r.Error = "the frame has no numeric \"op\""
		r.Payload = compactIfNeeded(data)
		r.Notes = []string{"Every gateway payload is an object with a numeric op; the gateway closes with 4002 (decode error) when it is missing."}
		if sc.tooDeep {
			r.Notes = append(r.Notes, tooDeepNote)
		}
		r.Terms = sc.terms
		return
	}
	code := gateway.Opcode(op)
	r.Op = &code
	r.OpName = code.Name()
	if !isNull(data, sc.t) {
		if t, ok := stringAt(data, sc.t); ok {
			r.T = &t
		}
	}
	if !isNull(data, sc.s) {
		if s, ok := intAt(data, sc.s); ok {
			r.S = &s
		}
	}
	r.Terms = sc.terms
	r.Payload = a.redactPayload(data, code)
	a.describe(r, code, cs)
	if sc.tooDeep {
		r.Notes = append(r.Notes, tooDeepNote)
	}
}

// tooDeepNote marks a payload the annotator did not walk to the bottom.
var tooDeepNote = fmt.Sprintf("Nested deeper than %d levels: not walked below that depth, so nothing there is marked or explained.", MaxDepth)

// redactPayload replaces the token of Identify and Resume, learning it so
// it is scrubbed everywhere later (whatever the spelling of its key), and
// compacts the text so an export reads back byte for byte. The other known
// tokens are scrubbed with the rest of the record.
func (a *annotator) redactPayload(data []byte, op gateway.Opcode) json.RawMessage {
	var edits []edit
	if op == gateway.OpIdentify || op == gateway.OpResume {
		for _, f := range a.sc.dFields {
			if !isTokenKey(string(f.key)) {
				continue
			}
			if token, ok := stringAt(data, f.val); ok && token != "" {
				a.secrets.Learn(token)
				edits = append(edits, edit{f.val, []byte(`"` + RedactedToken + `"`)})
			}
		}
	}
	return compactIfNeeded(applyEdits(data, edits))
}

// edit replaces the bytes at a span.
type edit struct {
	at   span
	with []byte
}

// applyEdits returns data with the edits (which must not overlap) made,
// or data itself when there are none.
func applyEdits(data []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return data
	}
	slices.SortFunc(edits, func(x, y edit) int { return x.at.start - y.at.start })
	out := make([]byte, 0, len(data))
	last := 0
	for _, e := range edits {
		if e.at.start < last {
			continue
		}
		out = append(out, data[last:e.at.start]...)
		out = append(out, e.with...)
		last = e.at.end
	}
	return append(out, data[last:]...)
}

// needsCompact reports whitespace outside strings.
func needsCompact(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			return true
		}
	}
	return false
}

func compactIfNeeded(b []byte) json.RawMessage {
	if !needsCompact(b) {
		return b
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return quoteText(b)
	}
	return buf.Bytes()
}

// quoteText keeps an undecodable frame's text, cut to maxBadText, as a JSON
// string so the record still exports.
func quoteText(b []byte) json.RawMessage {
	cut := ""
	if len(b) > maxBadText {
		cut = fmt.Sprintf("… (%d more bytes)", len(b)-maxBadText)
		b = b[:maxBadText]
	}
	q, _ := json.Marshal(strings.ToValidUTF8(string(b), "\uFFFD") + cut)
	return q
}

func (a *annotator) annotateClose(r *Record, c *gateway.CloseFrame) {
	r.OpName = "Close"
	r.Close = ExplainClose(c.Code, c.Reason, r.Dir)
	r.Summary = r.Close.summary()
	r.Notes = r.Close.notes(r.Dir)
}
