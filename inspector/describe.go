package inspector

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// opNotes and eventNotes are built once: most frames need only these
// shared sentences, which keeps annotation cheap and records small.
var opNotes = func() map[gateway.Opcode]string {
	m := map[gateway.Opcode]string{}
	for _, o := range gateway.Opcodes() {
		m[o.Op] = fmt.Sprintf("Op %d %s (%s): %s", o.Op, o.Name, dirWords(o.Dir), o.Meaning)
	}
	return m
}()

func dirWords(d gateway.Direction) string {
	switch d {
	case gateway.Send:
		return "client → server"
	case gateway.Recv:
		return "server → client"
	}
	return "both ways"
}

var eventNotes = func() map[string][]string {
	m := map[string][]string{}
	for _, e := range gateway.Events() {
		m[e.Name] = []string{e.Name + ": " + e.Meaning, gatingNote(e)}
	}
	return m
}()

func gatingNote(e gateway.EventInfo) string {
	names := func(in gateway.Intents) string {
		var out []string
		for _, info := range gateway.IntentList() {
			if in&info.Intent != 0 {
				n := info.Name
				if info.Privileged {
					n += " (privileged)"
				}
				out = append(out, n)
			}
		}
		return strings.Join(out, " or ")
	}
	switch {
	case e.GuildIntents == 0 && e.DMIntents == 0:
		return "Needs no intent: every bot receives it."
	case e.DMIntents == 0:
		return "Gated by the " + names(e.GuildIntents) + " intent."
	case e.GuildIntents == 0:
		return "Gated by the " + names(e.DMIntents) + " intent."
	}
	return "Gated by " + names(e.GuildIntents) + " in a guild, " + names(e.DMIntents) + " in a DM."
}

// describe adds notes, summary and heartbeat timing for a decoded payload.
func (a *annotator) describe(r *Record, op gateway.Opcode, cs *connState) {
	data, d := a.sc.data, a.sc.d
	note, known := opNotes[op]
	if !known {
		note = fmt.Sprintf("Op %d is not a documented gateway opcode; it is shown as received.", op)
	}
	r.Notes = make([]string, 1, 4)
	r.Notes[0] = note
	if info, ok := gateway.LookupOpcode(op); ok && info.Dir != gateway.Both && info.Dir != r.Dir {
		r.Notes = append(r.Notes, fmt.Sprintf("Op %d only goes %s, but this one went %s.", op, dirWords(info.Dir), dirWords(r.Dir)))
	}
	switch op {
	case gateway.OpDispatch:
		a.describeDispatch(r, cs)
	case gateway.OpHello:
		ms, _ := intAt(data, field(data, d, "heartbeat_interval"))
		cs.hello(r, time.Duration(ms)*time.Millisecond)
	case gateway.OpHeartbeat:
		if r.Dir == gateway.Recv {
			cs.serverBeat(r)
			break
		}
		var seq *int64
		if n, ok := intAt(data, d); ok {
			seq = &n
		}
		cs.beat(r, seq, isNull(data, d))
	case gateway.OpHeartbeatACK:
		cs.ack(r)
	case gateway.OpIdentify:
		a.describeIdentify(r, cs)
	case gateway.OpResume:
		sess, _ := stringAt(data, field(data, d, "session_id"))
		seq, _ := intAt(data, field(data, d, "seq"))
		r.Summary = fmt.Sprintf("resume session %s at s=%d", sess, seq)
		r.Notes = append(r.Notes, "The token is replaced by "+RedactedToken+". The server will replay every dispatch after this seq, then send RESUMED.")
	case gateway.OpReconnect:
		r.Summary = "server asks the client to reconnect"
		r.Notes = append(r.Notes, "Close with a code other than 1000, reconnect to resume_gateway_url and send Resume.")
	case gateway.OpInvalidSession:
		if string(data[d.start:max(d.start, d.end)]) == "true" {
			r.Summary = "invalid session, resumable"
			r.Notes = append(r.Notes, "d is true: reconnect and try Resume again.")
		} else {
			r.Summary = "invalid session, identify again"
			r.Notes = append(r.Notes, "d is false: wait 1–5 seconds, then start over with a fresh Identify.")
		}
	case gateway.OpPresenceUpdate:
		status, _ := stringAt(data, field(data, d, "status"))
		r.Summary = "status " + status
	case gateway.OpRequestGuildMembers:
		r.Summary = "members of guild " + idText(data, field(data, d, "guild_id"))
	}
}

func (a *annotator) describeIdentify(r *Record, cs *connState) {
	data, d := a.sc.data, a.sc.d
	in, _ := intAt(data, field(data, d, "intents"))
	intents := gateway.Intents(in)
	browser, _ := stringAt(data, fieldPath(data, d, "properties", "browser"))
	if browser == "" {
		browser, _ = stringAt(data, fieldPath(data, d, "properties", "$browser"))
	}
	if browser != "" && cs.peer == "" {
		cs.peer = browser
	}
	r.Summary = fmt.Sprintf("identify with intents %d", in)
	if browser != "" {
		r.Summary = fmt.Sprintf("identify as %s with intents %d", browser, in)
	}
	r.Notes = append(r.Notes, "The token is replaced by "+RedactedToken+".", "Intents: "+intents.String()+".")
	if p := intents & gateway.PrivilegedIntents; p != 0 {
		r.Notes = append(r.Notes, "Asks for privileged intents ("+p.String()+"): unless they are enabled on the Developer Portal, the gateway closes with 4014.")
	}
	if u := intents.Unknown(); u != 0 {
		r.Notes = append(r.Notes, "Holds bits that are not intents ("+u.String()+"): the gateway closes with 4013.")
	}
}

func (a *annotator) describeDispatch(r *Record, cs *connState) {
	if r.S != nil {
		cs.sequence(r, *r.S)
	}
	if r.T == nil {
		r.Notes = append(r.Notes, "A dispatch without t: the event has no name.")
		return
	}
	t := *r.T
	if notes, ok := eventNotes[t]; ok {
		r.Notes = append(r.Notes, notes...)
	} else {
		r.Notes = append(r.Notes, t+" is not in the event catalog; it is shown as received.")
	}
	data := a.sc.data
	get := func(keys ...string) string {
		s, _ := stringAt(data, fieldPath(data, a.dField(keys[0]), keys[1:]...))
		return a.secrets.RedactString(s) // before any preview cuts a secret in half
	}
	switch t {
	case "READY":
		r.Summary = fmt.Sprintf("as %s, %d guild(s), session %s", get("user", "username"), a.dCount("guilds"), get("session_id"))
		r.Notes = append(r.Notes, "Keep session_id and resume_gateway_url: they are what Resume needs after a drop.")
	case "RESUMED":
		r.Summary = "replay complete"
	case "GUILD_CREATE":
		total, _ := intAt(data, a.dField("member_count"))
		r.Summary = fmt.Sprintf("%s: %d member(s) listed of %d, %d channel(s)", get("name"), a.dCount("members"), total, a.dCount("channels"))
	case "MESSAGE_CREATE", "MESSAGE_UPDATE":
		content := get("content")
		r.Summary = get("author", "username") + ": " + preview(content, 60)
		if !a.dField("guild_id").ok() {
			r.Summary += " (DM)"
		}
		if content == "" && a.dField("content").ok() {
			r.Notes = append(r.Notes, "content is empty: the message has no text, or the bot lacks the MESSAGE_CONTENT intent (DMs, mentions and its own messages are exempt).")
		}
	case "PRESENCE_UPDATE":
		r.Summary = fmt.Sprintf("user %s is %s", idText(data, fieldPath(data, a.dField("user"), "id")), get("status"))
	case "TYPING_START":
		who := get("member", "user", "username")
		if who == "" {
			who = "user " + idText(data, a.dField("user_id"))
		}
		r.Summary = who + " is typing"
	case "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE":
		r.Summary = get("user", "username")
	case "INTERACTION_CREATE":
		if who := get("member", "user", "username"); who != "" {
			r.Summary = fmt.Sprintf("/%s by %s in a guild", get("data", "name"), who)
		} else {
			r.Summary = fmt.Sprintf("/%s by %s in a DM", get("data", "name"), get("user", "username"))
		}
	case "GUILD_DELETE":
		r.Summary = "guild " + idText(data, a.dField("id"))
	}
}

// dField is the value of d's key, found during the scan.
func (a *annotator) dField(key string) span {
	for _, f := range a.sc.dFields {
		if string(f.key) == key {
			return f.val
		}
	}
	return span{}
}

func (a *annotator) dCount(key string) int {
	for _, f := range a.sc.dFields {
		if string(f.key) == key {
			return f.count
		}
	}
	return 0
}

// idText shows a snowflake sent as a string or, by some libraries, a number.
func idText(data []byte, sp span) string {
	if s, ok := stringAt(data, sp); ok {
		return s
	}
	if sp.ok() {
		return string(data[sp.start:sp.end])
	}
	return "?"
}

func preview(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
