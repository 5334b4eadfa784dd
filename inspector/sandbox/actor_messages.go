package sandbox

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

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

// maxActorHistory bounds GET /sandbox/messages.
const maxActorHistory = 100

// actorHistory is GET /sandbox/messages?channel_id=&limit=&user_id=: a
// channel's latest messages as the member sees them, oldest first, with the
// ephemeral replies only they were shown.
func (s *Server) actorHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	channel, err := gateway.ParseSnowflake(q.Get("channel_id"))
	if q.Get("channel_id") == "" {
		channel, err = GeneralChannelID, nil
	}
	user := DefaultMemberID
	if raw := q.Get("user_id"); raw != "" {
		if user, err = gateway.ParseSnowflake(raw); err != nil {
			writeErr(w, errUnknownUser)
			return
		}
	}
	limit := 50
	if raw := q.Get("limit"); raw != "" {
		if n, convErr := strconv.Atoi(raw); convErr == nil && n >= 1 && n <= maxActorHistory {
			limit = n
		} else {
			writeErr(w, actorErr(http.StatusBadRequest, 50035, "limit must be 1 to 100"))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channelLocked(channel); err != nil || !ok {
		writeErr(w, errUnknownChannel)
		return
	}
	if !s.permissionsLocked(channel, user).Has(gateway.PermViewChannel | gateway.PermReadMessageHistory) {
		writeErr(w, actorErr(http.StatusForbidden, gateway.ErrMissingAccess, "Missing Access: user "+user.String()+" cannot read that channel"))
		return
	}
	list := append([]gateway.Message(nil), s.world.messages[channel]...)
	for _, in := range s.appsLocked().interactions {
		for _, m := range in.private {
			if m.ChannelID == channel && in.userID == user {
				list = append(list, *m)
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	if len(list) > limit {
		list = list[len(list)-limit:]
	}
	out := make([]json.RawMessage, 0, len(list))
	for _, m := range list {
		out = append(out, s.messageJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}
