package inspector

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"gatewaytour/inspector/gateway"
)

// RedactedToken replaces a bot token wherever it would otherwise appear.
const RedactedToken = "[redacted token]"

// botPrefix is how a bot token is written in an Authorization header and
// in discordgo's Identify.
const botPrefix = "Bot "

// maxTokens bounds the tokens one Secrets holds.
const maxTokens = 64

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
	mu      sync.RWMutex
	tokens  []string // bare tokens, longest first
	learned []string // the same, oldest first
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
	// Readers hold the old slice without the lock (see known), so the list
	// is rebuilt, never changed in place.
	tokens := append(slices.Clone(s.tokens), token)
	if len(s.learned) >= maxTokens {
		// Each connection brings one token at most; a session that saw this
		// many is a client trying tokens. Its records were redacted as they
		// came in; the oldest token but the first (the one the reader gave,
		// or the session's own) is let go so redaction stays cheap.
		oldest := s.learned[1]
		s.learned = slices.Delete(s.learned, 1, 2)
		tokens = slices.DeleteFunc(tokens, func(t string) bool { return t == oldest })
	}
	s.learned = append(s.learned, token)
	slices.SortFunc(tokens, func(a, b string) int { return len(b) - len(a) })
	s.tokens = tokens
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
	for _, t := range payloadTokens(payload) {
		s.Learn(t)
	}
}

// payloadTokens returns the string values under d's "token" keys (any JSON
// spelling, any case) when payload is an Identify or a Resume.
func payloadTokens(payload []byte) []string {
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

// empty reports whether no token is known yet.
func (s *Secrets) empty() bool { return len(s.known()) == 0 }

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

// redactRecord scrubs every text field of a record. The payload keeps its
// JSON validity: if a replacement broke it, the payload becomes a string.
func (s *Secrets) redactRecord(r *Record) {
	if s.empty() {
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
		if t := s.RedactString(*r.T); t != *r.T {
			r.T = &t
		}
	}
	if p := s.Redact(r.Payload); !bytes.Equal(p, r.Payload) {
		r.Payload = p
		if !json.Valid(p) {
			r.Payload = quoteText(p)
		}
	}
}
