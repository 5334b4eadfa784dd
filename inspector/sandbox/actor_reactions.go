package sandbox

import (
	"encoding/json"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// actorReact is PUT (add) and DELETE (remove) /sandbox/reactions: a member
// reacts to a message → MESSAGE_REACTION_ADD / REMOVE. channel_id may be
// left out; the message is then looked for in every channel.
func (s *Server) actorReact(w http.ResponseWriter, r *http.Request, add bool) {
	var body struct {
		ChannelID gateway.Snowflake `json:"channel_id"`
		MessageID gateway.Snowflake `json:"message_id"`
		Emoji     string            `json:"emoji"`
		UserID    gateway.Snowflake `json:"user_id"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	if body.UserID == 0 {
		body.UserID = DefaultMemberID
	}
	emoji, key, err := parseEmoji(body.Emoji)
	if err != nil {
		writeErr(w, asPostError(err))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if body.ChannelID == 0 {
		if m, ok := s.findMessageLocked(body.MessageID); ok {
			body.ChannelID = m.ChannelID
		}
	}
	m, ok := s.storedMessageLocked(body.ChannelID, body.MessageID)
	if !ok {
		writeErr(w, errUnknownMessage)
		return
	}
	if !s.permissionsLocked(m.ChannelID, body.UserID).Has(gateway.PermViewChannel | gateway.PermReadMessageHistory) {
		writeErr(w, actorErr(http.StatusForbidden, gateway.ErrMissingAccess, "Missing Access: user "+body.UserID.String()+" cannot see that message"))
		return
	}
	_, g := s.world.findChannel(m.ChannelID)
	if add {
		if err := s.reactLocked(g, m, body.UserID, emoji, key); err != nil {
			writeErr(w, asPostError(err))
			return
		}
	} else {
		s.unreactLocked(g, m, body.UserID, emoji, key)
	}
	w.WriteHeader(http.StatusNoContent)
}
