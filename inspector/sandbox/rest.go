package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// apiError is Discord's error body.
type apiError struct {
	Message string         `json:"message"`
	Code    int            `json:"code"`
	Errors  map[string]any `json:"errors,omitempty"`
}

var (
	errUnauthorized = apiError{Message: "401: Unauthorized", Code: 0}
	errNotFound     = apiError{Message: "404: Not Found", Code: 0}
	errMethod       = apiError{Message: "405: Method Not Allowed", Code: 0}
	errInvalidJSON  = apiError{Message: "The request body contains invalid JSON.", Code: 50109}
)

// writeJSON answers with Content-Type exactly "application/json": discord.py
// compares the header with ==, so a charset suffix would break its login.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// restRoute is one REST endpoint. route names the rate-limit bucket; major is
// the resource the bucket is counted per.
type restRoute struct {
	route  string
	major  string
	auth   bool
	limit  int
	window time.Duration
	serve  func(w http.ResponseWriter, r *http.Request)
}

func (s *Server) restHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, known := s.matchRoute(r)
		if !known {
			st, _ := s.limits.take("unknown", "", defaultLimit, defaultWindow)
			st.set(w.Header())
			writeJSON(w, http.StatusNotFound, errNotFound)
			return
		}
		if rt.limit == 0 {
			rt.limit, rt.window = defaultLimit, defaultWindow
		}
		st, ok := s.limits.take(rt.route, rt.major, rt.limit, rt.window)
		st.set(w.Header())
		if rt.auth && !authorized(r) {
			writeJSON(w, http.StatusUnauthorized, errUnauthorized)
			return
		}
		if !ok {
			tooMany(w, st)
			return
		}
		rt.serve(w, r)
	})
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

func (s *Server) matchRoute(r *http.Request) (restRoute, bool) {
	p, ok := apiPath(r.URL.Path)
	if !ok {
		return restRoute{}, false
	}
	seg := strings.Split(strings.Trim(p, "/"), "/")
	method := r.Method
	route := func(m, name string, auth bool, serve http.HandlerFunc) (restRoute, bool) {
		if method != m {
			return restRoute{route: name, serve: methodNotAllowed}, true
		}
		return restRoute{route: m + " " + name, auth: auth, serve: serve}, true
	}
	switch {
	case p == "/gateway" || p == "/gateway/":
		return route("GET", "/gateway", false, s.getGateway)
	case p == "/gateway/bot":
		return route("GET", "/gateway/bot", true, s.getGatewayBot)
	case p == "/users/@me":
		return route("GET", "/users/@me", true, s.getMe)
	case p == "/oauth2/applications/@me" || p == "/applications/@me":
		return route("GET", "/applications/@me", true, s.getApplication)
	case len(seg) == 2 && seg[0] == "channels":
		rt, ok := route("GET", "/channels/{channel.id}", true, func(w http.ResponseWriter, r *http.Request) { s.getChannel(w, seg[1]) })
		rt.major = seg[1]
		return rt, ok
	case len(seg) == 3 && seg[0] == "channels" && seg[2] == "messages":
		if method == "GET" {
			rt, ok := route("GET", "/channels/{channel.id}/messages", true, func(w http.ResponseWriter, r *http.Request) { s.listMessages(w, seg[1]) })
			rt.major = seg[1]
			return rt, ok
		}
		rt, ok := route("POST", "/channels/{channel.id}/messages", true, func(w http.ResponseWriter, r *http.Request) { s.createMessage(w, r, seg[1]) })
		rt.major, rt.limit, rt.window = seg[1], messageLimit, messageWindow
		return rt, ok
	case len(seg) == 4 && seg[0] == "interactions" && seg[3] == "callback":
		// The interaction token in the path is the credential: no Authorization.
		rt, ok := route("POST", "/interactions/{id}/{token}/callback", false, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
		rt.major = seg[1]
		return rt, ok
	}
	return restRoute{}, false
}

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, errMethod)
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

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"url": gatewayURL(r)})
}

func (s *Server) getGatewayBot(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	limit := s.starts.limitLocked(s.now())
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, gateway.GatewayBot{URL: gatewayURL(r), Shards: 1, SessionStartLimit: limit})
}

// selfUser is GET /users/@me: the bot's user with the account-only fields.
func selfUser() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(mustJSON(botUser()), &m)
	m["mfa_enabled"], m["verified"], m["email"], m["locale"] = false, true, nil, "en-US"
	m["banner"], m["accent_color"], m["flags"] = nil, nil, 0
	return m
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, selfUser())
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	owner := *s.world.resident(DefaultMemberID).member.User
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"id": ApplicationID, "name": "Tour Bot", "description": "The gatewaytour sandbox's bot.",
		"icon": nil, "rpc_origins": []string{}, "bot_public": true, "bot_require_code_grant": false,
		"owner": owner, "verify_key": "5a6e6f8c0d1b2a3948576a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809",
		"flags": appFlags(s.cfg.EnabledPrivileged), "team": nil, "bot": botUser(),
		"interactions_endpoint_url": nil, "summary": "", "guild_id": GuildID,
		"install_params": map[string]any{"scopes": []string{"bot", "applications.commands"}, "permissions": "2048"},
	})
}

func (s *Server) getChannel(w http.ResponseWriter, rawID string) {
	id, err := gateway.ParseSnowflake(rawID)
	s.mu.Lock()
	ch, ok := s.world.channel(id)
	s.mu.Unlock()
	if err != nil || !ok {
		writeJSON(w, http.StatusNotFound, errUnknownChannel.apiError)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

// listMessages is GET /channels/{id}/messages: the latest 50, newest first.
func (s *Server) listMessages(w http.ResponseWriter, rawID string) {
	id, err := gateway.ParseSnowflake(rawID)
	s.mu.Lock()
	_, ok := s.world.channel(id)
	stored := s.world.messages[id]
	out := make([]gateway.Message, 0, 50)
	for i := len(stored) - 1; i >= 0 && len(out) < 50; i-- {
		out = append(out, stored[i])
	}
	s.mu.Unlock()
	if err != nil || !ok {
		writeJSON(w, http.StatusNotFound, errUnknownChannel.apiError)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// createBody is what POST /channels/{id}/messages reads. discordgo sends
// null for the arrays it does not use, which decodes to nil here.
type createBody struct {
	Content          string            `json:"content"`
	Nonce            json.RawMessage   `json:"nonce"`
	TTS              bool              `json:"tts"`
	Embeds           []json.RawMessage `json:"embeds"`
	Embed            json.RawMessage   `json:"embed"`
	Components       []json.RawMessage `json:"components"`
	StickerIDs       []json.RawMessage `json:"sticker_ids"`
	MessageReference *struct {
		MessageID gateway.Snowflake `json:"message_id"`
	} `json:"message_reference"`
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request, rawID string) {
	id, err := gateway.ParseSnowflake(rawID)
	if err != nil {
		writeJSON(w, http.StatusNotFound, errUnknownChannel.apiError)
		return
	}
	var body createBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	d := draft{channelID: id, author: BotID, content: body.Content, tts: body.TTS, embeds: body.Embeds, components: body.Components, stickers: len(body.StickerIDs)}
	if n := strings.TrimSpace(string(body.Nonce)); n != "" && n != "null" {
		d.nonce = body.Nonce
	}
	if e := strings.TrimSpace(string(body.Embed)); e != "" && e != "null" {
		d.embeds = append(d.embeds, body.Embed)
	}
	if body.MessageReference != nil {
		d.replyTo = &body.MessageReference.MessageID
	}
	s.mu.Lock()
	msg, err := s.postLocked(d)
	s.mu.Unlock()
	if pe, ok := err.(*postError); ok {
		writeJSON(w, pe.status, pe.apiError)
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, apiError{Message: err.Error(), Code: 0})
		return
	}
	msg.Member = nil // a gateway extra: the REST answer leaves it out
	writeJSON(w, http.StatusOK, msg)
}
