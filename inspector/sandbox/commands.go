package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// Application command types and option types, as Discord numbers them.
const (
	commandChatInput = 1
	commandUser      = 2
	commandMessage   = 3

	optSubcommand      = 1
	optSubcommandGroup = 2
	optString          = 3
	optInteger         = 4
	optBoolean         = 5
	optUser            = 6
	optChannel         = 7
	optRole            = 8
	optMentionable     = 9
	optNumber          = 10
	optAttachment      = 11
)

// Discord's limits on commands.
const (
	maxChatInputCommands = 100 // per scope (global, or one guild)
	maxContextCommands   = 15  // user commands, and message commands, per scope
	maxOptions           = 25
	maxChoices           = 25
	maxCommandChars      = 4000 // names, descriptions and choice names and values together
	maxSafeInteger       = 1 << 53
)

// chatInputName is Discord's rule for slash command and option names; letters
// that have a lowercase form must use it.
var chatInputName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// appCommand is a registered command as Discord returns it.
type appCommand struct {
	ID                       gateway.Snowflake  `json:"id"`
	Type                     int                `json:"type"`
	ApplicationID            gateway.Snowflake  `json:"application_id"`
	GuildID                  *gateway.Snowflake `json:"guild_id,omitempty"`
	Name                     string             `json:"name"`
	NameLocalizations        map[string]string  `json:"name_localizations"`
	Description              string             `json:"description"`
	DescriptionLocalizations map[string]string  `json:"description_localizations"`
	Options                  []commandOption    `json:"options,omitempty"`
	DefaultMemberPermissions *string            `json:"default_member_permissions"`
	DMPermission             *bool              `json:"dm_permission,omitempty"`
	DefaultPermission        bool               `json:"default_permission"`
	NSFW                     bool               `json:"nsfw"`
	IntegrationTypes         []int              `json:"integration_types"`
	Contexts                 []int              `json:"contexts"`
	Version                  gateway.Snowflake  `json:"version"`
}

// commandOption is one option (or subcommand) of a command.
type commandOption struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Required                 bool              `json:"required,omitempty"`
	Choices                  []optionChoice    `json:"choices,omitempty"`
	Options                  []commandOption   `json:"options,omitempty"`
	ChannelTypes             []int             `json:"channel_types,omitempty"`
	MinValue                 *float64          `json:"min_value,omitempty"`
	MaxValue                 *float64          `json:"max_value,omitempty"`
	MinLength                *int              `json:"min_length,omitempty"`
	MaxLength                *int              `json:"max_length,omitempty"`
	Autocomplete             bool              `json:"autocomplete,omitempty"`
}

type optionChoice struct {
	Name              string            `json:"name"`
	NameLocalizations map[string]string `json:"name_localizations,omitempty"`
	Value             any               `json:"value"` // string, or a JSON number
}

// commandBody is what create, edit and bulk overwrite read. Fields a library
// may send as null or in two shapes are raw and checked by hand.
type commandBody struct {
	Type                     *int              `json:"type"`
	Name                     *string           `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations"`
	Description              *string           `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Options                  []optionBody      `json:"options"`
	DefaultMemberPermissions json.RawMessage   `json:"default_member_permissions"` // "8", 8 or null
	DMPermission             *bool             `json:"dm_permission"`
	DefaultPermission        *bool             `json:"default_permission"`
	NSFW                     *bool             `json:"nsfw"`
	IntegrationTypes         []int             `json:"integration_types"`
	Contexts                 []int             `json:"contexts"`
}

type optionBody struct {
	Type                     *int              `json:"type"`
	Name                     *string           `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations"`
	Description              *string           `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Required                 *bool             `json:"required"`
	Choices                  []struct {
		Name              *string           `json:"name"`
		NameLocalizations map[string]string `json:"name_localizations"`
		Value             json.RawMessage   `json:"value"`
	} `json:"choices"`
	Options      []optionBody `json:"options"`
	ChannelTypes []int        `json:"channel_types"`
	MinValue     *float64     `json:"min_value"`
	MaxValue     *float64     `json:"max_value"`
	MinLength    *int         `json:"min_length"`
	MaxLength    *int         `json:"max_length"`
	Autocomplete *bool        `json:"autocomplete"`
}

// validateCommand checks a body as Discord does and builds the command
// (without ids). Complaints go into f under path.
func validateCommand(b commandBody, path []string, f *fieldErrs) appCommand {
	c := appCommand{Type: commandChatInput, NameLocalizations: b.NameLocalizations, DescriptionLocalizations: b.DescriptionLocalizations,
		DMPermission: b.DMPermission, DefaultPermission: true, IntegrationTypes: b.IntegrationTypes, Contexts: b.Contexts}
	if b.Type != nil {
		c.Type = *b.Type
	}
	if c.Type < commandChatInput || c.Type > commandMessage {
		f.add(at(path, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3).")
	}
	if b.Name == nil {
		f.add(at(path, "name"), "BASE_TYPE_REQUIRED", "This field is required")
	} else {
		c.Name = *b.Name
		checkName(c.Name, c.Type == commandChatInput, at(path, "name"), f)
	}
	if b.Description != nil {
		c.Description = *b.Description
	}
	if c.Type == commandChatInput {
		checkLength(c.Description, 1, 100, at(path, "description"), f)
	} else if c.Description != "" {
		f.add(at(path, "description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description")
	}
	if len(b.Options) > 0 && c.Type != commandChatInput {
		f.add(at(path, "options"), "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS", "Context menu commands cannot have options")
	}
	c.Options = validateOptions(b.Options, 0, at(path, "options"), f)
	if b.DefaultPermission != nil {
		c.DefaultPermission = *b.DefaultPermission
	}
	if b.NSFW != nil {
		c.NSFW = *b.NSFW
	}
	c.DefaultMemberPermissions = permissionsField(b.DefaultMemberPermissions, at(path, "default_member_permissions"), f)
	if c.IntegrationTypes == nil {
		c.IntegrationTypes = []int{0}
	}
	for i, it := range c.IntegrationTypes {
		if it != 0 && it != 1 {
			f.add(at(path, "integration_types", i), "BASE_TYPE_CHOICES", "Value must be one of (0, 1).")
		}
	}
	for i, ctx := range c.Contexts {
		if ctx < 0 || ctx > 2 {
			f.add(at(path, "contexts", i), "BASE_TYPE_CHOICES", "Value must be one of (0, 1, 2).")
		}
	}
	if n := commandChars(c); n > maxCommandChars {
		f.add(path, "APPLICATION_COMMAND_TOO_LARGE", fmt.Sprintf("Command exceeds maximum size (%d)", maxCommandChars))
	}
	return c
}

func checkName(name string, chatInput bool, path []string, f *fieldErrs) {
	n := utf8.RuneCountInString(name)
	switch {
	case n < 1 || n > 32:
		f.add(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
	case chatInput && (!chatInputName.MatchString(name) || strings.ToLower(name) != name):
		f.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
}

func checkLength(s string, min, max int, path []string, f *fieldErrs) {
	if n := utf8.RuneCountInString(s); n < min || n > max {
		f.add(path, "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between %d and %d in length.", min, max))
	}
}

// permissionsField reads default_member_permissions: a decimal string, a
// number, or null ("everyone may use it").
func permissionsField(raw json.RawMessage, path []string, f *fieldErrs) *string {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	var v uint64
	if _, err := fmt.Sscanf(s, "%d", &v); err != nil || fmt.Sprint(v) != s {
		f.add(path, "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", s))
		return nil
	}
	return &s
}

// validateOptions checks one level of options. depth 0 is the command's own
// level; subcommand groups hold subcommands, which hold plain options.
func validateOptions(in []optionBody, depth int, path []string, f *fieldErrs) []commandOption {
	if len(in) > maxOptions {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxOptions))
		return nil
	}
	out := make([]commandOption, 0, len(in))
	seen := map[string]bool{}
	sawOptional, sawSub, sawPlain := false, false, false
	for i, ob := range in {
		p := at(path, i)
		o := commandOption{NameLocalizations: ob.NameLocalizations, DescriptionLocalizations: ob.DescriptionLocalizations,
			ChannelTypes: ob.ChannelTypes, MinValue: ob.MinValue, MaxValue: ob.MaxValue, MinLength: ob.MinLength, MaxLength: ob.MaxLength}
		if ob.Type == nil {
			f.add(at(p, "type"), "BASE_TYPE_REQUIRED", "This field is required")
		} else {
			o.Type = *ob.Type
		}
		if o.Type < optSubcommand || o.Type > optAttachment {
			if ob.Type != nil {
				f.add(at(p, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11).")
			}
		}
		if ob.Name == nil {
			f.add(at(p, "name"), "BASE_TYPE_REQUIRED", "This field is required")
		} else {
			o.Name = *ob.Name
			checkName(o.Name, true, at(p, "name"), f)
			if seen[o.Name] {
				f.add(at(p, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name "+o.Name+" is already used in these options")
			}
			seen[o.Name] = true
		}
		if ob.Description != nil {
			o.Description = *ob.Description
		}
		checkLength(o.Description, 1, 100, at(p, "description"), f)
		isSub := o.Type == optSubcommand || o.Type == optSubcommandGroup
		sawSub, sawPlain = sawSub || isSub, sawPlain || !isSub
		if ob.Required != nil {
			o.Required = *ob.Required
		}
		if isSub && o.Required {
			f.add(at(p, "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Subcommands and subcommand groups cannot be required")
		}
		if !isSub {
			if o.Required && sawOptional {
				f.add(p, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
			}
			sawOptional = sawOptional || !o.Required
		}
		switch {
		case o.Type == optSubcommandGroup && depth > 0,
			o.Type == optSubcommand && depth > 1:
			f.add(at(p, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands cannot be nested this deep")
		case o.Type == optSubcommandGroup:
			o.Options = validateOptions(ob.Options, depth+1, at(p, "options"), f)
			for j, sub := range o.Options {
				if sub.Type != optSubcommand {
					f.add(at(p, "options", j, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommand groups may only contain subcommands")
				}
			}
		case o.Type == optSubcommand:
			o.Options = validateOptions(ob.Options, 2, at(p, "options"), f)
		case len(ob.Options) > 0:
			f.add(at(p, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Only subcommands and subcommand groups have options")
		}
		validateOptionValues(ob, &o, p, f)
		out = append(out, o)
	}
	if sawSub && sawPlain && depth < 2 {
		f.add(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands and subcommand groups cannot be mixed with other option types")
	}
	return out
}

// validateOptionValues checks choices, autocomplete, ranges and lengths,
// each of which only some option types allow.
func validateOptionValues(ob optionBody, o *commandOption, p []string, f *fieldErrs) {
	choosable := o.Type == optString || o.Type == optInteger || o.Type == optNumber
	if ob.Autocomplete != nil {
		o.Autocomplete = *ob.Autocomplete
	}
	if o.Autocomplete && !choosable {
		f.add(at(p, "autocomplete"), "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID", "Autocomplete is only available for string, integer and number options")
	}
	if len(ob.Choices) > 0 {
		switch {
		case !choosable:
			f.add(at(p, "choices"), "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Only string, integer and number options may have choices")
		case o.Autocomplete:
			f.add(at(p, "autocomplete"), "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES", "Autocomplete and choices cannot both be set")
		case len(ob.Choices) > maxChoices:
			f.add(at(p, "choices"), "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices))
		}
	}
	for j, ch := range ob.Choices {
		cp := at(p, "choices", j)
		c := optionChoice{NameLocalizations: ch.NameLocalizations}
		if ch.Name == nil {
			f.add(at(cp, "name"), "BASE_TYPE_REQUIRED", "This field is required")
		} else {
			c.Name = *ch.Name
			checkLength(c.Name, 1, 100, at(cp, "name"), f)
		}
		c.Value = choiceValue(o.Type, ch.Value, at(cp, "value"), f)
		o.Choices = append(o.Choices, c)
	}
	if (o.MinValue != nil || o.MaxValue != nil) && o.Type != optInteger && o.Type != optNumber {
		f.add(at(p, "min_value"), "APPLICATION_COMMAND_OPTION_RANGE_INVALID", "Only integer and number options have min_value and max_value")
	}
	if o.MinValue != nil && o.MaxValue != nil && *o.MinValue > *o.MaxValue {
		f.add(at(p, "max_value"), "NUMBER_TYPE_MIN", fmt.Sprintf("Must be greater than or equal to %v.", *o.MinValue))
	}
	if o.MinLength != nil || o.MaxLength != nil {
		if o.Type != optString {
			f.add(at(p, "min_length"), "APPLICATION_COMMAND_OPTION_LENGTH_INVALID", "Only string options have min_length and max_length")
		}
		if o.MinLength != nil && (*o.MinLength < 0 || *o.MinLength > 6000) {
			f.add(at(p, "min_length"), "NUMBER_TYPE_MAX", "Must be between 0 and 6000.")
		}
		if o.MaxLength != nil && (*o.MaxLength < 1 || *o.MaxLength > 6000) {
			f.add(at(p, "max_length"), "NUMBER_TYPE_MAX", "Must be between 1 and 6000.")
		}
	}
	if len(o.ChannelTypes) > 0 && o.Type != optChannel {
		f.add(at(p, "channel_types"), "APPLICATION_COMMAND_OPTION_CHANNEL_TYPES_INVALID", "Only channel options have channel_types")
	}
}

// choiceValue reads a choice's value, which must have the option's type.
func choiceValue(optType int, raw json.RawMessage, path []string, f *fieldErrs) any {
	if len(raw) == 0 || string(raw) == "null" {
		f.add(path, "BASE_TYPE_REQUIRED", "This field is required")
		return nil
	}
	switch optType {
	case optString:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			f.add(path, "BASE_TYPE_STRING", "Could not interpret "+string(raw)+" as string.")
			return nil
		}
		checkLength(s, 1, 100, path, f)
		return s
	case optInteger, optNumber:
		var n float64
		if json.Unmarshal(raw, &n) != nil {
			f.add(path, "NUMBER_TYPE_COERCE", "Value "+string(raw)+" is not a number.")
			return nil
		}
		if optType == optInteger && (n != math.Trunc(n) || math.Abs(n) > maxSafeInteger) {
			f.add(path, "NUMBER_TYPE_COERCE", "Value "+string(raw)+" is not int.")
		}
		return json.Number(strings.TrimSpace(string(raw)))
	}
	return nil
}

// commandChars counts what Discord's 4000-character limit counts.
func commandChars(c appCommand) int {
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
	var walk func([]commandOption)
	walk = func(opts []commandOption) {
		for _, o := range opts {
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			for _, ch := range o.Choices {
				n += utf8.RuneCountInString(ch.Name) + utf8.RuneCountInString(fmt.Sprint(ch.Value))
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}
