// Package hostguard answers only requests addressed to this server by one of
// its own names, and tells a page of this server from a foreign one.
//
// A web page on evil.example can make its own name resolve to 127.0.0.1
// (DNS rebinding); the browser then treats this server as evil.example and
// lets that page read every answer. The one thing the page cannot change is
// the Host header, which still says evil.example. So every request whose Host
// is not the address we listen on, a loopback name with our port, or a name
// the user allowed, is refused with 421 Misdirected Request before any
// route sees it: the page gets no frame, no token form, no sandbox.
package hostguard

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Guard knows the host:port pairs this server answers to.
type Guard struct {
	allowed []string // lower case, "host:port", IPv6 in brackets
}

// New allows listen (the bound address, so port 0 is already resolved), the
// loopback names localhost, 127.0.0.1 and [::1] with its port, and each of
// extra: "name" means name with the same port, "name:port" exactly that.
func New(listen net.Addr, extra []string) (*Guard, error) {
	host, portText, err := net.SplitHostPort(listen.String())
	if err != nil {
		return nil, fmt.Errorf("hostguard: listen address %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("hostguard: listen address %q has no port", listen)
	}
	g := &Guard{}
	add := func(h string, p int) { g.allowed = append(g.allowed, key(h, p)) }
	if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
		add(host, port) // 0.0.0.0 and [::] are never a Host
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		add(h, port)
	}
	for _, name := range extra {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		h, p, err := splitHost(name, port)
		if err != nil || h == "" || strings.ContainsAny(h, "/ @") {
			return nil, fmt.Errorf("hostguard: %q is not a host name (give name or name:port)", name)
		}
		add(h, p)
	}
	slices.Sort(g.allowed)
	g.allowed = slices.Compact(g.allowed)
	return g, nil
}

// ParseList splits a comma-separated -allow-host value.
func ParseList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Allows reports whether a Host header names this server. A Host without a
// port means port 80, as it does on the wire.
func (g *Guard) Allows(hostHeader string) bool {
	h, p, err := splitHost(hostHeader, 80)
	if err != nil || h == "" {
		return false
	}
	return slices.Contains(g.allowed, key(h, p))
}

// Names lists the allowed host:port pairs, for messages.
func (g *Guard) Names() []string { return slices.Clone(g.allowed) }

// Wrap refuses, before next sees it, every request whose Host is not one of
// this server's names.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.Allows(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		g.refuse(w, r)
	})
}

// refuse answers 421 in the form the caller reads: JSON for the sandbox's
// API (bot libraries parse Discord-shaped errors), a short page for a
// browser, plain text otherwise. The request's own Host is never echoed.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request) {
	names := strings.Join(g.allowed, ", ")
	msg := "421: this server answers only requests addressed to " + names +
		"; start it with -allow-host NAME to answer another name"
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Connection", "close")
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/sandbox/") ||
		strings.Contains(r.Header.Get("Accept"), "application/json"):
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMisdirectedRequest)
		fmt.Fprintf(w, `{"message":%s,"code":0}`+"\n", strconv.Quote(msg))
	case strings.Contains(r.Header.Get("Accept"), "text/html"):
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'")
		w.WriteHeader(http.StatusMisdirectedRequest)
		fmt.Fprintf(w, "<!doctype html>\n<title>421 Misdirected Request</title>\n<h1>Misdirected request</h1>\n<p>%s</p>\n", html.EscapeString(msg))
	default:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMisdirectedRequest)
		fmt.Fprintln(w, msg)
	}
}

// SameOrigin reports whether the request came from one of this server's own
// pages: true when there is no Origin header (curl, a bot, a same-origin GET)
// or when it names exactly the scheme and host the request was sent to. The
// opaque "null" origin of sandboxed frames and local files is foreign.
func SameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(u.Scheme, scheme) && strings.EqualFold(u.Host, r.Host)
}

// splitHost splits "host[:port]" (IPv6 in brackets), lower-casing the host.
func splitHost(s string, defaultPort int) (string, int, error) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		port, err := strconv.Atoi(p)
		if err != nil || port <= 0 || port > 65535 {
			return "", 0, fmt.Errorf("bad port in %q", s)
		}
		return strings.ToLower(h), port, nil
	}
	if strings.Contains(s, ":") && !strings.HasPrefix(s, "[") {
		return "", 0, fmt.Errorf("bad host %q", s)
	}
	return strings.ToLower(strings.Trim(s, "[]")), defaultPort, nil
}

func key(host string, port int) string {
	return net.JoinHostPort(strings.ToLower(host), strconv.Itoa(port))
}
