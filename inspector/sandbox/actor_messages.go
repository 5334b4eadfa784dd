package sandbox

import (
	"encoding/json"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// actorMessage is POST /sandbox/messages: a member says something. author_id
// is the older name of user_id and still read.
type actorMessage struct {
	ChannelID        gateway.Snowflake `json:"channel_id"`
	UserID           gateway.Snowflake `json:"user_id"`
	AuthorID         gateway.Snowflake `json:"author_id"`
	Content          string            `json:"content"`
	DM               bool              `json:"dm"`
	MessageReference *struct {
		MessageID gateway.Snowflake `json:"message_id"`
	} `json:"message_reference"`
}

// actorPost posts as a member: in a channel (#general by default), as a
// reply with message_reference, or to the bot in a DM with "dm": true.
func (s *Server) actorPost(w http.ResponseWriter, r *http.Request) {
	var body actorMessage
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	if body.UserID == 0 {
		body.UserID = body.AuthorID
	}
	if body.UserID == 0 {
		body.UserID = DefaultMemberID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if body.ChannelID == 0 && body.DM {
		ch, pe := s.openDMLocked(body.UserID)
		if pe != nil {
			writeErr(w, pe)
			return
		}
		body.ChannelID = ch
	}
	if body.ChannelID == 0 {
		body.ChannelID = GeneralChannelID
	}
	d := draft{channelID: body.ChannelID, author: body.UserID, content: body.Content}
	if body.MessageReference != nil {
		d.replyTo = &body.MessageReference.MessageID
	}
	msg, err := s.postLocked(d)
	if pe, ok := err.(*postError); ok {
		writeErr(w, pe)
		return
	}
	writeJSON(w, http.StatusOK, msg)
}

// openDMLocked is the DM channel between a user and the bot, opened if
// there is none yet (as the world opens them for the bot).
func (s *Server) openDMLocked(user gateway.Snowflake) (gateway.Snowflake, *postError) {
	d, err := s.world.dmWith(user, s.ids)
	if err != nil {
		return 0, asPostError(err)
	}
	return d.ch.ID, nil
}
