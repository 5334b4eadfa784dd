package sandbox

import (
	"net/http"
	"strings"
)

// serveActor answers the actor API: routes that let a person, a test or the
// page act as a member of the guild. controlHandler has already refused
// other origins. It reports false for a path that is not an actor route.
//
//	GET    /sandbox/world
//	GET    /sandbox/messages?channel_id=&limit=
//	POST   /sandbox/messages
//	PUT    /sandbox/reactions
//	DELETE /sandbox/reactions
//	POST   /sandbox/members
//	DELETE /sandbox/members/{id}
//	GET    /sandbox/commands
//	GET    /sandbox/interactions
//	POST   /sandbox/interactions
//	GET    /sandbox/interactions/{id}
func (s *Server) serveActor(w http.ResponseWriter, r *http.Request, path string) bool {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/world" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.World())
	case path == "/messages" && r.Method == http.MethodGet:
		s.actorHistory(w, r)
	case path == "/messages" && r.Method == http.MethodPost:
		s.actorPost(w, r)
	case path == "/reactions" && (r.Method == http.MethodPut || r.Method == http.MethodDelete):
		s.actorReact(w, r, r.Method == http.MethodPut)
	case path == "/members" && r.Method == http.MethodPost:
		s.actorJoin(w, r)
	case len(seg) == 2 && seg[0] == "members" && r.Method == http.MethodDelete:
		s.actorLeave(w, r, seg[1])
	case path == "/commands" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Commands())
	case path == "/interactions" && r.Method == http.MethodGet:
		s.actorListInteractions(w)
	case path == "/interactions" && r.Method == http.MethodPost:
		s.actorInteract(w, r)
	case len(seg) == 2 && seg[0] == "interactions" && r.Method == http.MethodGet:
		s.actorGetInteraction(w, seg[1])
	default:
		return false
	}
	return true
}
