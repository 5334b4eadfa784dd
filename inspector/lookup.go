package inspector

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Lookups into a frame the scanner has already validated: they skip values
// without checking them again.

// skipValue returns the index after the value at i without validating it,
// or -1 if the text ends first.
func skipValue(d []byte, i int) int {
	if i >= len(d) {
		return -1
	}
	switch d[i] {
	case '"':
		return skipString(d, i)
	case '{', '[':
		depth := 0
		for i < len(d) {
			switch d[i] {
			case '"':
				if i = skipString(d, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	for i < len(d) {
		switch d[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

func skipString(d []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(d[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		backslashes := 0
		for k := i - 1; k >= 0 && d[k] == '\\'; k-- {
			backslashes++
		}
		i++
		if backslashes%2 == 0 {
			return i
		}
	}
}

// stringAt decodes the JSON string at sp.
func stringAt(d []byte, sp span) (string, bool) {
	if !sp.ok() || sp.end-sp.start < 2 || d[sp.start] != '"' {
		return "", false
	}
	raw := d[sp.start+1 : sp.end-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	var s string
	if err := json.Unmarshal(d[sp.start:sp.end], &s); err != nil {
		return "", false
	}
	return s, true
}

// intAt decodes the JSON integer at sp.
func intAt(d []byte, sp span) (int64, bool) {
	if !sp.ok() {
		return 0, false
	}
	n, err := strconv.ParseInt(string(d[sp.start:sp.end]), 10, 64)
	return n, err == nil
}

func isNull(d []byte, sp span) bool {
	return !sp.ok() || string(d[sp.start:sp.end]) == "null"
}

// field finds key in the object at sp, without validating (the frame was
// validated when it was scanned).
func field(d []byte, sp span, key string) span {
	if !sp.ok() || d[sp.start] != '{' {
		return span{}
	}
	i := skipWS(d, sp.start+1)
	for i < sp.end && d[i] == '"' {
		keyEnd := skipString(d, i)
		if keyEnd < 0 {
			return span{}
		}
		match := string(d[i+1:keyEnd-1]) == key
		i = skipWS(d, keyEnd)
		i = skipWS(d, i+1) // past ':'
		end := skipValue(d, i)
		if end < 0 {
			return span{}
		}
		if match {
			return span{i, end}
		}
		i = skipWS(d, end)
		if i >= sp.end || d[i] != ',' {
			return span{}
		}
		i = skipWS(d, i+1)
	}
	return span{}
}

// fieldPath follows keys from the object at sp.
func fieldPath(d []byte, sp span, keys ...string) span {
	for _, k := range keys {
		if sp = field(d, sp, k); !sp.ok() {
			return span{}
		}
	}
	return sp
}

// NestedDeeperThan reports whether the JSON text holds objects or arrays
// nested more than n levels deep. It counts without recursion, so any
// depth is safe to ask about; views that print a payload recursively ask
// first.
func NestedDeeperThan(d []byte, n int) bool {
	depth := 0
	for i := 0; i < len(d); i++ {
		switch d[i] {
		case '"':
			if i = skipString(d, i); i < 0 {
				return false
			}
			i--
		case '{', '[':
			if depth++; depth > n {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}
