package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// formErrors collects 50035 "Invalid Form Body" complaints as Discord nests
// them: each path segment is a key ("options", "1", "name") and the leaf
// holds {"_errors":[{"code","message"}]}. Libraries print the flattened
// path ("options.1.name"), so the tree must match the body's shape.
type formErrors struct {
	tree map[string]any
}

func (f *formErrors) add(path []string, code, message string) {
	if f.tree == nil {
		f.tree = map[string]any{}
	}
	node := f.tree
	for _, seg := range path {
		next, ok := node[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[seg] = next
		}
		node = next
	}
	list, _ := node["_errors"].([]map[string]string)
	node["_errors"] = append(list, map[string]string{"code": code, "message": message})
}

func (f *formErrors) empty() bool { return len(f.tree) == 0 }

func (f *formErrors) err() *postError {
	return &postError{http.StatusBadRequest, apiError{Message: "Invalid Form Body", Code: 50035, Errors: f.tree}}
}

// at prefixes a path: at(path, "options", 3) is path + ["options", "3"].
func at(path []string, segs ...any) []string {
	out := append(append([]string(nil), path...), make([]string, 0, len(segs))...)
	for _, s := range segs {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

// decodeForm decodes a JSON body into v. A value of the wrong JSON type
// becomes a 50035 naming the field, as Discord answers it; anything that is
// not JSON at all is 50109.
func decodeForm(w http.ResponseWriter, r *http.Request, limit int64, v any) *postError {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit)).Decode(v)
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &postError{http.StatusRequestEntityTooLarge, apiError{Message: "Request entity too large", Code: 40005}}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		var f formErrors
		f.add(strings.Split(te.Field, "."), typeErrorCode(te.Type.Kind().String()), fmt.Sprintf("Could not interpret %s as %s.", te.Value, te.Type.Kind()))
		return f.err()
	}
	return &postError{http.StatusBadRequest, errInvalidJSON}
}

func typeErrorCode(kind string) string {
	switch kind {
	case "string":
		return "BASE_TYPE_STRING"
	case "bool":
		return "BASE_TYPE_BOOLEAN"
	case "slice":
		return "BASE_TYPE_ARRAY"
	case "map", "struct":
		return "DICT_TYPE_CONVERT"
	}
	return "NUMBER_TYPE_COERCE"
}

func writeErr(w http.ResponseWriter, pe *postError) { writeJSON(w, pe.status, pe.apiError) }
