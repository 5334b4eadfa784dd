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

// Annotator turns WireFrames into Records. It keeps per-connection state
// (heartbeat timing, last sequence, the client's name) keyed by
// WireFrame.Conn, so frames of one connection must reach it in order. It is
// safe for concurrent use.
type Annotator struct {
	mu      sync.Mutex
	conns   map[string]*connState
	secrets secretSet
	sc      scanner
}

func NewAnnotator() *Annotator {
	return &Annotator{conns: map[string]*connState{}}
}

// SetSecret adds tokens to redact wherever they appear: payload text,
// notes, summaries, errors and close reasons. Identify and Resume tokens are
// learned automatically as they pass.
func (a *Annotator) SetSecret(secrets ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range secrets {
		a.secrets.add(s)
	}
}

// Annotate describes one frame. The record keeps f.Data as its payload when
// nothing had to be redacted, so the caller must not change it afterwards.
func (a *Annotator) Annotate(f gateway.WireFrame) Record {
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
	a.secrets.scrubRecord(&r)
	return r
}

// maxConns bounds the per-connection state kept for connections that
// dropped without a close frame; past it, the state of an arbitrary old
// connection is forgotten (its later frames are still annotated, only
// without heartbeat history).
const maxConns = 4096

func (a *Annotator) conn(id string) *connState {
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

func (a *Annotator) annotateData(r *Record, data []byte, cs *connState) {
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
}

// redactPayload replaces the token of Identify and Resume, learning it so
// it is scrubbed everywhere later, then every known secret, whether spelled
// plainly or with JSON escapes, and compacts the text so an export reads
// back byte for byte.
func (a *Annotator) redactPayload(data []byte, op gateway.Opcode) json.RawMessage {
	var edits []edit
	var tokenAt span
	if op == gateway.OpIdentify || op == gateway.OpResume {
		tok := fieldPath(data, a.sc.d, "token")
		if token, ok := stringAt(data, tok); ok && token != "" {
			a.secrets.add(token)
			a.secrets.add(strings.TrimPrefix(token, "Bot "))
			tokenAt = tok
			edits = append(edits, edit{tok, []byte(`"` + RedactedToken + `"`)})
		}
	}
	if len(a.secrets.forms) > 0 {
		for _, sp := range a.sc.escaped {
			s, ok := stringAt(data, sp)
			if !ok || sp == tokenAt {
				continue
			}
			if clean := a.secrets.scrub(s); clean != s {
				q, _ := json.Marshal(clean)
				edits = append(edits, edit{sp, q})
			}
		}
	}
	out := applyEdits(data, edits)
	if scrubbed, ok := a.secrets.scrubBytes(out); ok {
		out = scrubbed
		edits = append(edits, edit{})
	}
	if len(edits) > 0 && !json.Valid(out) {
		return quoteText(out)
	}
	return compactIfNeeded(out)
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

func (a *Annotator) annotateClose(r *Record, c *gateway.CloseFrame) {
	info := gateway.LookupClose(c.Code)
	r.OpName = "Close"
	r.Close = &Close{Code: c.Code, Name: info.Name, Reason: c.Reason, Meaning: info.Meaning,
		CanResume: info.CanResume, Reconnect: info.Reconnect, Fix: info.Fix}
	who := "server"
	if r.Dir == gateway.Send {
		who = "client"
	}
	r.Summary = fmt.Sprintf("%d %s", c.Code, info.Name)
	if c.Reason != "" {
		r.Summary += ": " + c.Reason
	}
	after := "Do not reconnect until the cause is fixed."
	switch {
	case info.CanResume:
		after = "The session survives: reconnect and send Resume."
	case info.Reconnect:
		after = "The session is over: reconnect and Identify again."
	}
	r.Notes = []string{fmt.Sprintf("The %s closed the connection with %d (%s).", who, c.Code, info.Name), info.Meaning, after}
	if r.Dir == gateway.Send && c.Code != gateway.CloseNormal && c.Code != gateway.CloseGoingAway {
		r.Notes[1] = "A client closes with a code other than 1000 or 1001 when it means to resume: the session outlives the connection."
	}
	if info.Fix != "" {
		r.Notes = append(r.Notes, "Fix: "+info.Fix)
	}
}

// secretSet holds tokens in their raw and JSON-escaped spellings.
type secretSet struct{ forms [][]byte }

// minSecret keeps a careless SetSecret("a") from shredding every payload.
const minSecret = 8

func (s *secretSet) add(secret string) {
	if len(secret) < minSecret {
		return
	}
	forms := []string{secret}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		if q := strings.TrimSuffix(buf.String(), "\n"); len(q) > 2 && q[1:len(q)-1] != secret {
			forms = append(forms, q[1:len(q)-1])
		}
	}
	for _, f := range forms {
		if !s.has(f) {
			s.forms = append(s.forms, []byte(f))
		}
	}
}

func (s *secretSet) has(f string) bool {
	for _, g := range s.forms {
		if string(g) == f {
			return true
		}
	}
	return false
}

func (s *secretSet) scrubBytes(b []byte) ([]byte, bool) {
	changed := false
	for _, f := range s.forms {
		if bytes.Contains(b, f) {
			b = bytes.ReplaceAll(b, f, []byte(RedactedToken))
			changed = true
		}
	}
	return b, changed
}

func (s *secretSet) scrub(text string) string {
	for _, f := range s.forms {
		if strings.Contains(text, string(f)) {
			text = strings.ReplaceAll(text, string(f), RedactedToken)
		}
	}
	return text
}

func (s *secretSet) scrubRecord(r *Record) {
	if len(s.forms) == 0 {
		return
	}
	r.Summary = s.scrub(r.Summary)
	r.Error = s.scrub(r.Error)
	r.Peer = s.scrub(r.Peer)
	r.Source = s.scrub(r.Source)
	for i, n := range r.Notes {
		r.Notes[i] = s.scrub(n)
	}
	if r.Close != nil {
		r.Close.Reason = s.scrub(r.Close.Reason)
	}
	if r.Error == "" {
		return // a decoded payload was scrubbed by redactPayload
	}
	if p, ok := s.scrubBytes(r.Payload); ok {
		r.Payload = p
		if !json.Valid(p) {
			r.Payload = quoteText(p)
		}
	}
}
