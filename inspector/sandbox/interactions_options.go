package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// optionError is a member's bad option value, refused before any
// interaction exists, as Discord's client refuses to send such a command.
func optionError(name, format string, args ...any) *postError {
	msg := fmt.Sprintf(format, args...)
	var f fieldErrs
	f.add([]string{"options", name}, "APPLICATION_COMMAND_OPTION_INVALID", msg)
	pe := f.err()
	pe.Message = "Invalid option " + name + ": " + msg
	return pe
}

// optionScope is where an invocation's options are resolved.
type optionScope struct {
	guild   *gateway.Snowflake
	channel gateway.Snowflake
	user    gateway.Snowflake
	focused string // autocomplete: the option being typed
}

// commandDataLocked builds data for a command (or autocomplete) interaction:
// the subcommand path is walked, the values checked against the registered
// options and the users, members, roles and channels they name resolved.
func (s *Server) commandDataLocked(cmd *appCommand, subPath []string, values map[string]json.RawMessage, sc optionScope) (map[string]any, *postError) {
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": cmd.Type}
	if cmd.GuildID != nil {
		data["guild_id"] = *cmd.GuildID
	}
	var res resolved
	opts, pe := s.optionValuesLocked(cmd.Name, cmd.Options, subPath, values, sc, &res)
	if pe != nil {
		return nil, pe
	}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if !res.empty() {
		data["resolved"] = res
	}
	return data, nil
}

func (s *Server) optionValuesLocked(where string, defs []commandOption, subPath []string, values map[string]json.RawMessage, sc optionScope, res *resolved) ([]map[string]any, *postError) {
	if len(defs) > 0 && (defs[0].Type == optSubcommand || defs[0].Type == optSubcommandGroup) {
		if len(subPath) == 0 {
			return nil, &postError{http.StatusBadRequest, apiError{Message: "/" + where + " needs a subcommand: one of " + optionNames(defs), Code: 50035}}
		}
		for _, d := range defs {
			if d.Name == subPath[0] {
				inner, pe := s.optionValuesLocked(where+" "+d.Name, d.Options, subPath[1:], values, sc, res)
				if pe != nil {
					return nil, pe
				}
				sub := map[string]any{"name": d.Name, "type": d.Type}
				if len(inner) > 0 {
					sub["options"] = inner
				}
				return []map[string]any{sub}, nil
			}
		}
		return nil, &postError{http.StatusBadRequest, apiError{Message: "/" + where + " has no subcommand " + subPath[0] + ": one of " + optionNames(defs), Code: 50035}}
	}
	if len(subPath) > 0 {
		return nil, &postError{http.StatusBadRequest, apiError{Message: "/" + where + " has no subcommands", Code: 50035}}
	}
	known := map[string]bool{}
	out := []map[string]any{}
	for _, d := range defs {
		known[d.Name] = true
		raw, given := values[d.Name]
		if !given {
			if d.Required && sc.focused == "" {
				return nil, optionError(d.Name, "is required")
			}
			continue
		}
		o := map[string]any{"name": d.Name, "type": d.Type}
		if sc.focused == d.Name {
			// What is being typed is sent as the raw text, checked later by the bot.
			var typed any
			if json.Unmarshal(raw, &typed) != nil {
				return nil, optionError(d.Name, "is not JSON")
			}
			o["value"], o["focused"] = fmt.Sprint(typed), true
			out = append(out, o)
			continue
		}
		v, pe := s.optionValueLocked(d, raw, sc, res)
		if pe != nil {
			return nil, pe
		}
		o["value"] = v
		out = append(out, o)
	}
	var unknown []string
	for name := range values {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, optionError(unknown[0], "/%s has no such option (it has: %s)", where, optionNames(defs))
	}
	if sc.focused != "" && !known[sc.focused] {
		return nil, optionError(sc.focused, "is focused but /%s has no such option", where)
	}
	return out, nil
}

func optionNames(defs []commandOption) string {
	names := make([]string, 0, len(defs))
	for _, d := range defs {
		names = append(names, d.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// optionValueLocked checks one value against its option's type and rules.
func (s *Server) optionValueLocked(d commandOption, raw json.RawMessage, sc optionScope, res *resolved) (any, *postError) {
	switch d.Type {
	case optString:
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return nil, optionError(d.Name, "must be a string")
		}
		n := utf8.RuneCountInString(v)
		if (d.MinLength != nil && n < *d.MinLength) || (d.MaxLength != nil && n > *d.MaxLength) || n > 6000 {
			return nil, optionError(d.Name, "has a length outside the option's min_length/max_length")
		}
		return v, checkChoice(d, v)
	case optInteger, optNumber:
		var v float64
		if json.Unmarshal(raw, &v) != nil {
			return nil, optionError(d.Name, "must be a number")
		}
		if d.Type == optInteger && (v != math.Trunc(v) || math.Abs(v) > maxSafeInteger) {
			return nil, optionError(d.Name, "must be an integer between -2^53 and 2^53")
		}
		if (d.MinValue != nil && v < *d.MinValue) || (d.MaxValue != nil && v > *d.MaxValue) {
			return nil, optionError(d.Name, "is outside the option's min_value/max_value")
		}
		return json.Number(strings.TrimSpace(string(raw))), checkChoice(d, v)
	case optBoolean:
		var v bool
		if json.Unmarshal(raw, &v) != nil {
			return nil, optionError(d.Name, "must be true or false")
		}
		return v, nil
	case optUser, optRole, optMentionable, optChannel:
		id, err := snowflakeValue(raw)
		if err != nil {
			return nil, optionError(d.Name, "must be an id (a snowflake)")
		}
		switch {
		case d.Type == optChannel:
			if ok, why := s.resolveChannelLocked(res, sc.guild, sc.user, id, d.ChannelTypes); !ok {
				return nil, optionError(d.Name, "%s %s", id, why)
			}
		case d.Type == optUser && !s.resolveUserLocked(res, sc.guild, sc.channel, id),
			d.Type == optRole && !s.resolveRoleLocked(res, sc.guild, id),
			d.Type == optMentionable && !s.resolveUserLocked(res, sc.guild, sc.channel, id) && !s.resolveRoleLocked(res, sc.guild, id):
			return nil, optionError(d.Name, "%s is not a %s here", id, optionKind(d.Type))
		}
		return id, nil
	case optAttachment:
		return nil, optionError(d.Name, "is an attachment option; the sandbox cannot upload files yet")
	}
	return nil, optionError(d.Name, "has an unknown type %d", d.Type)
}

func optionKind(t int) string {
	return map[int]string{optUser: "user", optRole: "role", optMentionable: "user or role"}[t]
}

// snowflakeValue reads an id given as a string or a number.
func snowflakeValue(raw json.RawMessage) (gateway.Snowflake, error) {
	var id gateway.Snowflake
	err := json.Unmarshal(raw, &id)
	if err != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			id, err = gateway.ParseSnowflake(n.String())
		}
	}
	if err == nil && id == 0 {
		err = fmt.Errorf("zero id")
	}
	return id, err
}

// checkChoice refuses a value that is not one of the option's choices.
func checkChoice(d commandOption, v any) *postError {
	if len(d.Choices) == 0 {
		return nil
	}
	names := make([]string, 0, len(d.Choices))
	for _, c := range d.Choices {
		if fmt.Sprint(c.Value) == fmt.Sprint(v) {
			return nil
		}
		names = append(names, fmt.Sprint(c.Value))
	}
	return optionError(d.Name, "must be one of the choices (%s)", strings.Join(names, ", "))
}
