package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"gatewaytour/web"
)

// A reader who runs `gatewaytour sandbox` while the course is running gets
// "address already in use": the course already serves a sandbox on its
// port. busyPortSentence finds out who holds the port and says what to do.

// probeTimeout bounds the look at a busy port: a local server answers in
// milliseconds or not at all.
const probeTimeout = 2 * time.Second

// busyPortSentence explains a failed listen on addr. For a port held by
// gatewaytour it says so and gives the recipe for the sandbox already
// there; for any other holder, the plain sentence; ok is false when err is
// not "address in use".
func busyPortSentence(addr string, err error) (sentence string, ok bool) {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return "", false
	}
	base := "http://" + probeAddress(addr)
	switch probe(base) {
	case heldByCourse:
		return fmt.Sprintf("%s is already in use by the course: gatewaytour already serves a sandbox there, with the live panel at %s/. "+
			"Point your bot at it; no second sandbox is needed (its traffic would never reach the panel).\n\n%s", addr, base, web.JoinRecipe(base)), true
	case heldBySandbox:
		return fmt.Sprintf("%s is already in use by another gatewaytour sandbox. Point your bot at it, or pick another port with -addr 127.0.0.1:PORT.\n\n%s",
			addr, web.JoinRecipe(base)), true
	}
	return fmt.Sprintf("%s is already in use by another program: pick another port with -addr 127.0.0.1:PORT.", addr), true
}

// probeAddress is where to knock for addr: a wildcard host is reachable
// on loopback.
func probeAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

type holder int

const (
	heldByOther holder = iota
	heldBySandbox
	heldByCourse
)

// probe asks the server at base whether it is gatewaytour: the sandbox
// answers GET /sandbox/recipe with its recipe, and the course also answers
// GET /healthz with "ok".
func probe(base string) holder {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	get := func(path string) (string, bool) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return "", false
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
		return string(body), resp.StatusCode == http.StatusOK
	}
	if recipe, ok := get("/sandbox/recipe"); !ok || !strings.HasPrefix(recipe, "Sandbox REST:") {
		return heldByOther
	}
	if health, ok := get("/healthz"); ok && strings.TrimSpace(health) == "ok" {
		return heldByCourse
	}
	return heldBySandbox
}
