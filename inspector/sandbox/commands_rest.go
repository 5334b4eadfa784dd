package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// maxCommandBody bounds a command request: a bulk overwrite of 100 full
// commands stays well below it.
const maxCommandBody = 2 << 20

var (
	errUnknownCommand = &postError{http.StatusNotFound, apiError{Message: "Unknown application command", Code: 10063}}
	errMissingAccess  = &postError{http.StatusForbidden, apiError{Message: "Missing Access", Code: 50001}}
	errUnknownGuild   = &postError{http.StatusNotFound, apiError{Message: "Unknown Guild", Code: 10004}}
)

// commandScope is where commands live: 0 for global, else a guild id.
type commandScope = gateway.Snowflake

// commandsIn lists a scope's commands in registration order.
func (a *appState) commandsIn(scope commandScope) []*appCommand { return a.commands[scope] }

// CommandsView is what GET /sandbox/commands shows: what the bot registered.
type CommandsView struct {
	Global []appCommand                       `json:"global"`
	Guilds map[gateway.Snowflake][]appCommand `json:"guilds"`
}

// Commands lists the commands the bot registered, global and per guild.
func (s *Server) Commands() CommandsView {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appsLocked()
	v := CommandsView{Global: []appCommand{}, Guilds: map[gateway.Snowflake][]appCommand{}}
	for scope, list := range a.commands {
		out := make([]appCommand, 0, len(list))
		for _, c := range list {
			out = append(out, *c)
		}
		if scope == 0 {
			v.Global = out
		} else if len(out) > 0 {
			v.Guilds[scope] = out
		}
	}
	return v
}

// commandRequest is a parsed /applications/{app}/[guilds/{guild}/]commands[/{id}] path.
type commandRequest struct {
	scope     commandScope
	commandID string // "" for the collection
}

// serveCommands answers every application-command route once the path is parsed.
func (s *Server) serveCommands(w http.ResponseWriter, r *http.Request, appID string, req commandRequest) {
	if appID != ApplicationID.String() {
		writeErr(w, errMissingAccess)
		return
	}
	s.mu.Lock()
	known := req.scope == 0 || s.guildExistsLocked(req.scope)
	s.mu.Unlock()
	if !known {
		writeErr(w, errUnknownGuild)
		return
	}
	if req.commandID == "" {
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			list := copyCommands(s.appsLocked().commandsIn(req.scope))
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, list)
		case http.MethodPost:
			s.createCommand(w, r, req.scope)
		case http.MethodPut:
			s.overwriteCommands(w, r, req.scope)
		default:
			methodNotAllowed(w, r)
		}
		return
	}
	id, err := gateway.ParseSnowflake(req.commandID)
	if err != nil {
		writeErr(w, errUnknownCommand)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		c, ok := s.appsLocked().find(req.scope, id)
		var out appCommand
		if ok {
			out = *c
		}
		s.mu.Unlock()
		if !ok {
			writeErr(w, errUnknownCommand)
			return
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPatch:
		s.editCommand(w, r, req.scope, id)
	case http.MethodDelete:
		s.mu.Lock()
		ok := s.appsLocked().remove(req.scope, id)
		s.mu.Unlock()
		if !ok {
			writeErr(w, errUnknownCommand)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, r)
	}
}

func copyCommands(list []*appCommand) []appCommand {
	out := make([]appCommand, 0, len(list))
	for _, c := range list {
		out = append(out, *c)
	}
	return out
}

func (a *appState) find(scope commandScope, id gateway.Snowflake) (*appCommand, bool) {
	for _, c := range a.commands[scope] {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

func (a *appState) remove(scope commandScope, id gateway.Snowflake) bool {
	list := a.commands[scope]
	for i, c := range list {
		if c.ID == id {
			a.commands[scope] = append(list[:i:i], list[i+1:]...)
			return true
		}
	}
	return false
}

// stamp gives a validated command its ids: a new command gets a fresh id,
// one that replaces a command of the same name and type keeps its id.
func (s *Server) stamp(c appCommand, scope commandScope, prev *appCommand) appCommand {
	c.ApplicationID = ApplicationID
	if scope != 0 {
		c.GuildID = sf(scope)
	}
	if prev != nil {
		c.ID = prev.ID
	} else {
		c.ID = s.ids.Next()
	}
	c.Version = s.ids.Next()
	return c
}

func (a *appState) byName(scope commandScope, typ int, name string) *appCommand {
	for _, c := range a.commands[scope] {
		if c.Type == typ && c.Name == name {
			return c
		}
	}
	return nil
}

// countLimit is Discord's per-scope cap for a command type.
func countLimit(typ int) int {
	if typ == commandChatInput {
		return maxChatInputCommands
	}
	return maxContextCommands
}

func tooManyCommands(typ int) *postError {
	return &postError{http.StatusBadRequest, apiError{Message: fmt.Sprintf("Maximum number of application commands reached (%d)", countLimit(typ)), Code: 30032}}
}

// createCommand is POST: a command with a name already taken (same type)
// replaces it and answers 200; a new one answers 201.
func (s *Server) createCommand(w http.ResponseWriter, r *http.Request, scope commandScope) {
	var body commandBody
	if pe := decodeForm(w, r, maxCommandBody, &body); pe != nil {
		writeErr(w, pe)
		return
	}
	var f formErrors
	c := validateCommand(body, nil, &f)
	if !f.empty() {
		writeErr(w, f.err())
		return
	}
	s.mu.Lock()
	a := s.appsLocked()
	prev := a.byName(scope, c.Type, c.Name)
	if prev == nil && a.count(scope, c.Type) >= countLimit(c.Type) {
		s.mu.Unlock()
		writeErr(w, tooManyCommands(c.Type))
		return
	}
	c = s.stamp(c, scope, prev)
	status := http.StatusCreated
	if prev != nil {
		*prev = c
		status = http.StatusOK
	} else {
		a.commands[scope] = append(a.commands[scope], &c)
	}
	s.mu.Unlock()
	writeJSON(w, status, c)
}

func (a *appState) count(scope commandScope, typ int) int {
	n := 0
	for _, c := range a.commands[scope] {
		if c.Type == typ {
			n++
		}
	}
	return n
}

// overwriteCommands is PUT: the scope's commands become exactly the list.
// One bad command refuses the whole list and changes nothing.
func (s *Server) overwriteCommands(w http.ResponseWriter, r *http.Request, scope commandScope) {
	var bodies []commandBody
	if pe := decodeForm(w, r, maxCommandBody, &bodies); pe != nil {
		writeErr(w, pe)
		return
	}
	var f formErrors
	cmds := make([]appCommand, len(bodies))
	type key struct {
		typ  int
		name string
	}
	seen := map[key]bool{}
	counts := map[int]int{}
	for i, b := range bodies {
		cmds[i] = validateCommand(b, []string{fmt.Sprint(i)}, &f)
		k := key{cmds[i].Type, cmds[i].Name}
		if seen[k] {
			f.add([]string{fmt.Sprint(i), "name"}, "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		seen[k] = true
		counts[k.typ]++
	}
	for typ, n := range counts {
		if n > countLimit(typ) {
			writeErr(w, tooManyCommands(typ))
			return
		}
	}
	if !f.empty() {
		writeErr(w, f.err())
		return
	}
	s.mu.Lock()
	a := s.appsLocked()
	list := make([]*appCommand, 0, len(cmds))
	for _, c := range cmds {
		c := s.stamp(c, scope, a.byName(scope, c.Type, c.Name))
		list = append(list, &c)
	}
	a.commands[scope] = list
	out := copyCommands(list)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// editCommand is PATCH: the fields sent replace the stored ones and the
// result is validated as a whole, so a rename that collides is refused.
func (s *Server) editCommand(w http.ResponseWriter, r *http.Request, scope commandScope, id gateway.Snowflake) {
	var patch map[string]json.RawMessage
	if pe := decodeForm(w, r, maxCommandBody, &patch); pe != nil {
		writeErr(w, pe)
		return
	}
	s.mu.Lock()
	cur, ok := s.appsLocked().find(scope, id)
	var merged map[string]json.RawMessage
	if ok {
		_ = json.Unmarshal(mustJSON(cur), &merged)
	}
	s.mu.Unlock()
	if !ok {
		writeErr(w, errUnknownCommand)
		return
	}
	delete(patch, "type") // a command's type cannot change
	for k, v := range patch {
		merged[k] = v
	}
	var body commandBody
	var f formErrors
	if err := json.Unmarshal(mustJSON(merged), &body); err != nil {
		f.add(nil, "BASE_TYPE_INVALID", err.Error())
		writeErr(w, f.err())
		return
	}
	c := validateCommand(body, nil, &f)
	if !f.empty() {
		writeErr(w, f.err())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appsLocked()
	cur, ok = a.find(scope, id)
	if !ok {
		writeErr(w, errUnknownCommand)
		return
	}
	if other := a.byName(scope, c.Type, c.Name); other != nil && other.ID != id {
		f.add([]string{"name"}, "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		writeErr(w, f.err())
		return
	}
	*cur = s.stamp(c, scope, cur)
	writeJSON(w, http.StatusOK, *cur)
}

// commandByName finds the command an invoker means: a guild command of the
// guild first (Discord shows both; a guild one is the more specific), then a
// global one.
func (a *appState) commandByName(guild *gateway.Snowflake, typ int, name string) *appCommand {
	if guild != nil {
		if c := a.byName(*guild, typ, name); c != nil {
			return c
		}
	}
	return a.byName(0, typ, name)
}
