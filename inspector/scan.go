package inspector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// The annotator reads every frame once with the scanner below instead of
// json.Unmarshal: one pass validates the JSON, finds the envelope (op, d, s,
// t), remembers where each field of d sits, and marks guild, user and member
// objects as it leaves them. Building a tree of maps would cost more than
// everything else the inspector does with a frame.

// MaxDepth bounds how deep the annotator walks a payload, so hostile input
// cannot grow the stack without end. Deeper values are still checked (by an
// iterative validator) and kept; they are only not walked for terms, and the
// record says so.
const MaxDepth = 1000

// span is a value's byte range in the frame; a zero span means "absent",
// which is safe because no field value can start at offset 0.
type span struct{ start, end int }

func (s span) ok() bool { return s.end > 0 }

// dField is one key of the payload's d object.
type dField struct {
	key   []byte
	val   span
	count int // elements, when the value is an array
}

// seg is one step of the path from the envelope to the current value.
type seg struct {
	key   []byte
	index int
	isIdx bool
}

type scanner struct {
	data  []byte
	path  []seg
	count int // elements of the array value() just read

	op, d, s, t span
	dFields     []dField
	// tooDeep says part of the frame lies deeper than MaxDepth.
	tooDeep bool

	specs []compiledSpec // catalog term paths for this event
	terms []Term
	buf   []byte
}

var errSyntax = errors.New("not JSON")

func (sc *scanner) reset(data []byte) {
	sc.data = data
	sc.path = sc.path[:0]
	sc.op, sc.d, sc.s, sc.t = span{}, span{}, span{}, span{}
	sc.dFields = sc.dFields[:0]
	sc.tooDeep = false
	sc.specs = nil
	sc.terms = nil
}

// scan validates the whole text and collects envelope, d fields and terms.
func (sc *scanner) scan() error {
	i := skipWS(sc.data, 0)
	i, err := sc.value(i, 0)
	if err != nil {
		return err
	}
	if i = skipWS(sc.data, i); i != len(sc.data) {
		return sc.errAt(i, "unexpected text after the JSON value")
	}
	return nil
}

func (sc *scanner) errAt(i int, what string) error {
	return fmt.Errorf("%w: %s at byte %d", errSyntax, what, i)
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func (sc *scanner) value(i, depth int) (int, error) {
	if depth > MaxDepth {
		return sc.deep(i)
	}
	if i >= len(sc.data) {
		return 0, sc.errAt(i, "unexpected end")
	}
	switch c := sc.data[i]; {
	case c == '{':
		return sc.object(i, depth)
	case c == '[':
		return sc.array(i, depth)
	case c == '"':
		end, _, err := sc.str(i)
		return end, err
	case c == '-' || (c >= '0' && c <= '9'):
		return sc.number(i)
	case c == 't':
		return sc.literal(i, "true")
	case c == 'f':
		return sc.literal(i, "false")
	case c == 'n':
		return sc.literal(i, "null")
	}
	return 0, sc.errAt(i, fmt.Sprintf("unexpected character %q", sc.data[i]))
}

// maxValidDepth is encoding/json's own nesting limit, which bounds what
// deep can check below MaxDepth.
const maxValidDepth = 10000

// deep checks the value at i, below the walking depth, without recursion:
// skipValue finds its end and json.Valid (a state machine) checks it.
func (sc *scanner) deep(i int) (int, error) {
	end := skipValue(sc.data, i)
	switch {
	case end > 0 && json.Valid(sc.data[i:end]):
		sc.tooDeep = true
		return end, nil
	case end > 0 && NestedDeeperThan(sc.data[i:end], maxValidDepth):
		return 0, sc.errAt(i, fmt.Sprintf("nested more than %d levels deep, too deep to read", MaxDepth+maxValidDepth))
	}
	return 0, sc.errAt(i, fmt.Sprintf("invalid JSON nested deeper than %d levels", MaxDepth))
}

func (sc *scanner) literal(i int, word string) (int, error) {
	if !bytes.HasPrefix(sc.data[i:], []byte(word)) {
		return 0, sc.errAt(i, "invalid literal")
	}
	return i + len(word), nil
}

func (sc *scanner) number(i int) (int, error) {
	d := sc.data
	start := i
	if d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if digits() == 0 {
		return 0, sc.errAt(start, "invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return 0, sc.errAt(start, "invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, sc.errAt(start, "invalid number")
		}
	}
	return i, nil
}

// str checks the string starting at i and returns the index after its
// closing quote and whether it holds escapes.
func (sc *scanner) str(i int) (int, bool, error) {
	d := sc.data
	start := i
	i++
	escaped := false
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return 0, false, sc.errAt(start, "unterminated string")
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					return 0, false, sc.errAt(i, "invalid \\u escape")
				}
				i += 6
			default:
				return 0, false, sc.errAt(i, "invalid escape")
			}
		case c < 0x20:
			return 0, false, sc.errAt(i, "control character in string")
		case c >= utf8.RuneSelf:
			// JSON text is UTF-8, and the gateway closes a frame that is not
			// with 4002: say so rather than pass it as a good frame.
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, false, sc.errAt(i, "invalid UTF-8 in a string")
			}
			i += size
		default:
			i++
		}
	}
	return 0, false, sc.errAt(start, "unterminated string")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (sc *scanner) array(i, depth int) (int, error) {
	d := sc.data
	i = skipWS(d, i+1)
	n := 0
	if i < len(d) && d[i] == ']' {
		sc.count = 0
		return i + 1, nil
	}
	sc.path = append(sc.path, seg{isIdx: true})
	for {
		sc.path[len(sc.path)-1].index = n
		var err error
		if i, err = sc.value(i, depth+1); err != nil {
			return 0, err
		}
		n++
		if i = skipWS(d, i); i >= len(d) {
			return 0, sc.errAt(i, "unterminated array")
		}
		if d[i] == ']' {
			sc.path = sc.path[:len(sc.path)-1]
			sc.count = n
			return i + 1, nil
		}
		if d[i] != ',' {
			return 0, sc.errAt(i, "expected , or ] in array")
		}
		i = skipWS(d, i+1)
	}
}

func (sc *scanner) object(i, depth int) (int, error) {
	d := sc.data
	isEnvelope := depth == 0
	isD := len(sc.path) == 1 && !sc.path[0].isIdx && string(sc.path[0].key) == "d"
	var flags keyFlags
	firstTerm := len(sc.terms) // terms inside this object come after it
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		sc.leaveObject(flags, firstTerm)
		return i + 1, nil
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return 0, sc.errAt(i, "expected a key")
		}
		keyEnd, escaped, err := sc.str(i)
		if err != nil {
			return 0, err
		}
		key := d[i+1 : keyEnd-1]
		if escaped {
			var s string
			if json.Unmarshal(d[i:keyEnd], &s) == nil {
				key = []byte(s)
			}
		}
		flags |= flagOf(key)
		if i = skipWS(d, keyEnd); i >= len(d) || d[i] != ':' {
			return 0, sc.errAt(i, "expected :")
		}
		i = skipWS(d, i+1)
		if isEnvelope && string(key) == "d" && !sc.t.ok() {
			sc.lookAheadForT(i)
		}
		sc.path = append(sc.path, seg{key: key})
		start := i
		sc.count = 0
		if i, err = sc.value(i, depth+1); err != nil {
			return 0, err
		}
		sc.path = sc.path[:len(sc.path)-1]
		v := span{start, i}
		switch {
		case isEnvelope:
			switch string(key) {
			case "op":
				sc.op = v
			case "d":
				sc.d = v
			case "s":
				sc.s = v
			case "t":
				sc.t = v
				if t, ok := stringAt(d, v); ok {
					sc.specs = specsFor(t)
				}
			}
		case isD:
			sc.dFields = append(sc.dFields, dField{key: key, val: v, count: sc.count})
		}
		if i = skipWS(d, i); i >= len(d) {
			return 0, sc.errAt(i, "unterminated object")
		}
		if d[i] == '}' {
			sc.leaveObject(flags, firstTerm)
			return i + 1, nil
		}
		if d[i] != ',' {
			return 0, sc.errAt(i, "expected , or } in object")
		}
		i = skipWS(d, i+1)
	}
}

// lookAheadForT finds the envelope's t when it comes after d (Go's
// encoding/json writes op, d, s, t in struct order), so d's terms can be
// matched against the catalog in the same pass. It skips d quickly without
// validating; the real pass validates.
func (sc *scanner) lookAheadForT(dStart int) {
	d := sc.data
	i := skipValue(d, dStart)
	for i > 0 && i < len(d) {
		i = skipWS(d, i)
		if i >= len(d) || d[i] != ',' {
			return
		}
		i = skipWS(d, i+1)
		if i >= len(d) || d[i] != '"' {
			return
		}
		keyEnd := skipValue(d, i)
		if keyEnd < 0 {
			return
		}
		isT := string(d[i:keyEnd]) == `"t"`
		i = skipWS(d, keyEnd)
		if i >= len(d) || d[i] != ':' {
			return
		}
		i = skipWS(d, i+1)
		end := skipValue(d, i)
		if end < 0 {
			return
		}
		if isT {
			if t, ok := stringAt(d, span{i, end}); ok {
				sc.specs = specsFor(t)
			}
			return
		}
		i = end
	}
}
