package web

import (
	"unicode/utf8"

	"gatewaytour/inspector"
)

// recordsJSON encodes a batch of records for the page. Each is the record
// of the export, except that its payload travels as a JSON string
// ("payload_text") instead of an object: the page keeps the text and parses
// it only when the payload is shown or searched. A hundred thousand records
// in a tab then hold one string each rather than an object graph each,
// which is what keeps the browser's garbage collector from pausing the list
// while a flood comes in.
func recordsJSON(records []inspector.Record) []byte {
	out := make([]byte, 0, 2048*len(records))
	out = append(out, '[')
	for i, r := range records {
		if i > 0 {
			out = append(out, ',')
		}
		payload := r.Payload
		r.Payload = nil
		encoded, err := r.MarshalJSON()
		if err != nil {
			// A record is plain data; this cannot fail.
			panic("web: encode a record: " + err.Error())
		}
		if payload == nil {
			out = append(out, encoded...)
			continue
		}
		out = append(out, encoded[:len(encoded)-1]...) // without its closing brace
		out = append(out, `,"payload_text":`...)
		out = appendJSONString(out, payload)
		out = append(out, '}')
	}
	return append(out, ']')
}

// appendJSONString appends text as a JSON string. Text that is not UTF-8
// (a payload always is; this is only a guard) has its bad bytes replaced
// with U+FFFD, as encoding/json does.
func appendJSONString(out, text []byte) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	start := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			out = append(out, text[start:i]...)
			switch c {
			case '"', '\\':
				out = append(out, '\\', c)
			case '\n':
				out = append(out, '\\', 'n')
			case '\r':
				out = append(out, '\\', 'r')
			case '\t':
				out = append(out, '\\', 't')
			default:
				out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, text[start:i]...)
			out = append(out, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	out = append(out, text[start:]...)
	return append(out, '"')
}
