package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

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

// snowflake parses the path parameter name. A value that is not a
// snowflake is answered as Discord does (50035 naming the parameter) and ok
// is false.
func (c *restCall) snowflake(name string) (gateway.Snowflake, bool) {
	raw := c.params[name]
	id, err := gateway.ParseSnowflake(raw)
	if err != nil {
		c.fail(formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not snowflake."))
		return 0, false
	}
	return id, true
}

// decode reads the JSON body into v. An empty body is an empty object, as
// Discord treats it. Unknown fields are ignored, as Discord ignores them.
func (c *restCall) decode(v any) bool {
	b := bytes.TrimSpace(c.body)
	if len(b) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			c.fail(formError(te.Field, "MODEL_TYPE_CONVERT", "Invalid "+te.Value+" for field of type "+te.Type.String()+"."))
			return false
		}
		c.fail(&postError{http.StatusBadRequest, errInvalidJSON})
		return false
	}
	return true
}

// query is a query-string parameter.
func (c *restCall) query(name string) string { return c.r.URL.Query().Get(name) }

// queryInt reads an integer query parameter in [lo, hi], def when absent.
func (c *restCall) queryInt(name string, def, lo, hi int) (int, bool) {
	raw := c.query(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		c.fail(formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not int."))
		return 0, false
	}
	if n < lo || n > hi {
		c.fail(formError(name, "NUMBER_TYPE_MAX", "int value should be between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi)+"."))
		return 0, false
	}
	return n, true
}

// querySnowflake reads an optional snowflake query parameter (0 when absent).
func (c *restCall) querySnowflake(name string) (gateway.Snowflake, bool) {
	raw := c.query(name)
	if raw == "" {
		return 0, true
	}
	id, err := gateway.ParseSnowflake(raw)
	if err != nil {
		c.fail(formError(name, "NUMBER_TYPE_COERCE", "Value \""+raw+"\" is not snowflake."))
		return 0, false
	}
	return id, true
}

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
