package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// writeJSON answers with Content-Type exactly "application/json": discord.py
// compares the header with ==, so a charset suffix would break its login.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) restHandler() http.Handler {
	return http.HandlerFunc(s.serveREST)
}

// serveREST answers one REST request from the route table and records the
// exchange for observers.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	rec := newRecorder(w)
	body, tooLarge := readBody(r)
	m := routeMatch{}
	if p, ok := apiPath(r.URL.Path); ok {
		m = restRoutes.match(r.Method, p)
	}
	s.answerREST(rec, r, m, body, tooLarge)
	s.recordREST(r, m, body, rec)
}

func (s *Server) answerREST(w http.ResponseWriter, r *http.Request, m routeMatch, body []byte, tooLarge bool) {
	if m.route == nil {
		st, _ := s.limits.take("unmatched", "", defaultLimit, defaultWindow)
		st.set(w.Header())
		switch {
		case m.template == "":
			writeJSON(w, http.StatusNotFound, errNotFound)
		case m.discord:
			writeJSON(w, http.StatusNotFound, apiError{Code: 0, Message: "404: Not Found (" + r.Method + " " + m.template + " is a Discord route the sandbox does not serve yet)"})
		default:
			writeJSON(w, http.StatusMethodNotAllowed, errMethod)
		}
		return
	}
	rt := m.route
	st, ok := s.limits.take(rt.method+" "+rt.path, m.majorParam(), rt.limit, rt.window)
	st.set(w.Header())
	switch {
	case !rt.noAuth && !authorized(r):
		writeJSON(w, http.StatusUnauthorized, errUnauthorized)
	case !ok:
		tooMany(w, st)
	case tooLarge:
		e := discordErr(gateway.ErrEntityTooLarge)
		writeJSON(w, e.status, e.apiError)
	default:
		rt.serve(s, &restCall{w: w, r: r, params: m.params, body: body})
	}
}

// readBody reads the whole request body up to maxRequestBody; tooLarge
// reports a body past the bound, which is refused rather than cut short.
func readBody(r *http.Request) (body []byte, tooLarge bool) {
	if r.Body == nil {
		return nil, false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(b) > maxRequestBody {
		return nil, true
	}
	return b, false
}

// tooMany is Discord's 429: Retry-After, a Via header (without it discord.py
// takes the answer for a Cloudflare ban) and the JSON body.
func tooMany(w http.ResponseWriter, st rateState) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int((st.resetAfter+time.Second-1)/time.Second)))
	h.Set("Via", "1.1 sandbox")
	h.Set("X-RateLimit-Scope", "user")
	retry, _ := strconv.ParseFloat(seconds(st.resetAfter), 64)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": retry, "global": false})
}

// authorized accepts "Bot <token>", the form Discord requires for bot tokens.
func authorized(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Bot "+Token
}

// apiPath strips /api/v9, /api/v10 or /api from the path.
func apiPath(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/api")
	for _, v := range []string{"/v9", "/v10"} {
		if p == v || strings.HasPrefix(p, v+"/") {
			return strings.TrimPrefix(p, v), true
		}
	}
	if strings.HasPrefix(p, "/v") {
		return "", false // an unsupported version
	}
	return p, true
}

// gatewayURL is the sandbox's ws:// URL as this request reached it, so it is
// right on any port and when the sandbox is mounted under a path prefix.
func gatewayURL(r *http.Request) string {
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	return scheme + "://" + r.Host + mountPrefix(r) + "/gateway"
}

// baseURL is the sandbox's http:// URL as this request reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + mountPrefix(r)
}

// mountPrefix is the path the sandbox is mounted under when another server
// strips a prefix before handing it the request ("" when served at the root).
func mountPrefix(r *http.Request) string {
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && strings.HasSuffix(u.Path, r.URL.Path) {
		return strings.TrimSuffix(u.Path, r.URL.Path)
	}
	return ""
}

func (s *Server) getGateway(c *restCall) {
	c.ok(map[string]string{"url": gatewayURL(c.r)})
}

func (s *Server) getGatewayBot(c *restCall) {
	s.mu.Lock()
	limit := s.starts.limitLocked(s.now())
	s.mu.Unlock()
	limit.MaxConcurrency = max(1, s.cfg.MaxConcurrency)
	c.ok(gateway.GatewayBot{URL: gatewayURL(c.r), Shards: 1, SessionStartLimit: limit})
}

// selfUser is GET /users/@me: the bot's user with the account-only fields.
func selfUser() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(mustJSON(botUser()), &m)
	m["mfa_enabled"], m["verified"], m["email"], m["locale"] = false, true, nil, "en-US"
	m["banner"], m["accent_color"], m["flags"] = nil, nil, 0
	return m
}

func (s *Server) getMe(c *restCall) {
	c.ok(selfUser())
}

func (s *Server) getApplication(c *restCall) {
	s.mu.Lock()
	owner := *s.world.resident(DefaultMemberID).member.User
	s.mu.Unlock()
	c.ok(map[string]any{
		"id": ApplicationID, "name": "Tour Bot", "description": "The gatewaytour sandbox's bot.",
		"icon": nil, "rpc_origins": []string{}, "bot_public": true, "bot_require_code_grant": false,
		"owner": owner, "verify_key": "5a6e6f8c0d1b2a3948576a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809",
		"flags": appFlags(s.cfg.EnabledPrivileged), "team": nil, "bot": selfUser(),
		"interactions_endpoint_url": nil, "summary": "", "guild_id": GuildID,
		"install_params": map[string]any{"scopes": []string{"bot", "applications.commands"}, "permissions": "2048"},
		"type":           nil, "flags_new": strconv.Itoa(appFlags(s.cfg.EnabledPrivileged)), "redirect_uris": []string{}, "role_connections_verification_url": nil,
		"approximate_guild_count": len(s.world.guilds), "approximate_user_install_count": 0, "approximate_user_authorization_count": 0,
		"explicit_content_filter": 0, "eligible_oauth2_scopes": []string{"bot", "applications.commands"},
	})
}
