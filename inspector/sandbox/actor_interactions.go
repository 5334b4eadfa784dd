package sandbox

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// actorInteraction is POST /sandbox/interactions: a member uses a command,
// a component or a modal.
type actorInteraction struct {
	Type        string                     `json:"type"` // command, autocomplete, component, modal
	UserID      gateway.Snowflake          `json:"user_id"`
	ChannelID   gateway.Snowflake          `json:"channel_id"`
	DM          bool                       `json:"dm"`
	Name        string                     `json:"name"` // "ping", or "tag add" for a subcommand
	CommandType int                        `json:"command_type"`
	TargetID    gateway.Snowflake          `json:"target_id"`
	Options     map[string]json.RawMessage `json:"options"`
	Focused     string                     `json:"focused"`
	MessageID   gateway.Snowflake          `json:"message_id"`
	CustomID    string                     `json:"custom_id"`
	Values      []string                   `json:"values"`
	Fields      map[string]string          `json:"fields"`
}

// InteractionView is what the actor API answers about an interaction: how
// the bot responded and its follow-ups, as they are now.
type InteractionView struct {
	ID           gateway.Snowflake `json:"id"`
	Type         string            `json:"type"`
	Acknowledged bool              `json:"acknowledged"`
	Response     *ResponseView     `json:"response"`
	Followups    []json.RawMessage `json:"followups"`
	Error        *string           `json:"error"`
}

// ResponseView is the bot's callback: its type and data as sent, and the
// message it made (or edited), as that message is now.
type ResponseView struct {
	Type      int             `json:"type"`
	Data      json.RawMessage `json:"data,omitempty"`
	Message   json.RawMessage `json:"message,omitempty"`
	Ephemeral bool            `json:"ephemeral"`
}

var kindNames = map[int]string{interactionCommand: "command", interactionComponent: "component", interactionAutocomplete: "autocomplete", interactionModalSubmit: "modal"}

// actorInteractionMax bounds a POST /sandbox/interactions body.
const actorInteractionMax = 64 << 10

func actorErr(status, code int, msg string) *postError {
	return &postError{status, apiError{Message: msg, Code: code}}
}

// actorInteract starts the interaction, then answers once the bot has
// responded or the 3 s have passed.
func (s *Server) actorInteract(w http.ResponseWriter, r *http.Request) {
	var body actorInteraction
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, actorInteractionMax)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	if body.UserID == 0 {
		body.UserID = DefaultMemberID
	}
	s.mu.Lock()
	var inv invocation
	var pe *postError
	switch body.Type {
	case "command", "autocomplete":
		inv, pe = s.commandInvocationLocked(body)
	case "component":
		inv, pe = s.componentInvocationLocked(body)
	case "modal":
		inv, pe = s.modalInvocationLocked(body)
	default:
		pe = actorErr(http.StatusBadRequest, 50035, `type must be "command", "autocomplete", "component" or "modal"`)
	}
	var in *interaction
	if pe == nil {
		in, pe = s.startInteractionLocked(inv)
	}
	if pe == nil && body.Type == "modal" {
		s.appsLocked().takeModalLocked(body.UserID, body.CustomID)
	}
	noBot := s.live == 0
	if in != nil && noBot {
		in.expired = true // nobody can answer: say so now rather than in 3 s
	}
	s.mu.Unlock()
	if pe != nil {
		writeErr(w, pe)
		return
	}
	s.awaitCallback(r, in)
	s.mu.Lock()
	view := s.interactionViewLocked(in)
	s.mu.Unlock()
	if noBot {
		msg := noResponse + " (no bot is connected to the sandbox)"
		view.Error = &msg
	}
	s.feedInteraction(body.UserID, view) // the invoker's pages see it too (feed.go)
	writeJSON(w, http.StatusOK, view)
}

// awaitCallback waits for the first callback or the end of the 3 s, read
// from the sandbox's clock so a test can move time on. A clock that never
// moves is not waited on for longer than the window in real time.
func (s *Server) awaitCallback(r *http.Request, in *interaction) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	cap := time.NewTimer(interactionAckWindow + time.Second)
	defer cap.Stop()
	for {
		select {
		case <-in.done:
			return
		case <-r.Context().Done():
			return
		case <-cap.C:
			return
		case <-tick.C:
			s.mu.Lock()
			late := in.lateLocked(s.now())
			s.mu.Unlock()
			if late {
				return
			}
		}
	}
}

// interactionViewLocked shows the interaction as it is now.
func (s *Server) interactionViewLocked(in *interaction) InteractionView {
	v := InteractionView{ID: in.id, Type: kindNames[in.kind], Acknowledged: in.acked, Followups: []json.RawMessage{}}
	if in.lateLocked(s.now()) {
		msg := noResponse
		v.Error = &msg
	}
	if in.callback != nil {
		rv := &ResponseView{Type: *in.callback.Type, Data: in.callback.Data, Ephemeral: in.ephemeral}
		if len(rv.Data) == 0 || string(rv.Data) == "null" {
			rv.Data = nil
		}
		if in.originalID != 0 {
			if m, ok := s.interactionMessageLocked(in, in.originalID); ok {
				rv.Message = s.messageJSON(*m)
				if m.Flags&flagLoading != 0 && s.now().Sub(in.created) > interactionTokenTTL {
					msg := noResponse // still "thinking" when the token ran out
					v.Error = &msg
				}
			} else if m, ok := s.ephemeralSourceLocked(in); ok && m.ID == in.originalID {
				rv.Message = s.messageJSON(*m)
			}
		}
		v.Response = rv
	}
	for _, id := range in.followups {
		if m, ok := s.interactionMessageLocked(in, id); ok {
			v.Followups = append(v.Followups, s.messageJSON(*m))
		}
	}
	return v
}

// actorListInteractions is GET /sandbox/interactions: the most recent
// interactions (at most 50), newest first.
func (s *Server) actorListInteractions(w http.ResponseWriter) {
	s.mu.Lock()
	a := s.appsLocked()
	out := []InteractionView{}
	for i := len(a.order) - 1; i >= 0 && len(out) < 50; i-- {
		if in, ok := a.interactions[a.order[i]]; ok {
			out = append(out, s.interactionViewLocked(in))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) actorGetInteraction(w http.ResponseWriter, rawID string) {
	id, err := gateway.ParseSnowflake(rawID)
	s.mu.Lock()
	in, ok := s.appsLocked().interactions[id]
	var view InteractionView
	if ok {
		view = s.interactionViewLocked(in)
	}
	s.mu.Unlock()
	if err != nil || !ok {
		writeErr(w, errUnknownInteraction)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

// actorChannelLocked is where the member acts: the DM with the bot, the
// named channel, or #bot-commands. They must be able to see it.
func (s *Server) actorChannelLocked(body actorInteraction) (gateway.Channel, *postError) {
	if body.DM && body.ChannelID == 0 {
		ch, ok := s.dmChannelLocked(body.UserID)
		if !ok {
			return ch, actorErr(http.StatusNotFound, gateway.ErrUnknownChannel, "user "+body.UserID.String()+" has no DM with the bot")
		}
		return ch, nil
	}
	if body.ChannelID == 0 {
		body.ChannelID = BotCommandsID
	}
	ch, ok := s.channelLocked(body.ChannelID)
	if !ok {
		return ch, errUnknownChannel
	}
	if guild := s.guildOfLocked(ch); guild != nil {
		if _, ok := s.memberLocked(*guild, body.UserID); !ok {
			return ch, actorErr(http.StatusNotFound, gateway.ErrUnknownMember, "user "+body.UserID.String()+" is not a member of the channel's guild")
		}
		if p := s.permissionsLocked(ch.ID, body.UserID); !p.Has(gateway.PermViewChannel) {
			return ch, actorErr(http.StatusForbidden, gateway.ErrMissingAccess, "user "+body.UserID.String()+" cannot see channel "+ch.ID.String())
		}
	}
	return ch, nil
}

// commandInvocationLocked checks that the command is registered, usable by
// the member where they are, and builds its options.
func (s *Server) commandInvocationLocked(body actorInteraction) (invocation, *postError) {
	ch, pe := s.actorChannelLocked(body)
	if pe != nil {
		return invocation{}, pe
	}
	guild := s.guildOfLocked(ch)
	words := strings.Fields(body.Name)
	typ := body.CommandType
	if typ == 0 {
		typ = commandChatInput
	}
	if len(words) == 0 {
		return invocation{}, actorErr(http.StatusBadRequest, 50035, "name is required: the command to use, e.g. \"ping\" or \"tag add\"")
	}
	name, sub := words[0], words[1:]
	if typ != commandChatInput {
		name, sub = body.Name, nil
	}
	a := s.appsLocked()
	cmd := a.commandByName(guild, typ, name)
	if cmd == nil {
		return invocation{}, actorErr(http.StatusNotFound, gateway.ErrUnknownCommand,
			"Unknown application command: the bot has not registered "+describeCommand(typ, name)+" here (registered: "+a.registeredNames(guild)+")")
	}
	if pe := s.commandUsableLocked(cmd, ch, guild, body.UserID); pe != nil {
		return invocation{}, pe
	}
	sc := optionScope{guild: guild, channel: ch.ID, user: body.UserID}
	kind := interactionCommand
	if body.Type == "autocomplete" {
		kind = interactionAutocomplete
		if body.Focused == "" {
			return invocation{}, actorErr(http.StatusBadRequest, 50035, "autocomplete needs focused: the option being typed")
		}
		sc.focused = body.Focused
	}
	var data map[string]any
	if typ == commandChatInput {
		data, pe = s.commandDataLocked(cmd, sub, body.Options, sc)
	} else {
		data, pe = s.contextDataLocked(cmd, body.TargetID, sc)
	}
	if pe != nil {
		return invocation{}, pe
	}
	if kind == interactionAutocomplete && !focusedAutocompletes(cmd.Options, sub, body.Focused) {
		return invocation{}, optionError(body.Focused, "does not have autocomplete")
	}
	return invocation{kind: kind, user: body.UserID, channel: ch, command: cmd, data: data}, nil
}

func describeCommand(typ int, name string) string {
	switch typ {
	case commandUser:
		return "the user command " + name
	case commandMessage:
		return "the message command " + name
	}
	return "/" + name
}

func (a *appState) registeredNames(guild *gateway.Snowflake) string {
	var names []string
	for _, c := range a.commands[0] {
		names = append(names, c.Name)
	}
	if guild != nil {
		for _, c := range a.commands[*guild] {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// commandUsableLocked applies where a command may be used (contexts,
// dm_permission) and who may use it (default_member_permissions, Use
// Application Commands).
func (s *Server) commandUsableLocked(cmd *appCommand, ch gateway.Channel, guild *gateway.Snowflake, user gateway.Snowflake) *postError {
	ctx := contextGuild
	if guild == nil {
		ctx = contextBotDM
	}
	if cmd.GuildID != nil && guild == nil ||
		cmd.Contexts != nil && !containsInt(cmd.Contexts, ctx) ||
		ctx == contextBotDM && cmd.DMPermission != nil && !*cmd.DMPermission {
		return actorErr(http.StatusBadRequest, 50035, describeCommand(cmd.Type, cmd.Name)+" cannot be used in this context (its contexts do not include it)")
	}
	if guild == nil {
		return nil
	}
	p := s.permissionsLocked(ch.ID, user)
	if p.Has(gateway.PermAdministrator) {
		return nil
	}
	if !p.Has(gateway.PermUseApplicationCommands) {
		return actorErr(http.StatusForbidden, gateway.ErrMissingPermissions, "Missing Permissions: the member lacks Use Application Commands in this channel")
	}
	if cmd.DefaultMemberPermissions != nil {
		// "0" hides the command from everyone but administrators.
		need, _ := gateway.ParsePermissions(*cmd.DefaultMemberPermissions)
		if need == 0 || !p.Has(need) {
			return actorErr(http.StatusForbidden, gateway.ErrMissingPermissions, "Missing Permissions: the command's default_member_permissions ("+*cmd.DefaultMemberPermissions+") are not all the member's")
		}
	}
	return nil
}

// focusedAutocompletes reports whether the focused option has autocomplete.
func focusedAutocompletes(defs []commandOption, sub []string, focused string) bool {
	for _, d := range defs {
		if len(sub) > 0 && d.Name == sub[0] {
			return focusedAutocompletes(d.Options, sub[1:], focused)
		}
		if len(sub) == 0 && d.Name == focused {
			return d.Autocomplete
		}
	}
	return false
}
