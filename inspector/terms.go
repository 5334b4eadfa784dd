package inspector

import (
	"strconv"
	"strings"

	"gatewaytour/inspector/gateway"
)

// Term marks one guild, user or member object inside a payload. Path is
// concrete: "d.members[3].user", never "d.members[].user".
type Term struct {
	Path string           `json:"path"`
	Kind gateway.TermKind `json:"kind"`
	Note string           `json:"note"`
}

// keyFlags records which of the keys that reveal an object's kind it holds.
type keyFlags uint16

const (
	keyID keyFlags = 1 << iota
	keyName
	keyRoles
	keyChannels
	keyMemberCount
	keyOwnerID
	keyJoinedAt
	keyUsername
	keyUser
)

func flagOf(key []byte) keyFlags {
	switch string(key) {
	case "id":
		return keyID
	case "name":
		return keyName
	case "roles":
		return keyRoles
	case "channels":
		return keyChannels
	case "member_count":
		return keyMemberCount
	case "owner_id":
		return keyOwnerID
	case "joined_at":
		return keyJoinedAt
	case "username":
		return keyUsername
	case "user":
		return keyUser
	}
	return 0
}

// compiledSpec is a catalog TermSpec with its path split into steps.
type compiledSpec struct {
	segs []seg
	kind gateway.TermKind
	note string
}

var catalogSpecs = func() map[string][]compiledSpec {
	m := map[string][]compiledSpec{}
	for _, e := range gateway.Events() {
		for _, t := range e.Terms {
			m[e.Name] = append(m[e.Name], compiledSpec{segs: compilePath(t.Path), kind: t.Kind, note: t.Note})
		}
	}
	return m
}()

func specsFor(t string) []compiledSpec { return catalogSpecs[t] }

// compilePath turns "d.members[].user" into d, members, [], user.
func compilePath(p string) []seg {
	var out []seg
	for _, part := range strings.Split(p, ".") {
		idx := strings.HasSuffix(part, "[]")
		part = strings.TrimSuffix(part, "[]")
		out = append(out, seg{key: []byte(part)})
		if idx {
			out = append(out, seg{isIdx: true})
		}
	}
	return out
}

func pathMatches(path, pattern []seg) bool {
	if len(path) != len(pattern) {
		return false
	}
	for i := len(path) - 1; i >= 0; i-- {
		p, q := path[i], pattern[i]
		if p.isIdx != q.isIdx || (!p.isIdx && string(p.key) != string(q.key)) {
			return false
		}
	}
	return true
}

const (
	noteShapeUser         = "A user: an account, with no guild context."
	noteShapeGuild        = "A guild: what users call a server."
	noteShapeMemberUser   = "A member: a user in this guild (roles, nick, joined_at), with the user nested inside."
	noteShapeMemberNoUser = "A member: a user in this guild (roles, nick, joined_at), without a nested user."
)

// leaveObject runs when the scanner closes an object: the catalog's paths
// for this event win; anything else is judged by where it sits and its keys.
// Objects close after the objects inside them, so the term is moved in
// front of its children's (from firstTerm on) to keep document order.
func (sc *scanner) leaveObject(flags keyFlags, firstTerm int) {
	if len(sc.path) == 0 {
		return
	}
	kind, note := structuralKind(sc.path, flags)
	for _, s := range sc.specs {
		if pathMatches(sc.path, s.segs) {
			kind, note = s.kind, s.note
			break
		}
	}
	if kind == "" {
		return
	}
	sc.addTerm(kind, note)
	if last := len(sc.terms) - 1; firstTerm < last {
		t := sc.terms[last]
		copy(sc.terms[firstTerm+1:], sc.terms[firstTerm:last])
		sc.terms[firstTerm] = t
	}
}

func structuralKind(path []seg, flags keyFlags) (gateway.TermKind, string) {
	last := path[len(path)-1]
	var key, arrayKey string
	if last.isIdx {
		if len(path) >= 2 && !path[len(path)-2].isIdx {
			arrayKey = string(path[len(path)-2].key)
		}
	} else {
		key = string(last.key)
	}
	memberNote := noteShapeMemberNoUser
	if flags&keyUser != 0 {
		memberNote = noteShapeMemberUser
	}
	switch {
	case key == "author" || key == "user" || arrayKey == "users" || arrayKey == "mentions" || arrayKey == "recipients":
		return gateway.TermUser, noteShapeUser
	case key == "member" || arrayKey == "members":
		return gateway.TermMember, memberNote
	case flags&(keyID|keyName) == keyID|keyName && flags&(keyRoles|keyChannels|keyMemberCount|keyOwnerID) != 0:
		return gateway.TermGuild, noteShapeGuild
	case flags&(keyRoles|keyJoinedAt) == keyRoles|keyJoinedAt:
		return gateway.TermMember, memberNote
	case flags&(keyUsername|keyID) == keyUsername|keyID:
		return gateway.TermUser, noteShapeUser
	}
	return "", ""
}

func (sc *scanner) addTerm(kind gateway.TermKind, note string) {
	b := sc.buf[:0]
	for i, s := range sc.path {
		if s.isIdx {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.index), 10)
			b = append(b, ']')
			continue
		}
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, s.key...)
	}
	sc.buf = b
	sc.terms = append(sc.terms, Term{Path: string(b), Kind: kind, Note: note})
}
