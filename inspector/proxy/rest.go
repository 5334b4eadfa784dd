package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"gatewaytour/inspector/gateway"
)

const (
	// maxRESTRequest bounds a forwarded request body (Discord's upload
	// limit for bots is far below it).
	maxRESTRequest = 64 << 20
	// maxShownBody bounds how much of a body goes to the sink.
	maxShownBody = 64 << 10
)

// hopHeaders are connection-level headers a proxy must not forward.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// gatewayRoute matches the REST calls whose answer names the gateway.
var gatewayRoute = regexp.MustCompile(`^/api(/v\d+)?/gateway(/bot)?/?$`)

// serveREST forwards one REST call to the upstream and reports it.
func (p *Proxy) serveREST(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		// Bots send no Origin; a web page elsewhere must not use the
		// learner's token through this proxy.
		writeError(w, http.StatusForbidden, "403: cross-origin requests are refused by the proxy")
		return
	}
	sent := time.Now()
	p.secrets.Learn(r.Header.Get("Authorization"))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRESTRequest+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "400: the proxy could not read the request")
		return
	}
	if len(body) > maxRESTRequest {
		writeError(w, http.StatusRequestEntityTooLarge, "413: request entity too large for the proxy")
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.cfg.Upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "400: the proxy could not build the request")
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	// Let the transport negotiate compression so the proxy can read (and
	// rewrite) the answer; the bot gets it uncompressed.
	out.Header.Del("Accept-Encoding")
	resp, err := p.cfg.HTTPClient.Do(out)
	if err != nil {
		p.cfg.Logger.Warn("the upstream did not answer", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusBadGateway, "502: the proxy could not reach the upstream")
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		writeError(w, http.StatusBadGateway, "502: the upstream's answer was cut short")
		return
	}
	if resp.StatusCode == http.StatusOK && gatewayRoute.MatchString(r.URL.Path) {
		answer = rewriteURL(answer, proxyGatewayURL(r))
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.Header().Del("Content-Encoding")
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)

	ex := gateway.RESTExchange{HTTP: r.Method + " " + r.URL.RequestURI(), Status: resp.StatusCode, Request: shown(body), Body: shown(answer)}
	p.emit(ex.Frame("proxy-rest", "", sent))
}

// rewriteURL replaces the "url" of a GET /gateway(/bot) answer.
func rewriteURL(body []byte, url string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m["url"] == nil {
		return body
	}
	m["url"], _ = json.Marshal(url)
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// shown is what the sink gets of a body: JSON as is, anything else (a
// multipart upload) or anything too long as a short description.
func shown(b []byte) []byte {
	switch {
	case len(b) == 0:
		return nil
	case len(b) > maxShownBody:
		q, _ := json.Marshal("(" + strconv.Itoa(len(b)) + " bytes, not shown)")
		return q
	case json.Valid(b):
		return b
	}
	q, _ := json.Marshal("(" + strconv.Itoa(len(b)) + " bytes of non-JSON, not shown)")
	return q
}

// writeError answers in Discord's error shape, with the exact Content-Type
// discord.py insists on.
func writeError(w http.ResponseWriter, status int, message string) {
	body, _ := json.Marshal(map[string]any{"message": message, "code": 0})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
