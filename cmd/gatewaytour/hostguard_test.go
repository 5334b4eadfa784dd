package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends
// its own name as Host. Every family of routes, on every command that
// listens, must refuse it before answering anything.
func TestEveryServerRefusesAForeignHost(t *testing.T) {
	serveURL, _ := startCommand(t, serve, false, "-addr", "127.0.0.1:0", "-allow-host", "tour.test,other.test:1")
	sandboxURL, _ := startCommand(t, serveSandbox, false, "-addr", "127.0.0.1:0")
	proxyURL, _ := startCommand(t, serveProxy, true, "-addr", "127.0.0.1:0", "-upstream", "http://127.0.0.1:1")

	families := []string{
		"lessons/01-welcome", "panel/events", "panel/export", "api/v10/users/@me", "gateway", "sandbox/world", "sandbox/connections",
	}
	servers := map[string]string{"serve": serveURL, "sandbox": sandboxURL, "proxy": proxyURL}
	for name, base := range servers {
		port := mustPort(t, base)
		for _, path := range families {
			if name == "proxy" && !strings.HasPrefix(path, "api/") && path != "gateway" {
				continue // the proxy serves only REST and the gateway
			}
			for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1:1", "localhost:1", "tour.test:1"} {
				if status := hostStatus(t, base+path, host); status != http.StatusMisdirectedRequest {
					t.Errorf("%s %s with Host %s: status %d, want 421", name, path, host, status)
				}
			}
			for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port} {
				if status := hostStatus(t, base+path, host); status == http.StatusMisdirectedRequest {
					t.Errorf("%s %s with Host %s was refused", name, path, host)
				}
			}
		}
	}
	// -allow-host adds names: with the server's port unless one is given.
	port := mustPort(t, serveURL)
	for host, want := range map[string]bool{"tour.test:" + port: true, "TOUR.test:" + port: true, "other.test:1": true, "other.test:" + port: false} {
		if got := hostStatus(t, serveURL+"lessons/01-welcome", host) != http.StatusMisdirectedRequest; got != want {
			t.Errorf("serve -allow-host: Host %s allowed = %v, want %v", host, got, want)
		}
	}
}

// hostStatus sends a GET with the given Host; on /gateway it is a
// websocket upgrade, as a bot (or a rebinding page) would send.
func hostStatus(t *testing.T, target, host string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if strings.HasSuffix(target, "/gateway") {
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s (Host %s): %v", target, host, err)
	}
	resp.Body.Close() // the event stream is long-lived: its status is enough
	return resp.StatusCode
}

func mustPort(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}
