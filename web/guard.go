package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"

	"gatewaytour/inspector/hostguard"
)

// The panel's routes can read every frame and drive a connection that may
// hold a real bot token, so they answer only this server's own pages.
//
// Reads (the event stream, the export, a single frame) must come from a
// same-origin page: any Origin header must name this server, and the
// browser's Sec-Fetch-Site must not say the request came from another site
// (or from another port of 127.0.0.1, which browsers count as "same-site").
//
// Writes additionally carry a per-process random token from the page's
// <meta name="csrf-token"> in an X-CSRF-Token header. A foreign page can
// neither read that meta tag nor set custom headers on a cross-origin POST
// without a CORS preflight this server never grants.

const csrfHeader = "X-CSRF-Token"

// newCSRFToken is 32 random bytes, hex-encoded.
func newCSRFToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("web: csrf token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// sameOriginRead reports whether a GET came from this server's own page (or
// from no page at all: curl, a bookmark, the address bar).
func sameOriginRead(r *http.Request) bool {
	if !hostguard.SameOrigin(r) {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

// allowRead answers 403 and returns false for a cross-origin read.
func allowRead(w http.ResponseWriter, r *http.Request) bool {
	if sameOriginRead(r) {
		return true
	}
	http.Error(w, "cross-origin request refused: the panel only answers its own pages", http.StatusForbidden)
	return false
}

// allowWrite answers 403 and returns false unless a POST is same-origin and
// carries this process's CSRF token.
func (s *Server) allowWrite(w http.ResponseWriter, r *http.Request) bool {
	if !sameOriginRead(r) {
		http.Error(w, "cross-origin request refused: the panel only answers its own pages", http.StatusForbidden)
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
		http.Error(w, "missing or wrong "+csrfHeader+" header: reload the page and try again", http.StatusForbidden)
		return false
	}
	return true
}
