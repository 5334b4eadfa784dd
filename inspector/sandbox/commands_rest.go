package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"gatewaytour/inspector/gateway"
)

var (
	errUnknownCommand = discordErr(gateway.ErrUnknownCommand)
	errMissingAccess  = discordErr(gateway.ErrMissingAccess)
	errUnknownGuild   = discordErr(gateway.ErrUnknownGuild)
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

// commandRoutes are the application-command routes, global and per guild.
var commandRoutes = []restRoute{
	{family: "application commands", method: "GET", path: "/applications/{application_id}/commands", serve: (*Server).listCommands},
	{family: "application commands", method: "POST", path: "/applications/{application_id}/commands", serve: (*Server).createCommand},
	{family: "application commands", method: "PUT", path: "/applications/{application_id}/commands", serve: (*Server).overwriteCommands},
	{family: "application commands", method: "GET", path: "/applications/{application_id}/commands/{command_id}", serve: (*Server).getCommand},
	{family: "application commands", method: "PATCH", path: "/applications/{application_id}/commands/{command_id}", serve: (*Server).editCommand},
	{family: "application commands", method: "DELETE", path: "/applications/{application_id}/commands/{command_id}", serve: (*Server).deleteCommand},
	{family: "application commands", method: "GET", path: "/applications/{application_id}/guilds/{guild_id}/commands", serve: (*Server).listCommands},
	{family: "application commands", method: "POST", path: "/applications/{application_id}/guilds/{guild_id}/commands", serve: (*Server).createCommand},
	{family: "application commands", method: "PUT", path: "/applications/{application_id}/guilds/{guild_id}/commands", serve: (*Server).overwriteCommands},
	{family: "application commands", method: "GET", path: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", serve: (*Server).getCommand},
	{family: "application commands", method: "PATCH", path: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", serve: (*Server).editCommand},
	{family: "application commands", method: "DELETE", path: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}", serve: (*Server).deleteCommand},
	{family: "application commands", method: "GET", path: "/applications/{application_id}/guilds/{guild_id}/commands/permissions", serve: (*Server).listCommandPermissions},
	{family: "application commands", method: "GET", path: "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}/permissions", serve: (*Server).getCommandPermissions},
}

// commandScopeOf reads the application and the guild (if any) from the
// path: another application's commands are Missing Access, a guild the bot
// is not in is Unknown Guild.
func (s *Server) commandScopeOf(c *restCall) (commandScope, bool) {
	if c.params["application_id"] != ApplicationID.String() {
		c.fail(errMissingAccess)
		return 0, false
	}
	if _, ok := c.params["guild_id"]; !ok {
		return 0, true
	}
	guild, ok := c.snowflake("guild_id")
	if !ok {
		return 0, false
	}
	s.mu.Lock()
	known := s.guildExistsLocked(guild)
	s.mu.Unlock()
	if !known {
		c.fail(errUnknownGuild)
		return 0, false
	}
	return guild, true
}

// commandOf finds the command named by the path, answering 10063 if none.
func (s *Server) commandOf(c *restCall) (commandScope, gateway.Snowflake, bool) {
	scope, ok := s.commandScopeOf(c)
	if !ok {
		return 0, 0, false
	}
	id, err := gateway.ParseSnowflake(c.params["command_id"])
	if err != nil {
		c.fail(errUnknownCommand)
		return 0, 0, false
	}
	return scope, id, true
}

func (s *Server) listCommands(c *restCall) {
	scope, ok := s.commandScopeOf(c)
	if !ok {
		return
	}
	s.mu.Lock()
	list := copyCommands(s.appsLocked().commandsIn(scope))
	s.mu.Unlock()
	c.ok(list)
}

func (s *Server) getCommand(c *restCall) {
	s.withCommand(c, func(a *appState, scope commandScope, id gateway.Snowflake) any {
		if cmd, found := a.find(scope, id); found {
			return *cmd
		}
		return nil
	})
}

func (s *Server) deleteCommand(c *restCall) {
	s.withCommand(c, func(a *appState, scope commandScope, id gateway.Snowflake) any {
		if a.remove(scope, id) {
			return http.NoBody
		}
		return nil
	})
}

// withCommand runs fn, with s.mu held, for the command the path names. fn
// answers nil for Unknown application command, another error to send,
// http.NoBody for 204, or the JSON to send.
func (s *Server) withCommand(c *restCall, fn func(a *appState, scope commandScope, id gateway.Snowflake) any) {
	scope, id, ok := s.commandOf(c)
	if !ok {
		return
	}
	s.mu.Lock()
	out := fn(s.appsLocked(), scope, id)
	s.mu.Unlock()
	switch out := out.(type) {
	case nil:
		c.fail(errUnknownCommand)
	case *postError:
		c.fail(out)
	default:
		if out == http.NoBody {
			c.noContent()
			return
		}
		c.ok(out)
	}
}

// errNoCommandPermissions is Discord's answer for a command nobody has set
// permission overrides on.
var errNoCommandPermissions = &postError{http.StatusNotFound, apiError{Message: "Unknown application command permissions", Code: 10066}}

// getCommandPermissions is one command's overrides in a guild: none.
func (s *Server) getCommandPermissions(c *restCall) {
	s.withCommand(c, func(a *appState, scope commandScope, id gateway.Snowflake) any {
		if _, found := a.find(scope, id); found {
			return errNoCommandPermissions
		}
		return nil
	})
}

// listCommandPermissions is the guild's per-command permission overrides:
// the sandbox has none (they are set by people in the client, not by bots).
func (s *Server) listCommandPermissions(c *restCall) {
	if _, ok := s.commandScopeOf(c); ok {
		c.ok([]any{})
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

// validatedCommand reads a command body and validates it, answering 50035
// with every problem when it is not valid.
func validatedCommand(c *restCall) (appCommand, bool) {
	var body commandBody
	if !c.decode(&body) {
		return appCommand{}, false
	}
	var f fieldErrs
	cmd := validateCommand(body, nil, &f)
	if !f.empty() {
		c.fail(f.err())
		return appCommand{}, false
	}
	return cmd, true
}

// createCommand is POST: a command with a name already taken (same type)
// replaces it and answers 200; a new one answers 201.
func (s *Server) createCommand(c *restCall) {
	scope, ok := s.commandScopeOf(c)
	if !ok {
		return
	}
	cmd, ok := validatedCommand(c)
	if !ok {
		return
	}
	s.mu.Lock()
	a := s.appsLocked()
	prev := a.byName(scope, cmd.Type, cmd.Name)
	if prev == nil && a.count(scope, cmd.Type) >= countLimit(cmd.Type) {
		s.mu.Unlock()
		c.fail(tooManyCommands(cmd.Type))
		return
	}
	cmd = s.stamp(cmd, scope, prev)
	if prev != nil {
		*prev = cmd
	} else {
		a.commands[scope] = append(a.commands[scope], &cmd)
	}
	s.mu.Unlock()
	if prev != nil {
		c.ok(cmd)
		return
	}
	c.created(cmd)
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
func (s *Server) overwriteCommands(c *restCall) {
	scope, ok := s.commandScopeOf(c)
	if !ok {
		return
	}
	bodies := []commandBody{}
	if len(bytes.TrimSpace(c.body)) > 0 && !c.decode(&bodies) {
		return
	}
	var f fieldErrs
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
			c.fail(tooManyCommands(typ))
			return
		}
	}
	if !f.empty() {
		c.fail(f.err())
		return
	}
	s.mu.Lock()
	a := s.appsLocked()
	list := make([]*appCommand, 0, len(cmds))
	for _, cmd := range cmds {
		cmd := s.stamp(cmd, scope, a.byName(scope, cmd.Type, cmd.Name))
		list = append(list, &cmd)
	}
	a.commands[scope] = list
	out := copyCommands(list)
	s.mu.Unlock()
	c.ok(out)
}

// editCommand is PATCH: the fields sent replace the stored ones and the
// result is validated as a whole, so a rename that collides is refused.
func (s *Server) editCommand(c *restCall) {
	scope, id, ok := s.commandOf(c)
	var patch map[string]json.RawMessage
	if !ok || !c.decode(&patch) {
		return
	}
	s.mu.Lock()
	cur, found := s.appsLocked().find(scope, id)
	var merged map[string]json.RawMessage
	if found {
		_ = json.Unmarshal(mustJSON(cur), &merged)
	}
	s.mu.Unlock()
	if !found {
		c.fail(errUnknownCommand)
		return
	}
	delete(patch, "type") // a command's type cannot change
	for k, v := range patch {
		merged[k] = v
	}
	cmd, ok := validatedCommand(&restCall{w: c.w, r: c.r, body: mustJSON(merged)})
	if !ok {
		return
	}
	var f fieldErrs
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appsLocked()
	cur, found = a.find(scope, id)
	if !found {
		c.fail(errUnknownCommand)
		return
	}
	if other := a.byName(scope, cmd.Type, cmd.Name); other != nil && other.ID != id {
		f.add([]string{"name"}, "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		c.fail(f.err())
		return
	}
	*cur = s.stamp(cmd, scope, cur)
	c.ok(*cur)
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
