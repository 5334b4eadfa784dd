package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/pretty"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/live"
)

// Limits on what the panel accepts.
const (
	maxConnectBody   = 16 << 10  // a token and a list of intent names
	maxRecordingBody = 256 << 20 // an hour of a busy bot is tens of megabytes
	maxTokenLength   = 256
)

func (s *Server) panelRoutes() {
	s.mux.HandleFunc("GET /panel/streams", s.serveStreams)
	s.mux.HandleFunc("GET /panel/events", s.serveEvents)
	s.mux.HandleFunc("GET /panel/export", s.serveExport)
	s.mux.HandleFunc("GET /panel/frame", s.serveFrame)
	s.mux.HandleFunc("POST /panel/connect", s.serveConnect)
	s.mux.HandleFunc("POST /panel/disconnect", s.serveDisconnect)
	s.mux.HandleFunc("POST /panel/recording", s.serveRecording)
	s.mux.HandleFunc("GET /panel/join", s.serveJoin)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "could not encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, status, "application/json", body)
}

// jsonError is the body of every 4xx/5xx the panel's script reads.
type jsonError struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, format string, args ...any) {
	writeJSON(w, r, status, jsonError{Error: fmt.Sprintf(format, args...)})
}

// hub returns the live hub, or answers 503 when the server has none.
func (s *Server) hub(w http.ResponseWriter, r *http.Request) (*live.Hub, bool) {
	if s.live == nil {
		writeError(w, r, http.StatusServiceUnavailable, "this server runs without the live panel")
		return nil, false
	}
	return s.live, true
}

// stream finds ?stream=ID ("inspector" when absent), or answers 404.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) (*live.Stream, bool) {
	h, ok := s.hub(w, r)
	if !ok {
		return nil, false
	}
	id := r.URL.Query().Get("stream")
	if id == "" {
		id = inspectorStream
	}
	st, ok := h.Stream(id)
	if !ok {
		writeError(w, r, http.StatusNotFound, "there is no stream %q; GET /panel/streams lists them", id)
		return nil, false
	}
	return st, true
}

// inspectorStream is the panel's own connection, the one it opens by default.
const inspectorStream = "inspector"

type streamsAnswer struct {
	Streams []live.StreamInfo `json:"streams"`
}

func (s *Server) serveStreams(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	writeJSON(w, r, http.StatusOK, streamsAnswer{Streams: h.Streams()})
}

// connectRequest is the body of POST /panel/connect.
type connectRequest struct {
	Mode    string    `json:"mode"` // "sandbox" or "discord"
	Token   string    `json:"token,omitempty"`
	Intents *[]string `json:"intents,omitempty"` // absent: the mode's default
}

// requireJSON answers 415 unless the body is declared as JSON; a plain HTML
// form cannot send that type, which closes one more cross-site path.
func requireJSON(w http.ResponseWriter, r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, r, http.StatusUnsupportedMediaType, "send the request as application/json")
		return false
	}
	return true
}

func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) || !requireJSON(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	var req connectRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxConnectBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		// The decoder's message may quote the body, and the body may hold a token.
		writeError(w, r, http.StatusBadRequest, "the request is not a JSON object with mode, token and intents")
		return
	}
	intents, err := parseIntentNames(req.Intents, req.Mode)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	switch req.Mode {
	case "sandbox":
		if req.Token != "" {
			writeError(w, r, http.StatusBadRequest, "the sandbox needs no token; leave it out")
			return
		}
		err = h.ConnectSandbox(intents)
	case "discord":
		token := strings.TrimSpace(req.Token)
		if problem := checkToken(token); problem != "" {
			writeError(w, r, http.StatusBadRequest, "%s", problem)
			return
		}
		err = h.ConnectDiscord(token, intents)
		if err != nil {
			// Belt and braces: whatever the error says, it never carries the token.
			err = errors.New(strings.ReplaceAll(err.Error(), token, inspector.RedactedToken))
		}
	default:
		writeError(w, r, http.StatusBadRequest, `mode must be "sandbox" or "discord", not %q`, truncate(req.Mode, 40))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusBadGateway, "could not connect: %v", err)
		return
	}
	writeJSON(w, r, http.StatusOK, struct {
		Stream string `json:"stream"`
	}{inspectorStream})
}

// parseIntentNames reads the intents list; absent means the mode's default:
// everything on the sandbox (it has every privileged intent enabled), the
// non-privileged set on Discord (privileged ones need the portal first).
func parseIntentNames(names *[]string, mode string) (gateway.Intents, error) {
	if names == nil {
		if mode == "sandbox" {
			return gateway.AllIntents, nil
		}
		return gateway.DefaultIntents, nil
	}
	var in gateway.Intents
	for _, name := range *names {
		one, err := gateway.ParseIntents(name)
		if err != nil || strings.ContainsAny(name, ",|") {
			return 0, fmt.Errorf("%q is not an intent name", truncate(name, 60))
		}
		in |= one
	}
	return in, nil
}

// checkToken says what is wrong with a token's shape, or "".
func checkToken(token string) string {
	switch {
	case token == "":
		return "paste the bot token from the Developer Portal (Bot → Reset Token)"
	case len(token) > maxTokenLength:
		return "that is too long to be a bot token"
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' }):
		return "a bot token has no spaces or special characters; paste it again"
	}
	// Three dot-separated parts of base64url text. Checked here too, so a
	// slip of the clipboard never leaves this machine.
	parts := strings.Split(token, ".")
	for _, p := range parts {
		if p == "" || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return "that does not look like a bot token: it is three parts joined by dots; copy it again from the Developer Portal's Bot page"
		}
	}
	if len(parts) != 3 {
		return "that does not look like a bot token: it is three parts joined by dots; copy it again from the Developer Portal's Bot page"
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (s *Server) serveDisconnect(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	if err := h.Disconnect(); err != nil {
		writeError(w, r, http.StatusConflict, "%v", err)
		return
	}
	writeJSON(w, r, http.StatusOK, struct{}{})
}

// serveRecording loads an NDJSON export as a new stream. The body is the
// file; ?name= is the file's name, shown as the stream's label.
func (s *Server) serveRecording(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name == "" {
		name = "recording"
	}
	info, err := h.ImportRecording(http.MaxBytesReader(w, r.Body, maxRecordingBody), truncate(name, 80))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, r, http.StatusRequestEntityTooLarge, "the recording is larger than %d MB", maxRecordingBody>>20)
			return
		}
		writeError(w, r, http.StatusBadRequest, "not a recording this panel can read: %v", err)
		return
	}
	writeJSON(w, r, http.StatusOK, info)
}

// serveExport downloads a stream as NDJSON, one record a line, tokens
// already redacted by the annotator.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	st, ok := s.stream(w, r)
	if !ok {
		return
	}
	info := st.Info()
	name := fmt.Sprintf("gatewaytour-%s-%s.ndjson", safeFileName(info.ID), time.Now().UTC().Format("20060102-150405"))
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	if r.Method == http.MethodHead {
		return
	}
	_ = st.Session().ExportNDJSON(w)
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

// serveFrame answers one record, ?index=N, pretty-printed with ?pretty=1.
func (s *Server) serveFrame(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	st, ok := s.stream(w, r)
	if !ok {
		return
	}
	index, err := strconv.ParseInt(r.URL.Query().Get("index"), 10, 64)
	if err != nil || index < 0 {
		writeError(w, r, http.StatusBadRequest, "index must be a frame number (0 or more)")
		return
	}
	rec, ok := st.Session().Get(index)
	if !ok {
		oldest, next := st.Session().Bounds()
		writeError(w, r, http.StatusNotFound, "frame %d is not held; the stream holds %d to %d", index, oldest, next-1)
		return
	}
	body, err := json.Marshal(rec)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "could not encode the frame")
		return
	}
	if r.URL.Query().Get("pretty") != "" {
		body = pretty.Pretty(body)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, http.StatusOK, "application/json", body)
}
