package proxy

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"

	"gatewaytour/inspector"
)

// minSecret keeps an empty or silly Authorization value from shredding
// every frame.
const minSecret = 8

// secrets are the tokens seen passing through (Authorization headers,
// Identify and Resume), held in memory only so every emitted copy can be
// scrubbed of them.
type secrets struct {
	mu    sync.Mutex
	forms [][]byte
}

// learn remembers a token in its "Bot "-prefixed, bare and JSON-escaped
// spellings.
func (s *secrets) learn(token string) {
	token = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(token, "Bot "), "Bearer "))
	if len(token) < minSecret {
		return
	}
	// Longest first, so "Bot <token>" is replaced whole.
	forms := []string{"Bot " + token, token}
	if q, err := json.Marshal(token); err == nil && string(q[1:len(q)-1]) != token {
		forms = append(forms, string(q[1:len(q)-1]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range forms {
		known := false
		for _, g := range s.forms {
			known = known || string(g) == f
		}
		if !known {
			s.forms = append(s.forms, []byte(f))
		}
	}
}

// scrub returns b with every known token replaced by the redaction marker
// (b itself when there is nothing to replace).
func (s *secrets) scrub(b []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.forms {
		if bytes.Contains(b, f) {
			b = bytes.ReplaceAll(b, f, []byte(inspector.RedactedToken))
		}
	}
	return b
}
