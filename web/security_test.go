package web

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

var wantSecurityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Cross-Origin-Opener-Policy":   "same-origin",
}

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	site, ts := newTestServer(t, fixtureCourse(t))
	site.Mount("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	paths := []string{
		"/", "/lessons/first", "/lessons/nope", "/search.json", "/healthz",
		"/static/app.css", "/static/highlight.css?v=x", "/static/missing.js", "/api/v10/gateway", "/nowhere",
		"/lessons/first?partial=1", "/panel/streams", "/panel/events", "/panel/export", "/panel/frame?index=0",
	}
	for _, path := range paths {
		resp, _ := get(t, noRedirects, ts.URL+path)
		for name, want := range wantSecurityHeaders {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
}

func TestCrossOriginStateChangesAreRefused(t *testing.T) {
	site, ts := newTestServer(t, fixtureCourse(t))
	var reached atomic.Int32
	site.Mount("POST /api/things", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.WriteHeader(http.StatusCreated)
	}))
	post := func(method, origin string) int {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+"/api/things", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		if got := post(method, "http://evil.example"); got != http.StatusForbidden {
			t.Errorf("%s from another origin: status %d, want 403", method, got)
		}
	}
	if got := post(http.MethodPost, "null"); got != http.StatusForbidden {
		t.Errorf("POST from the null origin: status %d, want 403", got)
	}
	if reached.Load() != 0 {
		t.Fatalf("a cross-origin request reached the handler %d times", reached.Load())
	}
	if got := post(http.MethodPost, ts.URL); got != http.StatusCreated {
		t.Errorf("POST from the page's own origin: status %d, want 201", got)
	}
	if got := post(http.MethodPost, ""); got != http.StatusCreated {
		t.Errorf("POST without Origin: status %d, want 201", got)
	}
	if reached.Load() != 2 {
		t.Errorf("same-origin requests reached the handler %d times, want 2", reached.Load())
	}
}

func TestMountedHandlerIsServed(t *testing.T) {
	site, ts := newTestServer(t, fixtureCourse(t))
	site.Mount("GET /gateway", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("gateway here"))
	}))
	resp, body := get(t, ts.Client(), ts.URL+"/gateway")
	if resp.StatusCode != 200 || body != "gateway here" {
		t.Errorf("mounted /gateway: status %d, body %q", resp.StatusCode, body)
	}
}
