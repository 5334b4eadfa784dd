package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"gatewaytour/inspector/gateway"
)

// The member edits or deletes a message, as their client would:
//
//	PATCH  /sandbox/messages/{id} {"channel_id","content","user_id"}  → MESSAGE_UPDATE
//	DELETE /sandbox/messages/{id} {"channel_id","user_id"}            → MESSAGE_DELETE
//
// Only their own messages can be edited; deleting someone else's needs
// Manage Messages, as on Discord.
type actorEditBody struct {
	UserID    gateway.Snowflake `json:"user_id"`
	ChannelID gateway.Snowflake `json:"channel_id"`
	Content   string            `json:"content"`
}

func (s *Server) actorEdit(w http.ResponseWriter, r *http.Request, rawID string, remove bool) {
	var body actorEditBody
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, actorInteractionMax)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, errInvalidJSON)
			return
		}
	}
	if body.UserID == 0 {
		body.UserID = DefaultMemberID
	}
	id, err := gateway.ParseSnowflake(rawID)
	if err != nil {
		writeErr(w, errUnknownMessage)
		return
	}
	s.mu.Lock()
	out, err := s.actorEditLocked(id, body, remove)
	s.mu.Unlock()
	var pe *postError
	switch {
	case errors.As(err, &pe):
		writeErr(w, pe)
	case err != nil:
		writeErr(w, actorErr(http.StatusBadRequest, 50035, err.Error()))
	case remove:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) actorEditLocked(id gateway.Snowflake, body actorEditBody, remove bool) (json.RawMessage, error) {
	if !s.feedVisibleLocked(body.UserID, body.ChannelID, 0) {
		return nil, actorErr(http.StatusForbidden, gateway.ErrMissingAccess, "user "+body.UserID.String()+" cannot see channel "+body.ChannelID.String())
	}
	m, err := s.world.findMessage(body.ChannelID, id)
	if err != nil {
		return nil, err
	}
	_, g := s.world.findChannel(body.ChannelID)
	own := m.Author.ID == body.UserID
	if remove {
		if !own && (g == nil || !s.world.permissionsIn(body.ChannelID, body.UserID).Has(gateway.PermManageMessages)) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		s.world.removeMessages(body.ChannelID, []gateway.Snowflake{id})
		d := map[string]any{"id": id, "channel_id": body.ChannelID}
		if g != nil {
			d["guild_id"] = g.guild.ID
		}
		s.dispatchLocked("MESSAGE_DELETE", guildIDOf(g), body.ChannelID, mustJSON(d), nil)
		return nil, nil
	}
	if !own {
		return nil, discordErr(gateway.ErrCannotEditOthers)
	}
	if strings.TrimSpace(body.Content) == "" && len(m.Embeds) == 0 {
		return nil, errEmptyMessage
	}
	next := *m
	next.Content = body.Content
	if err := validateMessageBody(next.Content, next.Embeds, next.Components, nil); err != nil {
		return nil, err
	}
	next.EditedTimestamp = str(timestamp(s.now()))
	next.Mentions, next.MentionRoles = []gateway.User{}, []gateway.Snowflake{}
	if g != nil {
		s.world.resolveMentions(&next, g, nil, s.world.permissionsIn(body.ChannelID, body.UserID))
	}
	*m = next
	s.dispatchMessageLocked("MESSAGE_UPDATE", g, next)
	return s.messageJSON(next), nil
}
