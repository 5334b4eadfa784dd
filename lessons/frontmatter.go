package lessons

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// frontMatter is what a lesson says about itself between the --- fences.
type frontMatter struct {
	Title   string
	Order   int
	Summary string
}

// lineError is a problem at a line of a lesson file; the loader adds the
// file name so every message reads "lessons/NN-slug.md:LINE: ...".
type lineError struct {
	Line int
	Msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func errorAt(line int, format string, args ...any) *lineError {
	return &lineError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

const fence = "---"

// parseFrontMatter splits src into its front matter and the Markdown body.
// bodyLine is the 1-based line number of the body's first line in src, so
// positions found in the body can be reported against the whole file.
//
// The format is deliberately tiny (key: value lines) rather than YAML: a
// lesson needs three fields, and a strict parser catches typos such as
// "tilte:" that a permissive one would silently ignore.
func parseFrontMatter(src []byte) (fm frontMatter, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	rest := src
	line := 0
	nextLine := func() (string, bool) {
		if len(rest) == 0 {
			return "", false
		}
		line++
		text, after, found := bytes.Cut(rest, []byte("\n"))
		if found {
			rest = after
		} else {
			rest = nil
		}
		return strings.TrimRight(string(text), "\r"), true
	}

	first, ok := nextLine()
	if !ok || strings.TrimSpace(first) != fence {
		return fm, nil, 0, errorAt(1, "front matter: the file must start with a %q line", fence)
	}
	seen := map[string]int{}
	for {
		text, ok := nextLine()
		if !ok {
			return fm, nil, 0, errorAt(1, "front matter: no closing %q line", fence)
		}
		if strings.TrimSpace(text) == fence {
			break
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		key, value, found := strings.Cut(text, ":")
		if !found {
			return fm, nil, 0, errorAt(line, "front matter: want \"key: value\", got %q", text)
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		if prev, dup := seen[key]; dup {
			return fm, nil, 0, errorAt(line, "front matter: %q repeats line %d", key, prev)
		}
		seen[key] = line
		switch key {
		case "title":
			if value == "" {
				return fm, nil, 0, errorAt(line, "front matter: title is empty")
			}
			fm.Title = value
		case "order":
			n, convErr := strconv.Atoi(value)
			if convErr != nil {
				return fm, nil, 0, errorAt(line, "front matter: order %q is not an integer", value)
			}
			fm.Order = n
		case "summary":
			fm.Summary = value
		default:
			return fm, nil, 0, errorAt(line, "front matter: unknown key %q (want title, order, summary)", key)
		}
	}
	closing := line
	for _, required := range []string{"title", "order"} {
		if _, ok := seen[required]; !ok {
			return fm, nil, 0, errorAt(closing, "front matter: %s is missing", required)
		}
	}
	return fm, rest, closing + 1, nil
}
