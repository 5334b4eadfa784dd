package hostguard

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAllowsTheListenAddressAndLoopbackNames(t *testing.T) {
	g, err := New(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, []string{"tour.test", "other.test:9000"})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		"127.0.0.1:8080":          true,
		"localhost:8080":          true,
		"LOCALHOST:8080":          true,
		"[::1]:8080":              true,
		"tour.test:8080":          true,
		"other.test:9000":         true,
		"evil.example:8080":       false,
		"evil.example":            false,
		"127.0.0.1:9090":          false,
		"localhost":               false, // port 80
		"other.test:8080":         false,
		"tour.test:9000":          false,
		"127.0.0.1.evil:8080":     false,
		"localhost.:8080":         false,
		"":                        false,
		"127.0.0.1:8080:8080":     false,
		"[::1]":                   false,
		"evil.example@x:8080":     false,
		"127.0.0.1:08080":         true, // the same port number
		"0.0.0.0:8080":            false,
		"[::ffff:127.0.0.1]:8080": false,
	}
	for host, want := range tests {
		if got := g.Allows(host); got != want {
			t.Errorf("Allows(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestAWildcardListenAllowsLoopbackNamesOnly(t *testing.T) {
	g, err := New(&net.TCPAddr{IP: net.IPv4zero, Port: 80}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "[::1]:80": true, "0.0.0.0": false, "192.168.1.5": false} {
		if got := g.Allows(host); got != want {
			t.Errorf("Allows(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestBadAllowedNamesAreRefused(t *testing.T) {
	for _, name := range []string{"a/b", "x:notaport", "user@host", "::1"} {
		if _, err := New(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, []string{name}); err == nil {
			t.Errorf("New accepted the allowed name %q", name)
		}
	}
	if got := ParseList(" a.test, ,b.test:81,"); strings.Join(got, "|") != "a.test|b.test:81" {
		t.Errorf("ParseList = %q", got)
	}
}

func TestRefusalIsA421InTheCallersFormat(t *testing.T) {
	g, err := New(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	h := g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	tests := []struct{ path, accept, wantType, wantText string }{
		{"/api/v10/users/@me", "", "application/json", `"code":0`},
		{"/lessons/first", "text/html,application/xhtml+xml", "text/html; charset=utf-8", "<h1>Misdirected request</h1>"},
		{"/panel/events", "text/event-stream", "text/plain; charset=utf-8", "127.0.0.1:8080"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, tt.path, nil)
		r.Host = "<b>evil.example</b>:8080"
		r.Header.Set("Accept", tt.accept)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.String()
		if w.Code != http.StatusMisdirectedRequest || w.Header().Get("Content-Type") != tt.wantType || !strings.Contains(body, tt.wantText) {
			t.Errorf("%s: %d %s %q", tt.path, w.Code, w.Header().Get("Content-Type"), body)
		}
		if strings.Contains(body, "evil") || !strings.Contains(body, "-allow-host") {
			t.Errorf("%s: the refusal should name the allowed hosts and the flag, never the request's: %q", tt.path, body)
		}
	}
	if reached {
		t.Error("a refused request reached the handler")
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		name   string
		host   string
		tls    bool
		origin string
		want   bool
	}{
		{"no origin", "127.0.0.1:8080", false, "", true},
		{"same", "127.0.0.1:8080", false, "http://127.0.0.1:8080", true},
		{"case-insensitive host", "LOCALHOST:8080", false, "http://localhost:8080", true},
		{"other port", "127.0.0.1:8080", false, "http://127.0.0.1:9090", false},
		{"other host", "127.0.0.1:8080", false, "http://localhost:8080", false},
		{"other site", "127.0.0.1:8080", false, "https://evil.example", false},
		{"scheme differs", "127.0.0.1:8080", false, "https://127.0.0.1:8080", false},
		{"https same", "example.test", true, "https://example.test", true},
		{"https page, http origin", "example.test", true, "http://example.test", false},
		{"null origin", "127.0.0.1:8080", false, "null", false},
		{"origin with a path", "127.0.0.1:8080", false, "http://127.0.0.1:8080/x", false},
		{"garbage", "127.0.0.1:8080", false, "::not a url", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://"+tt.host+"/api/x", nil)
			r.Host = tt.host
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if got := SameOrigin(r); got != tt.want {
				t.Errorf("SameOrigin = %v, want %v", got, tt.want)
			}
		})
	}
}
