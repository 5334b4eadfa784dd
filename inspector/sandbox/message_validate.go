package sandbox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Discord's limits on a message body (resources/message, "Embed Limits").
const (
	maxEmbeds          = 10
	maxEmbedTotal      = 6000
	maxEmbedTitle      = 256
	maxEmbedDesc       = 4096
	maxEmbedFields     = 25
	maxFieldName       = 256
	maxFieldValue      = 1024
	maxFooterText      = 2048
	maxAuthorName      = 256
	maxActionRows      = 5
	maxNonceLength     = 25
	maxAllowedMentions = 100
)

type embedIn struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Fields      []struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text *string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name *string `json:"name"`
	} `json:"author"`
}

// validateMessageBody checks content, embeds, components and nonce against
// Discord's limits and returns every problem as one 50035 tree, or nil.
func validateMessageBody(content string, embeds, components []json.RawMessage, nonce json.RawMessage) error {
	var errs []fieldError
	add := func(code, msg string, path ...string) {
		errs = append(errs, fieldError{path: path, code: code, message: msg})
	}
	maxLen := func(n int) string { return "Must be " + strconv.Itoa(n) + " or fewer in length." }
	if utf8.RuneCountInString(content) > maxContent {
		add("BASE_TYPE_MAX_LENGTH", maxLen(maxContent), "content")
	}
	if len(embeds) > maxEmbeds {
		add("BASE_TYPE_MAX_LENGTH", maxLen(maxEmbeds), "embeds")
	}
	total := 0
	for i, raw := range embeds {
		idx := strconv.Itoa(i)
		var e embedIn
		if err := json.Unmarshal(raw, &e); err != nil || !isObject(raw) {
			add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", "embeds", idx)
			continue
		}
		check := func(s *string, limit int, path ...string) {
			if s == nil {
				return
			}
			n := utf8.RuneCountInString(*s)
			total += n
			if n > limit {
				add("BASE_TYPE_MAX_LENGTH", maxLen(limit), append([]string{"embeds", idx}, path...)...)
			}
		}
		check(e.Title, maxEmbedTitle, "title")
		check(e.Description, maxEmbedDesc, "description")
		if e.Footer != nil {
			check(e.Footer.Text, maxFooterText, "footer", "text")
		}
		if e.Author != nil {
			check(e.Author.Name, maxAuthorName, "author", "name")
		}
		if len(e.Fields) > maxEmbedFields {
			add("BASE_TYPE_MAX_LENGTH", maxLen(maxEmbedFields), "embeds", idx, "fields")
		}
		for j, f := range e.Fields {
			fidx := strconv.Itoa(j)
			for _, part := range []struct {
				name  string
				v     *string
				limit int
			}{{"name", f.Name, maxFieldName}, {"value", f.Value, maxFieldValue}} {
				if part.v == nil || *part.v == "" {
					add("BASE_TYPE_REQUIRED", "This field is required", "embeds", idx, "fields", fidx, part.name)
					continue
				}
				check(part.v, part.limit, "fields", fidx, part.name)
			}
		}
	}
	if total > maxEmbedTotal {
		add("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000", "embeds")
	}
	if len(components) > maxActionRows {
		add("BASE_TYPE_MAX_LENGTH", maxLen(maxActionRows), "components")
	}
	for i, raw := range components {
		if !isObject(raw) {
			add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", "components", strconv.Itoa(i))
		}
	}
	if n := bytes.TrimSpace(nonce); len(n) > 0 && !bytes.Equal(n, []byte("null")) {
		var s string
		var i int64
		switch {
		case json.Unmarshal(n, &s) == nil:
			if len(s) > maxNonceLength {
				add("BASE_TYPE_MAX_LENGTH", maxLen(maxNonceLength), "nonce")
			}
		case json.Unmarshal(n, &i) != nil:
			add("NONCE_TYPE_INVALID", "Nonce must be an integer or a string", "nonce")
		}
	}
	if len(errs) > 0 {
		return formErrors(errs...)
	}
	return nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// normalizeEmbeds gives each embed what Discord adds to a sent one: type
// "rich" and inline false on fields that leave it out.
func normalizeEmbeds(embeds []json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(embeds))
	for _, raw := range embeds {
		var e map[string]any
		if json.Unmarshal(raw, &e) != nil {
			out = append(out, raw)
			continue
		}
		if _, ok := e["type"]; !ok {
			e["type"] = "rich"
		}
		if fields, ok := e["fields"].([]any); ok {
			for _, f := range fields {
				if fm, ok := f.(map[string]any); ok {
					if _, ok := fm["inline"]; !ok {
						fm["inline"] = false
					}
				}
			}
		}
		b, err := json.Marshal(e)
		if err != nil {
			b = raw
		}
		out = append(out, b)
	}
	return out
}
