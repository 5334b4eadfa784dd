package inspector

import (
	"fmt"
	"strings"

	"gatewaytour/inspector/gateway"
)

// ExplainClose is the one explanation of a websocket close, for records,
// stream states and error messages alike. dir says who closed: a client
// that closes with any code but 1000 or 1001 keeps its session for a
// Resume, whatever the code means when the gateway sends it, so its 4000 is
// not "something went wrong on the gateway's side".
func ExplainClose(code gateway.CloseCode, reason string, dir gateway.Direction) *Close {
	info := gateway.LookupClose(code)
	c := &Close{Code: code, Name: info.Name, Reason: reason, Meaning: info.Meaning,
		CanResume: info.CanResume, Reconnect: info.Reconnect, Fix: info.Fix}
	if dir == gateway.Send && code != gateway.CloseNormal && code != gateway.CloseGoingAway {
		c.Meaning = fmt.Sprintf("The client closed with %d to keep its session: a client closes with a code other than 1000 or 1001 when it means to resume, so the session outlives the connection.", code)
		c.CanResume, c.Reconnect, c.Fix = true, true, ""
	}
	return c
}

// Sentence says what the close means and, when reconnecting cannot help,
// what to fix.
func (c *Close) Sentence() string {
	if c == nil {
		return "The connection closed."
	}
	s := fmt.Sprintf("Closed with %d", c.Code)
	switch {
	case c.Name != "" && c.Reason != "":
		s += fmt.Sprintf(" (%s, reason %q)", c.Name, c.Reason)
	case c.Name != "":
		s += " (" + c.Name + ")"
	case c.Reason != "":
		s += fmt.Sprintf(" (reason %q)", c.Reason)
	}
	s += "."
	if c.Meaning != "" {
		s += " " + strings.TrimSpace(c.Meaning)
	}
	if !c.Reconnect && c.Fix != "" {
		s += " Fix: " + strings.TrimSpace(c.Fix)
	}
	return s
}

// notes are the record's sentences about the close: who closed, what it
// means, what follows.
func (c *Close) notes(dir gateway.Direction) []string {
	who := "server"
	if dir == gateway.Send {
		who = "client"
	}
	after := "Do not reconnect until the cause is fixed."
	switch {
	case c.CanResume:
		after = "The session survives: reconnect and send Resume."
	case c.Reconnect:
		after = "The session is over: reconnect and Identify again."
	}
	notes := []string{fmt.Sprintf("The %s closed the connection with %d (%s).", who, c.Code, c.Name), c.Meaning, after}
	if c.Fix != "" {
		notes = append(notes, "Fix: "+c.Fix)
	}
	return notes
}

// summary is the close's line in a list.
func (c *Close) summary() string {
	s := fmt.Sprintf("%d %s", c.Code, c.Name)
	if c.Reason != "" {
		s += ": " + c.Reason
	}
	return s
}
