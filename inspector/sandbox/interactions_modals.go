package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// Component types a modal may hold.
const (
	componentActionRow = 1
	componentTextInput = 4
	componentLabel     = 18
)

// modalInput is one text input of a modal: what the member must fill in.
type modalInput struct {
	customID  string
	required  bool
	minLength int
	maxLength int
	inLabel   bool // a label (type 18) wraps it, rather than an action row
	id        int  // the component's numeric id, echoed back on submit
}

// modalComponent is the part of a modal component the sandbox reads.
type modalComponent struct {
	Type       int              `json:"type"`
	ID         int              `json:"id"`
	CustomID   *string          `json:"custom_id"`
	Style      int              `json:"style"`
	Label      string           `json:"label"`
	Required   *bool            `json:"required"`
	MinLength  *int             `json:"min_length"`
	MaxLength  *int             `json:"max_length"`
	Components []modalComponent `json:"components"`
	Component  *modalComponent  `json:"component"`
}

// openModalLocked validates callback 9's modal and files it for the member,
// who may then submit it through the actor API.
func (s *Server) openModalLocked(in *interaction, raw json.RawMessage) *postError {
	var body struct {
		CustomID   *string          `json:"custom_id"`
		Title      *string          `json:"title"`
		Components []modalComponent `json:"components"`
	}
	if pe := decodeData(raw, &body); pe != nil {
		return pe
	}
	var f fieldErrs
	if body.CustomID == nil {
		f.add([]string{"data", "custom_id"}, "BASE_TYPE_REQUIRED", "This field is required")
	} else {
		checkLength(*body.CustomID, 1, 100, []string{"data", "custom_id"}, &f)
	}
	if body.Title == nil {
		f.add([]string{"data", "title"}, "BASE_TYPE_REQUIRED", "This field is required")
	} else {
		checkLength(*body.Title, 1, 45, []string{"data", "title"}, &f)
	}
	if n := len(body.Components); n < 1 || n > 5 {
		f.add([]string{"data", "components"}, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
	}
	var inputs []modalInput
	for i, row := range body.Components {
		p := at([]string{"data", "components"}, i)
		var child *modalComponent
		switch {
		case row.Type == componentActionRow && len(row.Components) == 1:
			child = &row.Components[0]
		case row.Type == componentLabel && row.Component != nil:
			child = row.Component
		default:
			f.add(p, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A modal row holds exactly one text input (an action row, or a label with a component)")
			continue
		}
		if child.Type != componentTextInput {
			f.add(at(p, "components", 0, "type"), "UNION_TYPE_CHOICES", "The sandbox's modals hold text inputs (type 4) only")
			continue
		}
		inputs = append(inputs, textInput(*child, row.Type == componentLabel, at(p, "components", 0), &f))
	}
	if !f.empty() {
		return f.err()
	}
	a := s.appsLocked()
	list := append(a.modals[in.userID], openModal{customID: *body.CustomID, from: in, inputs: inputs})
	if len(list) > maxModalsPerUser {
		list = list[len(list)-maxModalsPerUser:]
	}
	a.modals[in.userID] = list
	return nil
}

func textInput(c modalComponent, inLabel bool, p []string, f *fieldErrs) modalInput {
	in := modalInput{required: true, maxLength: 4000, inLabel: inLabel, id: c.ID}
	if c.CustomID == nil {
		f.add(at(p, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
	} else {
		in.customID = *c.CustomID
		checkLength(in.customID, 1, 100, at(p, "custom_id"), f)
	}
	if c.Style != 1 && c.Style != 2 {
		f.add(at(p, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
	}
	if c.Required != nil {
		in.required = *c.Required
	}
	if c.MinLength != nil {
		in.minLength = *c.MinLength
	}
	if c.MaxLength != nil {
		in.maxLength = *c.MaxLength
	}
	if in.minLength < 0 || in.minLength > 4000 || in.maxLength < 1 || in.maxLength > 4000 || in.minLength > in.maxLength {
		f.add(at(p, "max_length"), "BASE_TYPE_BAD_LENGTH", "min_length and max_length must be within 0 to 4000, min first.")
	}
	return in
}

// takeModalLocked finds (and removes) the newest open modal with this
// custom_id shown to the user.
func (a *appState) takeModalLocked(user gateway.Snowflake, customID string) (openModal, bool) {
	list := a.modals[user]
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].customID == customID {
			m := list[i]
			a.modals[user] = append(list[:i:i], list[i+1:]...)
			return m, true
		}
	}
	return openModal{}, false
}

// modalSubmitData is data for a MODAL_SUBMIT: every input with the value the
// member gave, checked against the modal's rules.
func modalSubmitData(m openModal, fields map[string]string) (map[string]any, *postError) {
	bad := func(format string, args ...any) *postError {
		return &postError{http.StatusBadRequest, apiError{Message: fmt.Sprintf(format, args...), Code: 50035}}
	}
	known := map[string]bool{}
	rows := make([]map[string]any, 0, len(m.inputs))
	for _, in := range m.inputs {
		known[in.customID] = true
		v := fields[in.customID]
		n := utf8.RuneCountInString(v)
		switch {
		case n == 0 && in.required:
			return nil, bad("field %s is required", in.customID)
		case n > 0 && (n < in.minLength || n > in.maxLength):
			return nil, bad("field %s must be %d to %d characters long", in.customID, in.minLength, in.maxLength)
		}
		input := map[string]any{"type": componentTextInput, "custom_id": in.customID, "value": v}
		if in.id != 0 {
			input["id"] = in.id
		}
		if in.inLabel {
			rows = append(rows, map[string]any{"type": componentLabel, "component": input})
		} else {
			rows = append(rows, map[string]any{"type": componentActionRow, "components": []any{input}})
		}
	}
	var unknown []string
	for k := range fields {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, bad("the modal has no field %s (its fields: %s)", unknown[0], inputNames(m.inputs))
	}
	return map[string]any{"custom_id": m.customID, "components": rows}, nil
}

func inputNames(inputs []modalInput) string {
	names := make([]string, 0, len(inputs))
	for _, in := range inputs {
		names = append(names, in.customID)
	}
	return strings.Join(names, ", ")
}
