package inspector

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// RedactedToken replaces a bot token wherever it would otherwise appear.
const RedactedToken = "[redacted token]"

// botPrefix is how a bot token is written in an Authorization header and
// in discordgo's Identify.
const botPrefix = "Bot "

// minSecret keeps a careless Learn("a") from shredding every payload.
const minSecret = 8

// Secrets is the one place that knows what a token looks like and keeps it
// out of every output: records, exports, terminal lines, logs and errors.
// It holds the tokens it was taught (by the reader, an Authorization header,
// or an Identify or Resume passing by) in memory only. Redaction looks for a
// token in the text as written and in the text with its JSON escapes
// decoded, so "\u004dTI…" or a token inside an escaped JSON string nested in
// an error message is found too. The zero value is ready to use and safe for
// concurrent use.
type Secrets struct {
	mu     sync.RWMutex
	tokens []string // bare tokens, longest first
}

// RedactToken is a one-off: text with token (bare or "Bot "-prefixed, in any
// JSON spelling) replaced by RedactedToken.
func RedactToken(text, token string) string {
	var s Secrets
	s.Learn(token)
	return s.RedactString(text)
}

// Learn adds a token, given bare or as an Authorization value ("Bot …",
// "Bearer …"). Values shorter than eight characters are ignored: they are
// not tokens, and replacing them would shred ordinary text.
func (s *Secrets) Learn(token string) {
	token = bareToken(token)
	if len(token) < minSecret {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(s.tokens, token) {
		return
	}
	s.tokens = append(s.tokens, token)
	slices.SortFunc(s.tokens, func(a, b string) int { return len(b) - len(a) })
}

// bareToken strips an Authorization scheme and surrounding space.
func bareToken(token string) string {
	token = strings.TrimSpace(token)
	for _, scheme := range []string{"Bot ", "Bearer "} {
		if len(token) > len(scheme) && strings.EqualFold(token[:len(scheme)], scheme) {
			return strings.TrimSpace(token[len(scheme):])
		}
	}
	return token
}

// LearnFrom learns the token of an Identify (op 2) or Resume (op 6)
// payload, whatever the spelling of its key ("token", "tok\u0065n", or any
// case) and however many times the key appears.
func (s *Secrets) LearnFrom(payload []byte) {
	for _, t := range PayloadTokens(payload) {
		s.Learn(t)
	}
}

// PayloadTokens returns the string values under d's "token" keys (any JSON
// spelling, any case) when payload is an Identify or a Resume.
func PayloadTokens(payload []byte) []string {
	var env struct {
		Op *gateway.Opcode `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if json.Unmarshal(payload, &env) != nil || env.Op == nil || (*env.Op != gateway.OpIdentify && *env.Op != gateway.OpResume) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(env.D))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var tokens []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return tokens
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return tokens
		}
		var str string
		if key, _ := k.(string); isTokenKey(key) && json.Unmarshal(v, &str) == nil {
			tokens = append(tokens, str)
		}
	}
	return tokens
}

// isTokenKey reports a key naming a token, in any case: a client that
// writes "Token" is refused by the gateway, but its value is still a token.
func isTokenKey(key string) bool { return strings.EqualFold(key, "token") }

func (s *Secrets) known() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tokens
}

// Empty reports whether no token is known yet.
func (s *Secrets) Empty() bool { return len(s.known()) == 0 }

// RedactString is Redact for text. Text with no escapes and no token is
// returned as it is, without copying: most text is like that.
func (s *Secrets) RedactString(text string) string {
	tokens := s.known()
	if len(tokens) == 0 || text == "" {
		return text
	}
	if strings.IndexByte(text, '\\') < 0 && !slices.ContainsFunc(tokens, func(t string) bool { return strings.Contains(text, t) }) {
		return text
	}
	return string(s.Redact([]byte(text)))
}

// Redact returns b with every known token replaced by RedactedToken (b
// itself when nothing had to change). A token written with JSON escapes is
// replaced escapes and all, so JSON text stays JSON.
func (s *Secrets) Redact(b []byte) []byte {
	tokens := s.known()
	if len(tokens) == 0 || len(b) == 0 {
		return b
	}
	if bytes.IndexByte(b, '\\') < 0 {
		for _, t := range tokens {
			if bytes.Contains(b, []byte(t)) {
				b = bytes.ReplaceAll(b, []byte(botPrefix+t), []byte(RedactedToken))
				b = bytes.ReplaceAll(b, []byte(t), []byte(RedactedToken))
			}
		}
		return b
	}
	if !mayHoldEscaped(b, tokens) {
		return b
	}
	view := unescapeView(b)
	var hits []span
	for _, t := range tokens {
		for from := 0; ; {
			i := bytes.Index(view.text[from:], []byte(t))
			if i < 0 {
				break
			}
			i += from
			first := i
			if i >= len(botPrefix) && string(view.text[i-len(botPrefix):i]) == botPrefix {
				first -= len(botPrefix) // "Bot <token>" goes whole
			}
			hits = append(hits, span{view.start[first], view.end[i+len(t)-1]})
			from = i + len(t)
		}
	}
	if len(hits) == 0 {
		return b
	}
	edits := make([]edit, len(hits))
	for i, h := range hits {
		edits[i] = edit{h, []byte(RedactedToken)}
	}
	return applyEdits(b, mergeOverlaps(edits))
}

// mayHoldEscaped is the cheap test before an escaped view is built: every
// layer of escapes decoded, without keeping positions, into one pooled
// buffer, searched for the tokens.
func mayHoldEscaped(b []byte, tokens []string) bool {
	bufp := unescapeBuf.Get().(*[]byte)
	defer unescapeBuf.Put(bufp)
	text := b
	for layer := 0; ; layer++ {
		for _, t := range tokens {
			if bytes.Contains(text, []byte(t)) {
				return true
			}
		}
		if layer == maxUnescape || bytes.IndexByte(text, '\\') < 0 {
			return false
		}
		out := (*bufp)[:0]
		if layer > 0 {
			out = make([]byte, 0, len(text)) // text lives in *bufp
		}
		out = appendUnescaped(out, text)
		if layer == 0 {
			*bufp = out
		}
		text = out
	}
}

var unescapeBuf = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendUnescaped appends text with one layer of JSON escapes decoded.
func appendUnescaped(out, d []byte) []byte {
	for i := 0; i < len(d); {
		if d[i] != '\\' || i+1 >= len(d) {
			out = append(out, d[i])
			i++
			continue
		}
		if c, ok := simpleEscapes[d[i+1]]; ok {
			out = append(out, c)
			i += 2
			continue
		}
		r, n := decodeUnicodeEscape(d[i:])
		if n == 0 {
			out = append(out, d[i])
			i++
			continue
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// mergeOverlaps joins edits whose spans overlap, so applyEdits drops none.
func mergeOverlaps(edits []edit) []edit {
	slices.SortFunc(edits, func(x, y edit) int { return x.at.start - y.at.start })
	out := edits[:1]
	for _, e := range edits[1:] {
		last := &out[len(out)-1]
		if e.at.start < last.at.end {
			last.at.end = max(last.at.end, e.at.end)
			continue
		}
		out = append(out, e)
	}
	return out
}

// maxUnescape is how many layers of JSON escaping are looked through: JSON
// in a JSON string in an error message is two.
const maxUnescape = 3

// escapedView is text with its JSON escapes decoded, each byte remembering
// the range of the original it came from.
type escapedView struct {
	text       []byte
	start, end []int
}

func unescapeView(b []byte) escapedView {
	v := escapedView{text: b, start: make([]int, len(b)), end: make([]int, len(b))}
	for i := range b {
		v.start[i], v.end[i] = i, i+1
	}
	for range maxUnescape {
		if bytes.IndexByte(v.text, '\\') < 0 {
			break
		}
		v = v.unescapeOnce()
	}
	return v
}

// unescapeOnce decodes one layer of escapes; anything that is not a valid
// escape is kept as it is.
func (v escapedView) unescapeOnce() escapedView {
	d := v.text
	out := escapedView{text: make([]byte, 0, len(d)), start: make([]int, 0, len(d)), end: make([]int, 0, len(d))}
	emit := func(bs []byte, from, to int) {
		for _, c := range bs {
			out.text = append(out.text, c)
			out.start = append(out.start, v.start[from])
			out.end = append(out.end, v.end[to-1])
		}
	}
	for i := 0; i < len(d); {
		if d[i] != '\\' || i+1 >= len(d) {
			emit(d[i:i+1], i, i+1)
			i++
			continue
		}
		if c, ok := simpleEscapes[d[i+1]]; ok {
			emit([]byte{c}, i, i+2)
			i += 2
			continue
		}
		r, n := decodeUnicodeEscape(d[i:])
		if n == 0 {
			emit(d[i:i+1], i, i+1)
			i++
			continue
		}
		emit(utf8.AppendRune(nil, r), i, i+n)
		i += n
	}
	return out
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// decodeUnicodeEscape reads \uXXXX (and a following low surrogate) at the
// start of d, returning the rune and the bytes used, or 0 bytes if none.
func decodeUnicodeEscape(d []byte) (rune, int) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' || !isHex4(b[2:6]) {
			return 0, false
		}
		var r rune
		for _, c := range b[2:6] {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= rune(c - '0')
			case c >= 'a' && c <= 'f':
				r |= rune(c - 'a' + 10)
			default:
				r |= rune(c - 'A' + 10)
			}
		}
		return r, true
	}
	r, ok := hex(d)
	if !ok {
		return 0, 0
	}
	if r >= 0xD800 && r < 0xDC00 {
		if lo, ok := hex(d[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12
		}
	}
	return r, 6
}

// RedactRecord scrubs every text field of a record. The payload keeps its
// JSON validity: if a replacement broke it, the payload becomes a string.
func (s *Secrets) RedactRecord(r *Record) {
	if s.Empty() {
		return
	}
	r.Summary = s.RedactString(r.Summary)
	r.Error = s.RedactString(r.Error)
	r.Peer = s.RedactString(r.Peer)
	r.Source = s.RedactString(r.Source)
	for i, n := range r.Notes {
		r.Notes[i] = s.RedactString(n)
	}
	for i := range r.Terms {
		r.Terms[i].Path = s.RedactString(r.Terms[i].Path)
	}
	if r.Close != nil {
		r.Close.Reason = s.RedactString(r.Close.Reason)
	}
	if r.T != nil {
		t := s.RedactString(*r.T)
		r.T = &t
	}
	if p := s.Redact(r.Payload); !bytes.Equal(p, r.Payload) {
		r.Payload = p
		if !json.Valid(p) {
			r.Payload = quoteText(p)
		}
	}
}

// maxTokenLength is far above a real bot token (about 72 characters) and
// keeps a pasted document from being taken for one.
const maxTokenLength = 256

// CheckTokenShape accepts what looks like a bot token: three non-empty
// dot-separated parts of base64url characters, optionally after "Bot ". The
// error is a sentence for the reader and never repeats the token.
func CheckTokenShape(token string) error {
	token = bareToken(token)
	switch {
	case token == "":
		return errors.New("no token given: paste the bot token from the Developer Portal's Bot page (Bot → Reset Token)")
	case len(token) > maxTokenLength:
		return errors.New("that is too long to be a bot token; copy it again from the Developer Portal's Bot page")
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' }):
		return errors.New("a bot token has no spaces or special characters; paste it again")
	}
	parts := strings.Split(token, ".")
	ok := len(parts) == 3
	for _, p := range parts {
		ok = ok && p != "" && strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
	}
	if !ok {
		return errors.New("that does not look like a bot token: it is three parts joined by dots, of letters, digits, '-' and '_'; copy it again from the Developer Portal's Bot page (not the client secret or public key)")
	}
	return nil
}
