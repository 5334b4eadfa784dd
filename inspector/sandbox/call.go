package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"gatewaytour/inspector/gateway"
)

// maxRequestBody is the largest JSON body the sandbox reads. Discord's own
// limit for a JSON payload is far above any valid message; past this the
// request is refused whole with 413, never cut short.
const maxRequestBody = 1 << 20

// restCall is one REST request being answered: the handler's view of it.
type restCall struct {
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	body   []byte // the whole request body, already read and bounded
}

// snowflake parses the path parameter name, answering 50035 itself when it
// is not a snowflake; ok says whether the handler may go on.
func (c *restCall) snowflake(name string) (gateway.Snowflake, bool) {
	id, err := c.id(name)
	if err != nil {
		c.fail(err)
		return 0, false
	}
	return id, true
}

// decode reads the JSON body into v, answering the request itself when the
// body does not fit; it reports whether the handler may go on.
func (c *restCall) decode(v any) bool {
	if err := c.bind(v); err != nil {
		c.fail(err)
		return false
	}
	return true
}

// bind reads the JSON body into v. An empty body is an empty object, as
// Discord treats it. Unknown fields are ignored, as Discord ignores them; a
// field of the wrong type is a 50035 naming it.
func (c *restCall) bind(v any) error {
	b := bytes.TrimSpace(c.body)
	if len(b) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			return formErrors(fieldError{path: strings.Split(te.Field, "."), code: "MODEL_TYPE_CONVERT", message: "Could not interpret " + te.Value + " as " + te.Type.String() + "."})
		}
		return &postError{http.StatusBadRequest, errInvalidJSON}
	}
	return nil
}

// query is a query-string parameter.
func (c *restCall) query(name string) string { return c.r.URL.Query().Get(name) }

func (c *restCall) ok(v any) { writeJSON(c.w, http.StatusOK, v) }

func (c *restCall) created(v any) { writeJSON(c.w, http.StatusCreated, v) }

func (c *restCall) noContent() { c.w.WriteHeader(http.StatusNoContent) }

// fail answers with a Discord error; a plain error is a 500 naming it.
func (c *restCall) fail(err error) {
	if pe, ok := err.(*postError); ok {
		writeJSON(c.w, pe.status, pe.apiError)
		return
	}
	writeJSON(c.w, http.StatusInternalServerError, apiError{Message: err.Error(), Code: 0})
}

// queryInt reads an integer query parameter in [lo, hi], def when absent.
func (c *restCall) queryInt(name string, def, lo, hi int) (int, error) {
	raw := c.query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not int.")
	}
	if n < lo || n > hi {
		return 0, formError(name, "NUMBER_TYPE_MAX", "int value should be between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi)+".")
	}
	return n, nil
}

// querySnowflake reads an optional snowflake query parameter (0 when absent).
func (c *restCall) querySnowflake(name string) (gateway.Snowflake, error) {
	raw := c.query(name)
	if raw == "" {
		return 0, nil
	}
	id, err := gateway.ParseSnowflake(raw)
	if err != nil {
		return 0, formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not snowflake.")
	}
	return id, nil
}
