package sandbox

import (
	"fmt"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// webhookRoutes are an interaction's follow-ups and its original response,
// reached with the interaction token for 15 minutes. The webhook id is the
// application's id.
var webhookRoutes = []restRoute{
	{family: "interaction webhooks", method: "POST", path: "/webhooks/{webhook_id}/{webhook_token}", noAuth: true, serve: (*Server).postFollowup},
	{family: "interaction webhooks", method: "GET", path: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", noAuth: true, serve: (*Server).getWebhookMessage},
	{family: "interaction webhooks", method: "PATCH", path: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", noAuth: true, serve: (*Server).editWebhookMessage},
	{family: "interaction webhooks", method: "DELETE", path: "/webhooks/{webhook_id}/{webhook_token}/messages/@original", noAuth: true, serve: (*Server).deleteWebhookMessage},
	{family: "interaction webhooks", method: "GET", path: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", noAuth: true, serve: (*Server).getWebhookMessage},
	{family: "interaction webhooks", method: "PATCH", path: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", noAuth: true, serve: (*Server).editWebhookMessage},
	{family: "interaction webhooks", method: "DELETE", path: "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", noAuth: true, serve: (*Server).deleteWebhookMessage},
}

var errTooManyFollowups = &postError{http.StatusBadRequest, apiError{Message: fmt.Sprintf("The sandbox keeps at most %d follow-up messages per interaction", maxFollowups), Code: 0}}

// underToken runs fn, with s.mu held, for the interaction behind the
// path's token (answering 10015 or 50027 if there is none or it expired);
// body, when not nil, is decoded first.
func (s *Server) underToken(c *restCall, body any, fn func(in *interaction)) {
	if body != nil && !c.decode(body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, pe := s.appsLocked().byTokenLocked(c.params["webhook_id"], c.params["webhook_token"], s.now())
	if pe != nil {
		c.fail(pe)
		return
	}
	fn(in)
}

// postFollowup sends a follow-up message. Right after a deferred response
// (callback 5) the first one fills in the "is thinking…" message instead,
// as Discord documents.
func (s *Server) postFollowup(c *restCall) {
	var body replyBody
	s.underToken(c, &body, func(in *interaction) { s.followupLocked(c, in, body) })
}

func (s *Server) followupLocked(c *restCall, in *interaction, body replyBody) {
	var m *gateway.Message
	var pe *postError
	if orig, found := s.interactionMessageLocked(in, in.originalID); found && orig.Flags&flagLoading != 0 && len(in.followups) == 0 {
		m, pe = s.editInteractionMessageLocked(in, in.originalID, body)
	} else if len(in.followups) >= maxFollowups {
		pe = errTooManyFollowups
	} else if m, pe = s.newReplyLocked(in, body, false); pe == nil {
		in.followups = append(in.followups, m.ID)
	}
	if pe != nil {
		c.fail(pe)
		return
	}
	if c.query("wait") == "false" {
		c.noContent()
		return
	}
	c.ok(s.messageJSON(*m))
}

// webhookMessageLocked resolves @original or a message id to a message of
// this interaction.
func (s *Server) webhookMessageLocked(c *restCall, in *interaction) (gateway.Snowflake, *gateway.Message, bool) {
	id := in.originalID
	if _, ok := c.params["message_id"]; ok {
		parsed, ok := c.snowflake("message_id")
		if !ok {
			return 0, nil, false
		}
		id = parsed
		if id != in.originalID && !containsID(in.followups, id) {
			c.fail(errUnknownMessage)
			return 0, nil, false
		}
	}
	if id == 0 {
		c.fail(errUnknownMessage)
		return 0, nil, false
	}
	m, ok := s.interactionMessageLocked(in, id)
	if !ok && id == in.source {
		m, ok = s.ephemeralSourceLocked(in)
	}
	if !ok {
		c.fail(errUnknownMessage)
		return 0, nil, false
	}
	return id, m, true
}

func (s *Server) getWebhookMessage(c *restCall) {
	s.underToken(c, nil, func(in *interaction) {
		if _, m, ok := s.webhookMessageLocked(c, in); ok {
			c.ok(s.messageJSON(*m))
		}
	})
}

func (s *Server) editWebhookMessage(c *restCall) {
	var body replyBody
	s.underToken(c, &body, func(in *interaction) {
		id, _, ok := s.webhookMessageLocked(c, in)
		if !ok {
			return
		}
		m, pe := s.editInteractionMessageLocked(in, id, body)
		if pe != nil {
			c.fail(pe)
			return
		}
		c.ok(s.messageJSON(*m))
	})
}

// deleteWebhookMessage removes a response or follow-up: from the channel
// (MESSAGE_DELETE) or, if ephemeral, from the invoker's view.
func (s *Server) deleteWebhookMessage(c *restCall) {
	s.underToken(c, nil, func(in *interaction) { s.deleteInteractionMessageLocked(c, in) })
}

func (s *Server) deleteInteractionMessageLocked(c *restCall, in *interaction) {
	id, m, ok := s.webhookMessageLocked(c, in)
	if !ok {
		return
	}
	if m.Flags&flagEphemeral != 0 {
		s.dropEphemeralLocked(id)
	} else {
		s.unpublishLocked(m.ChannelID, id)
	}
	if id == in.originalID {
		in.originalID = 0
	}
	for i, f := range in.followups {
		if f == id {
			in.followups = append(in.followups[:i:i], in.followups[i+1:]...)
			break
		}
	}
	c.noContent()
}

// dropEphemeralLocked forgets an ephemeral message wherever it lives.
func (s *Server) dropEphemeralLocked(id gateway.Snowflake) {
	for _, in := range s.appsLocked().interactions {
		delete(in.private, id)
	}
}
