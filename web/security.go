package web

import (
	"net/http"
	"net/url"
	"strings"
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
// could otherwise post to 127.0.0.1.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if changesState(r.Method) && !SameOrigin(r) {
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

// SameOrigin reports whether the request came from this server's own pages:
// true when the Origin header is absent (not a browser's cross-site request:
// curl, a bot, a same-origin GET) or names exactly the scheme and host the
// request was sent to. Websocket upgrades and POST handlers use it to refuse
// requests that a foreign web page makes on the reader's behalf.
func SameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false // includes the opaque "null" origin of sandboxed frames and files
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, r.Host)
}
