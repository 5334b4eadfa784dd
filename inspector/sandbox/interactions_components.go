package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"

	"gatewaytour/inspector/gateway"
)

// Component types a member can use on a message.
const (
	componentButton        = 2
	componentStringSelect  = 3
	componentUserSelect    = 5
	componentRoleSelect    = 6
	componentMentionSelect = 7
	componentChannelSelect = 8

	buttonLink    = 5
	buttonPremium = 6
)

// messageComponent is the part of a message component the sandbox reads.
type messageComponent struct {
	Type         int                      `json:"type"`
	CustomID     string                   `json:"custom_id"`
	Style        int                      `json:"style"`
	Disabled     bool                     `json:"disabled"`
	MinValues    *int                     `json:"min_values"`
	MaxValues    *int                     `json:"max_values"`
	Options      []struct{ Value string } `json:"options"`
	ChannelTypes []int                    `json:"channel_types"`
	Components   []json.RawMessage        `json:"components"`
	Accessory    json.RawMessage          `json:"accessory"`
}

func badComponent(format string, args ...any) *postError {
	return &postError{http.StatusBadRequest, apiError{Message: fmt.Sprintf(format, args...), Code: 50035}}
}

// findComponent walks a message's components (action rows, and the
// containers and sections of components v2) for the one with customID.
func findComponent(list []json.RawMessage, customID string) (messageComponent, bool) {
	for _, raw := range list {
		var c messageComponent
		if json.Unmarshal(raw, &c) != nil {
			continue
		}
		if c.CustomID == customID && c.Type != componentActionRow {
			return c, true
		}
		nested := c.Components
		if len(c.Accessory) > 0 {
			nested = append(append([]json.RawMessage(nil), nested...), c.Accessory)
		}
		if found, ok := findComponent(nested, customID); ok {
			return found, true
		}
	}
	return messageComponent{}, false
}

// componentDataLocked is data for a MESSAGE_COMPONENT interaction: the
// button pressed, or the values chosen in a select menu, checked against
// the menu's options and bounds and resolved for the entity selects.
func (s *Server) componentDataLocked(m *gateway.Message, customID string, values []string, sc optionScope) (map[string]any, *postError) {
	c, ok := findComponent(m.Components, customID)
	if !ok {
		return nil, &postError{http.StatusNotFound, apiError{Message: "message " + m.ID.String() + " has no component with custom_id " + customID, Code: 0}}
	}
	if c.Disabled {
		return nil, badComponent("component %s is disabled", customID)
	}
	data := map[string]any{"custom_id": customID, "component_type": c.Type}
	switch c.Type {
	case componentButton:
		if c.Style == buttonLink || c.Style == buttonPremium {
			return nil, badComponent("component %s is a link or premium button: it opens a page and starts no interaction", customID)
		}
		if len(values) > 0 {
			return nil, badComponent("component %s is a button: it takes no values", customID)
		}
		return data, nil
	case componentStringSelect, componentUserSelect, componentRoleSelect, componentMentionSelect, componentChannelSelect:
	default:
		return nil, badComponent("component %s (type %d) cannot be used", customID, c.Type)
	}
	lo, hi := 1, 1
	if c.MinValues != nil {
		lo = *c.MinValues
	}
	if c.MaxValues != nil {
		hi = *c.MaxValues
	}
	if len(values) < lo || len(values) > hi {
		return nil, badComponent("select %s takes %d to %d values, got %d", customID, lo, hi, len(values))
	}
	var res resolved
	for _, v := range values {
		if pe := s.selectValueLocked(c, v, sc, &res); pe != nil {
			return nil, pe
		}
	}
	data["values"] = nonNilStrings(values)
	if !res.empty() {
		data["resolved"] = res
	}
	return data, nil
}

func (s *Server) selectValueLocked(c messageComponent, v string, sc optionScope, res *resolved) *postError {
	if c.Type == componentStringSelect {
		for _, o := range c.Options {
			if o.Value == v {
				return nil
			}
		}
		return badComponent("select %s has no option with value %q", c.CustomID, v)
	}
	id, err := gateway.ParseSnowflake(v)
	if err != nil {
		return badComponent("select %s takes ids; %q is not one", c.CustomID, v)
	}
	var ok bool
	switch c.Type {
	case componentUserSelect:
		ok = s.resolveUserLocked(res, sc.guild, sc.channel, id)
	case componentRoleSelect:
		ok = s.resolveRoleLocked(res, sc.guild, id)
	case componentMentionSelect:
		ok = s.resolveUserLocked(res, sc.guild, sc.channel, id) || s.resolveRoleLocked(res, sc.guild, id)
	case componentChannelSelect:
		ok, _ = s.resolveChannelLocked(res, sc.guild, sc.user, id, c.ChannelTypes)
	}
	if !ok {
		return badComponent("select %s: %s is not something it offers here", c.CustomID, v)
	}
	return nil
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
