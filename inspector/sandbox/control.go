package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hostguard"
)

// ConnInfo describes one live gateway connection.
type ConnInfo struct {
	ID        string          `json:"id"`
	Peer      string          `json:"peer"` // Identify's properties.browser
	Intents   gateway.Intents `json:"intents"`
	SessionID string          `json:"session_id,omitempty"`
	Since     time.Time       `json:"since"`
	Zlib      bool            `json:"zlib_stream"`
	// Compression is the transport compression: "zlib-stream",
	// "zstd-stream", or "" for plain text frames.
	Compression string `json:"compression"`
}

// ErrNoConnection is returned by the controls for an unknown connection id.
var ErrNoConnection = errors.New("sandbox: no such connection")

// Connections lists the live connections, oldest first.
func (s *Server) Connections() []ConnInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnInfo, 0, len(s.conns))
	for _, c := range s.conns {
		info := ConnInfo{ID: c.id, Peer: *c.peer.Load(), Since: c.since, Zlib: c.compress == gateway.CompressZlibStream, Compression: c.compress}
		if c.sess != nil {
			info.Intents, info.SessionID = c.sess.intents, c.sess.id
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		return len(out[i].ID) < len(out[j].ID) || (len(out[i].ID) == len(out[j].ID) && out[i].ID < out[j].ID)
	})
	return out
}

func (s *Server) connByID(id string) (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[id]
	if !ok {
		return nil, ErrNoConnection
	}
	return c, nil
}

// Reconnect sends op 7 to a connection: the client should reconnect and
// resume. A client that has not closed within Config.ReconnectGrace is closed
// with 4000, as Discord closes it.
func (s *Server) Reconnect(connID string) error {
	c, err := s.connByID(connID)
	if err != nil {
		return err
	}
	c.reconnect()
	return nil
}

// InvalidateSession sends op 9 to a connection. With resumable false the
// session is gone and the client must identify again; with true it is
// detached from the connection and may be resumed.
func (s *Server) InvalidateSession(connID string, resumable bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.conns[connID]
	if !ok {
		return ErrNoConnection
	}
	if sess := c.sess; sess != nil {
		s.detachLocked(c)
		if !resumable {
			delete(s.sessions, sess.id)
		}
	}
	c.enqueue(invalidSessionFrame(resumable))
	return nil
}

// PauseACKs stops (or resumes) answering heartbeats on a connection, so the
// client sees what a zombie connection looks like.
func (s *Server) PauseACKs(connID string, paused bool) {
	if c, err := s.connByID(connID); err == nil {
		c.pausedACKs.Store(paused)
	}
}

// controlHandler drives the world from outside: the walk-through and the
// browser tests post messages and list connections through it.
//
//	the actor API (actor.go): world, messages, reactions, members, commands, interactions
//	GET  /sandbox/connections
//	GET  /sandbox/recipe  (the Recipe text for this server's URL)
//	POST /sandbox/connections/{id}/reconnect
//	POST /sandbox/connections/{id}/invalidate {"resumable":bool}
//	POST /sandbox/connections/{id}/pause-acks {"paused":bool}
func (s *Server) controlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			writeJSON(w, http.StatusForbidden, apiError{Message: "403: cross-origin requests may not drive the sandbox", Code: 0})
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/sandbox")
		seg := strings.Split(strings.Trim(p, "/"), "/")
		switch {
		case s.serveExperimentControl(w, r, p): // experiments_control.go
		case p == "/connections" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, s.Connections())
		case p == "/recipe" && r.Method == http.MethodGet:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte(Recipe(baseURL(r))))
		case len(seg) == 3 && seg[0] == "connections" && r.Method == http.MethodPost:
			s.controlConn(w, r, seg[1], seg[2])
		case s.serveActor(w, r, p): // the actor API (actor.go)
		case s.serveFeed(w, r, p): // the members' live view (feed.go)
		default:
			writeJSON(w, http.StatusNotFound, errNotFound)
		}
	})
}

// sameOrigin refuses a request whose Origin header names another site: a
// web page elsewhere must not post into the learner's sandbox. Requests
// without Origin (curl, scripts, bots) are allowed. The check is the one
// the web pages use.
func sameOrigin(r *http.Request) bool { return hostguard.SameOrigin(r) }

func (s *Server) controlConn(w http.ResponseWriter, r *http.Request, id, action string) {
	var body struct {
		Resumable bool `json:"resumable"`
		Paused    bool `json:"paused"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, errInvalidJSON)
			return
		}
	}
	var err error
	switch action {
	case "reconnect":
		err = s.Reconnect(id)
	case "invalidate":
		err = s.InvalidateSession(id, body.Resumable)
	case "pause-acks":
		if _, err = s.connByID(id); err == nil {
			s.PauseACKs(id, body.Paused)
		}
	default:
		writeJSON(w, http.StatusNotFound, errNotFound)
		return
	}
	if err != nil {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Unknown connection", Code: 0})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
