package inspector

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"
)

// A token can be written with JSON escapes ("\u004dTI…"), and JSON can be
// quoted inside a JSON string inside an error message. Redaction therefore
// also reads text with its escapes decoded, remembering where each decoded
// byte came from, so the token is replaced escapes and all.

// mayHoldEscaped is the cheap test before an escaped view is built: every
// layer of escapes decoded, without keeping positions, into one pooled
// buffer, searched for the tokens.
func mayHoldEscaped(b []byte, tokens []string) bool {
	bufp := unescapeBuf.Get().(*[]byte)
	defer unescapeBuf.Put(bufp)
	text := b
	for layer := 0; ; layer++ {
		for _, t := range tokens {
			if bytes.Contains(text, []byte(t)) {
				return true
			}
		}
		if layer == maxUnescape || bytes.IndexByte(text, '\\') < 0 {
			return false
		}
		out := (*bufp)[:0]
		if layer > 0 {
			out = make([]byte, 0, len(text)) // text lives in *bufp
		}
		out = appendUnescaped(out, text)
		if layer == 0 {
			*bufp = out
		}
		text = out
	}
}

var unescapeBuf = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendUnescaped appends text with one layer of JSON escapes decoded.
func appendUnescaped(out, d []byte) []byte {
	for i := 0; i < len(d); {
		if d[i] != '\\' || i+1 >= len(d) {
			out = append(out, d[i])
			i++
			continue
		}
		if c, ok := simpleEscapes[d[i+1]]; ok {
			out = append(out, c)
			i += 2
			continue
		}
		r, n := decodeUnicodeEscape(d[i:])
		if n == 0 {
			out = append(out, d[i])
			i++
			continue
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// mergeOverlaps joins edits whose spans overlap, so applyEdits drops none.
func mergeOverlaps(edits []edit) []edit {
	slices.SortFunc(edits, func(x, y edit) int { return x.at.start - y.at.start })
	out := edits[:1]
	for _, e := range edits[1:] {
		last := &out[len(out)-1]
		if e.at.start < last.at.end {
			last.at.end = max(last.at.end, e.at.end)
			continue
		}
		out = append(out, e)
	}
	return out
}

// maxUnescape is how many layers of JSON escaping are looked through: JSON
// in a JSON string in an error message is two.
const maxUnescape = 3

// escapedView is text with its JSON escapes decoded, each byte remembering
// the range of the original it came from.
type escapedView struct {
	text       []byte
	start, end []int
}

func unescapeView(b []byte) escapedView {
	v := escapedView{text: b, start: make([]int, len(b)), end: make([]int, len(b))}
	for i := range b {
		v.start[i], v.end[i] = i, i+1
	}
	for range maxUnescape {
		if bytes.IndexByte(v.text, '\\') < 0 {
			break
		}
		v = v.unescapeOnce()
	}
	return v
}

// unescapeOnce decodes one layer of escapes; anything that is not a valid
// escape is kept as it is.
func (v escapedView) unescapeOnce() escapedView {
	d := v.text
	out := escapedView{text: make([]byte, 0, len(d)), start: make([]int, 0, len(d)), end: make([]int, 0, len(d))}
	emit := func(bs []byte, from, to int) {
		for _, c := range bs {
			out.text = append(out.text, c)
			out.start = append(out.start, v.start[from])
			out.end = append(out.end, v.end[to-1])
		}
	}
	for i := 0; i < len(d); {
		if d[i] != '\\' || i+1 >= len(d) {
			emit(d[i:i+1], i, i+1)
			i++
			continue
		}
		if c, ok := simpleEscapes[d[i+1]]; ok {
			emit([]byte{c}, i, i+2)
			i += 2
			continue
		}
		r, n := decodeUnicodeEscape(d[i:])
		if n == 0 {
			emit(d[i:i+1], i, i+1)
			i++
			continue
		}
		emit(utf8.AppendRune(nil, r), i, i+n)
		i += n
	}
	return out
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// decodeUnicodeEscape reads \uXXXX (and a following low surrogate) at the
// start of d, returning the rune and the bytes used, or 0 bytes if none.
func decodeUnicodeEscape(d []byte) (rune, int) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 || b[0] != '\\' || b[1] != 'u' || !isHex4(b[2:6]) {
			return 0, false
		}
		var r rune
		for _, c := range b[2:6] {
			r <<= 4
			switch {
			case c >= '0' && c <= '9':
				r |= rune(c - '0')
			case c >= 'a' && c <= 'f':
				r |= rune(c - 'a' + 10)
			default:
				r |= rune(c - 'A' + 10)
			}
		}
		return r, true
	}
	r, ok := hex(d)
	if !ok {
		return 0, 0
	}
	if r >= 0xD800 && r < 0xDC00 {
		if lo, ok := hex(d[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12
		}
	}
	return r, 6
}
