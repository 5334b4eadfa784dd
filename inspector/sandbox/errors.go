package sandbox

import (
	"net/http"

	"gatewaytour/inspector/gateway"
)

// apiError is Discord's error body.
type apiError struct {
	Message string         `json:"message"`
	Code    int            `json:"code"`
	Errors  map[string]any `json:"errors,omitempty"`
}

// postError is a REST error with its HTTP status and Discord's JSON body.
type postError struct {
	status int
	apiError
}

func (e *postError) Error() string { return e.Message }

var (
	errUnauthorized = apiError{Message: "401: Unauthorized", Code: 0}
	errNotFound     = apiError{Message: "404: Not Found", Code: 0}
	errMethod       = apiError{Message: "405: Method Not Allowed", Code: 0}
	errInvalidJSON  = apiError{Message: "The request body contains invalid JSON.", Code: gateway.ErrInvalidJSON}
)

// discordErr is the error with JSON code code, worded and given the status
// as inspector/gateway's table has them.
func discordErr(code int) *postError {
	e, ok := gateway.LookupJSONError(code)
	if !ok {
		return &postError{http.StatusBadRequest, apiError{Message: "General error", Code: code}}
	}
	return &postError{e.Status, apiError{Message: e.Message, Code: e.Code}}
}

var (
	errUnknownChannel = discordErr(gateway.ErrUnknownChannel)
	errUnknownUser    = discordErr(gateway.ErrUnknownUser)
	errEmptyMessage   = discordErr(gateway.ErrEmptyMessage)
	errNotText        = discordErr(gateway.ErrNonTextChannel)
	errTooLong        = formError("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
)

// fieldError is one entry of a 50035 error tree.
type fieldError struct {
	path    []string // "embeds", "0", "title"
	code    string
	message string
}

// formErrors builds Discord's 50035 body: each failing field is a nested
// object down its path, with its problems in _errors.
func formErrors(errs ...fieldError) *postError {
	root := map[string]any{}
	for _, fe := range errs {
		node := root
		for _, seg := range fe.path {
			next, ok := node[seg].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[seg] = next
			}
			node = next
		}
		list, _ := node["_errors"].([]map[string]string)
		node["_errors"] = append(list, map[string]string{"code": fe.code, "message": fe.message})
	}
	return &postError{http.StatusBadRequest, apiError{Message: "Invalid Form Body", Code: gateway.ErrInvalidFormBody, Errors: root}}
}

// formError is a 50035 for a single top-level field.
func formError(field, code, message string) *postError {
	return formErrors(fieldError{path: []string{field}, code: code, message: message})
}
