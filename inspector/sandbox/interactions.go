package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"gatewaytour/inspector/gateway"
)

// Interaction types, callback types and message flags, as Discord numbers them.
const (
	interactionCommand      = 2
	interactionComponent    = 3
	interactionAutocomplete = 4
	interactionModalSubmit  = 5

	callbackMessage         = 4
	callbackDeferredMessage = 5
	callbackDeferredUpdate  = 6
	callbackUpdateMessage   = 7
	callbackAutocomplete    = 8
	callbackModal           = 9

	flagEphemeral    = 1 << 6
	flagLoading      = 1 << 7
	flagComponentsV2 = 1 << 15
)

// The lifecycle's clocks, as Discord documents them, and the sandbox's bounds.
const (
	interactionAckWindow = 3 * time.Second  // the first callback must come within this
	interactionTokenTTL  = 15 * time.Minute // follow-ups and edits work this long
	maxInteractions      = 256              // kept for tokens and GET /sandbox/interactions/{id}
	maxFollowups         = 50               // per interaction
	maxModalsPerUser     = 8                // modals shown and not yet submitted
)

var (
	errUnknownInteraction = discordErr(gateway.ErrUnknownInteraction)
	errAlreadyAcked       = discordErr(gateway.ErrAlreadyAcknowledged)
	errUnknownWebhook     = discordErr(gateway.ErrUnknownWebhook)
	errInvalidWebhookTok  = &postError{http.StatusUnauthorized, apiError{Message: "Invalid Webhook Token", Code: 50027}}
	errUnknownMessage     = discordErr(gateway.ErrUnknownMessage)
	errUnknownMember      = discordErr(gateway.ErrUnknownMember)
	errTooManyPending     = &postError{http.StatusTooManyRequests, apiError{Message: "The sandbox keeps at most 256 interactions and all of them are still waiting for the bot", Code: 0}}
)

// noResponse is what Discord's client shows the invoker when the bot missed
// the 3-second window.
const noResponse = "The application did not respond"

// appState is the application side of the sandbox: commands the bot
// registered and the interactions members started. Guarded by Server.mu.
type appState struct {
	commands     map[commandScope][]*appCommand
	interactions map[gateway.Snowflake]*interaction
	byToken      map[string]*interaction
	order        []gateway.Snowflake // oldest first, for eviction
	extras       map[gateway.Snowflake]messageExtras
	modals       map[gateway.Snowflake][]openModal // per user, newest last
}

func (s *Server) appsLocked() *appState {
	if s.apps == nil {
		s.apps = &appState{
			commands:     map[commandScope][]*appCommand{},
			interactions: map[gateway.Snowflake]*interaction{},
			byToken:      map[string]*interaction{},
			extras:       map[gateway.Snowflake]messageExtras{},
			modals:       map[gateway.Snowflake][]openModal{},
		}
	}
	return s.apps
}

// interaction is one use of a command, component or modal and everything the
// bot did about it.
type interaction struct {
	id        gateway.Snowflake
	token     string
	kind      int
	created   time.Time
	guildID   *gateway.Snowflake
	channelID gateway.Snowflake
	userID    gateway.Snowflake
	command   *appCommand       // for command and autocomplete interactions
	source    gateway.Snowflake // the message a component sits on (and a modal opened from it)
	payload   json.RawMessage   // INTERACTION_CREATE's d, as dispatched

	acked      bool
	expired    bool // the 3 s passed without a callback
	callback   *callbackBody
	originalID gateway.Snowflake // the @original message, 0 while there is none
	ephemeral  bool              // the response is seen only by the invoker
	followups  []gateway.Snowflake
	private    map[gateway.Snowflake]*gateway.Message // ephemeral messages: never in the channel
	done       chan struct{}                          // closed by the first callback
}

// openModal is a modal the bot showed a member, waiting for them to submit it.
type openModal struct {
	customID string
	from     *interaction
	inputs   []modalInput
}

// messageExtras are the interaction fields of a message the bot sent in
// answer to one; gateway.Message has no room for them, so they are merged
// into the JSON when the message is dispatched or shown.
type messageExtras struct {
	ApplicationID       gateway.Snowflake `json:"application_id"`
	WebhookID           gateway.Snowflake `json:"webhook_id"`
	Interaction         map[string]any    `json:"interaction"`
	InteractionMetadata map[string]any    `json:"interaction_metadata"`
}

// newInteractionToken has the shape of Discord's (base64 of
// "interaction:<id>:<secret>"); it is the credential for the callback and
// the webhook routes.
func newInteractionToken(id gateway.Snowflake) string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString([]byte("interaction:" + id.String() + ":" + hex.EncodeToString(b[:])))
}

// registerLocked files a new interaction, forgetting the oldest finished
// ones beyond maxInteractions.
func (a *appState) registerLocked(in *interaction, now time.Time) *postError {
	for len(a.order) >= maxInteractions {
		old, ok := a.interactions[a.order[0]]
		if ok && !old.acked && !old.expired && now.Sub(old.created) <= interactionAckWindow {
			return errTooManyPending
		}
		a.forget(a.order[0])
		a.order = a.order[1:]
	}
	a.interactions[in.id] = in
	a.byToken[in.token] = in
	a.order = append(a.order, in.id)
	return nil
}

func (a *appState) forget(id gateway.Snowflake) {
	in, ok := a.interactions[id]
	if !ok {
		return
	}
	delete(a.interactions, id)
	delete(a.byToken, in.token)
	delete(a.extras, in.originalID)
	for _, f := range in.followups {
		delete(a.extras, f)
	}
	for user, list := range a.modals {
		kept := list[:0]
		for _, m := range list {
			if m.from != in {
				kept = append(kept, m)
			}
		}
		a.modals[user] = kept
	}
}

// lateLocked marks an unanswered interaction gone once its 3 s have passed.
func (in *interaction) lateLocked(now time.Time) bool {
	if !in.acked && !in.expired && now.Sub(in.created) > interactionAckWindow {
		in.expired = true
	}
	return in.expired
}

// byTokenLocked finds the interaction behind a webhook token while the
// token is still valid (15 minutes).
func (a *appState) byTokenLocked(appID, token string, now time.Time) (*interaction, *postError) {
	in, ok := a.byToken[token]
	if appID != ApplicationID.String() || !ok {
		return nil, errUnknownWebhook
	}
	if now.Sub(in.created) > interactionTokenTTL {
		return nil, errInvalidWebhookTok
	}
	if !in.acked {
		return nil, errUnknownWebhook // Discord creates the webhook with the first callback
	}
	return in, nil
}

// messageLocked finds a message of this interaction: an ephemeral one in the
// interaction itself, any other in the channel.
func (s *Server) interactionMessageLocked(in *interaction, id gateway.Snowflake) (*gateway.Message, bool) {
	if m, ok := in.private[id]; ok {
		return m, true
	}
	return s.storedMessageLocked(in.channelID, id)
}

// messageJSON is a message as libraries receive it, with the interaction
// fields merged in when the bot sent it in answer to an interaction.
func (s *Server) messageJSON(m gateway.Message) json.RawMessage {
	raw := mustJSON(m)
	ex, ok := s.appsLocked().extras[m.ID]
	if !ok {
		return raw
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	var add map[string]json.RawMessage
	_ = json.Unmarshal(mustJSON(ex), &add)
	for k, v := range add {
		fields[k] = v
	}
	return mustJSON(fields)
}
