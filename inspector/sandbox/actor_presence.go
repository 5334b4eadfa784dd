package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"

	"gatewaytour/inspector/gateway"
)

// actorPresence is POST /sandbox/presence: a member goes online, idle, dnd
// or offline in every guild they are in, as their client would set it.
func (s *Server) actorPresence(w http.ResponseWriter, r *http.Request) {
	var body struct {
		UserID gateway.Snowflake `json:"user_id"`
		Status string            `json:"status"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	if body.UserID == 0 {
		body.UserID = DefaultMemberID
	}
	if !slices.Contains(statuses, body.Status) {
		writeErr(w, actorErr(http.StatusBadRequest, 50035, `status must be "online", "idle", "dnd" or "offline"`))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for _, g := range s.world.guilds {
		res := g.member(body.UserID)
		if res == nil {
			continue
		}
		found = true
		if res.status == body.Status {
			continue
		}
		res.status = body.Status
		s.dispatchLocked("PRESENCE_UPDATE", g.guild.ID, 0, mustJSON(res.presence(g.guild.ID)), nil)
	}
	if !found {
		writeErr(w, actorErr(http.StatusNotFound, gateway.ErrUnknownMember, "user "+body.UserID.String()+" is in no guild"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": body.Status})
}
