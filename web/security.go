package web

import (
	"net/http"

	"gatewaytour/inspector/hostguard"
)

// contentSecurityPolicy allows nothing but this server's own files: no inline
// script or style, no framing, no foreign connections. The later live panel
// (websocket to /gateway on the same host) is covered by connect-src 'self'.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; " +
	"form-action 'self'"

// secure sets the security headers on every response and refuses
// state-changing requests sent from another origin's page: a bot token may
// sit in this server's memory, and any website open in the same browser
// could otherwise post to 127.0.0.1. (A page that rebinds its own name to
// 127.0.0.1 is stopped earlier, by the Host guard the server listens with.)
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// No other site may embed our answers (a frame export as an
		// <img> or <script>), nor keep a handle on our window after
		// opening it.
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if changesState(r.Method) && !hostguard.SameOrigin(r) {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}
