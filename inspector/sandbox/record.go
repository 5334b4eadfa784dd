package sandbox

import (
	"bytes"
	"net/http"
	"strings"

	"gatewaytour/inspector/gateway"
)

// maxRecordedBody bounds how much of a response an observer is given; the
// bot itself always gets the whole answer.
const maxRecordedBody = 64 << 10

// recorder passes a response through while keeping its status and the
// first maxRecordedBody bytes for observers.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	cut    bool
}

func newRecorder(w http.ResponseWriter) *recorder { return &recorder{ResponseWriter: w} }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := maxRecordedBody - r.body.Len(); room > 0 {
		r.body.Write(b[:min(room, len(b))])
	}
	r.cut = r.cut || r.body.Len()+len(b) > maxRecordedBody && len(b) > maxRecordedBody-r.body.Len()
	return r.ResponseWriter.Write(b)
}

// redactToken keeps the bot token out of anything an observer sees, should a
// bot echo it in a body.
func redactToken(b []byte) []byte {
	if !bytes.Contains(b, []byte(Token)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(Token), []byte("[redacted token]"))
}

// recordREST publishes the exchange to observers in the stream of the
// connection that most plausibly made it (see restConn).
func (s *Server) recordREST(r *http.Request, m routeMatch, reqBody []byte, rec *recorder) {
	if !s.obs.active() || ownClient(r.UserAgent()) {
		return
	}
	route := ""
	if m.template != "" {
		route = r.Method + " " + m.template
	}
	h := rec.Header()
	limits := map[string]string{}
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket", "X-RateLimit-Scope", "X-RateLimit-Global", "Retry-After"} {
		if v := h.Get(k); v != "" {
			limits[k] = v
		}
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	body := rec.body.Bytes()
	if rec.cut {
		body = []byte(`"(answer longer than 64 KiB: not recorded)"`)
	}
	ex := gateway.RESTExchange{HTTP: r.Method + " " + r.URL.RequestURI(), Route: route, Status: status, RateLimit: limits,
		Request: redactToken(bytes.TrimSpace(reqBody)), Body: redactToken(bytes.TrimSpace(body))}
	connID, peer := s.restConn(r.UserAgent())
	s.publishFrame(ex.Frame(connID, peer, s.now()))
}

// restConn attributes a REST call to a gateway connection. Every bot on the
// sandbox shares one token, so the call carries nothing that names its
// connection; the rule is:
//
//  1. if exactly one connection has identified, the call is its;
//  2. else, if exactly one identified connection's Identify properties
//     (browser/device, which libraries fill with their name) name the
//     library the User-Agent names, it is that one's;
//  3. else the call goes to a stream of its own, "rest", peer the User-Agent.
//
// gatewaytour's own clients are left out altogether (see ownClient).
func (s *Server) restConn(userAgent string) (connID, peer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var only, byLib *conn
	identified, libMatches := 0, 0
	ua := strings.ToLower(userAgent)
	for _, c := range s.conns {
		if !c.identified {
			continue
		}
		identified++
		only = c
		if p := strings.ToLower(*c.peer.Load()); p != "" && strings.Contains(ua, libraryWord(p)) {
			libMatches++
			byLib = c
		}
	}
	switch {
	case identified == 1:
		return only.id, *only.peer.Load()
	case libMatches == 1:
		return byLib.id, *byLib.peer.Load()
	}
	return "rest", userAgent
}

// ownClientAgent is in the User-Agent of gatewaytour's own clients (the
// inspector's connection and the hello-world walk). They record their REST
// exchanges in their own streams, so the sandbox does not publish them a
// second time.
const ownClientAgent = "(https://github.com/gatewaytour,"

func ownClient(userAgent string) bool { return strings.Contains(userAgent, ownClientAgent) }

// libraryWord is the part of an Identify browser property a User-Agent
// carries: "discord.py" → "discord.py", "DiscordGo" → "discordgo".
func libraryWord(peer string) string {
	peer = strings.TrimSpace(peer)
	if i := strings.IndexAny(peer, " /"); i > 0 {
		peer = peer[:i]
	}
	return peer
}
