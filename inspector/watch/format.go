package watch

import (
	"fmt"
	"strings"

	"github.com/tidwall/pretty"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
)

// ANSI styles.
const (
	reset   = "\x1b[0m"
	bold    = "\x1b[1m"
	dim     = "\x1b[2m"
	red     = "\x1b[31m"
	green   = "\x1b[32m"
	yellow  = "\x1b[33m"
	blue    = "\x1b[34m"
	magenta = "\x1b[35m"
	cyan    = "\x1b[36m"
)

func paint(on bool, style, s string) string {
	if !on || s == "" {
		return s
	}
	return style + s + reset
}

// Line is a record's one-line form:
//
//	#12 21:40:00.123 ↓ Dispatch MESSAGE_CREATE s=5  1.3 kB  alice: hello
func Line(r inspector.Record, color bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s ", paint(color, dim, fmt.Sprintf("#%d", r.Index)), r.Time.Local().Format("15:04:05.000"))
	if r.Dir == gateway.Send {
		b.WriteString(paint(color, yellow, "↑"))
	} else {
		b.WriteString(paint(color, cyan, "↓"))
	}
	b.WriteString(" " + paint(color, bold, r.OpName))
	if r.T != nil {
		b.WriteString(" " + paint(color, magenta, *r.T))
	}
	if r.S != nil {
		fmt.Fprintf(&b, " s=%d", *r.S)
	}
	b.WriteString("  " + paint(color, dim, sizeText(r)))
	if r.Summary != "" {
		style := green
		if r.Close != nil || (r.Heartbeat != nil && (r.Heartbeat.Late || r.Heartbeat.MissedAcks > 0)) {
			style = red
		}
		b.WriteString("  " + paint(color, style, r.Summary))
	}
	if r.Heartbeat != nil && r.Heartbeat.Late {
		b.WriteString(" " + paint(color, red, "LATE"))
	}
	if r.Heartbeat != nil && r.Heartbeat.MissedAcks > 0 {
		b.WriteString(" " + paint(color, red, fmt.Sprintf("(%d beat(s) unacknowledged)", r.Heartbeat.MissedAcks)))
	}
	if r.Close != nil && (r.Dir == gateway.Recv || r.Close.Reason == "") {
		b.WriteString(" — " + r.Close.Meaning)
	}
	if r.Error != "" {
		b.WriteString("  " + paint(color, red, "error: "+r.Error))
	}
	return b.String()
}

func sizeText(r inspector.Record) string {
	if r.Close != nil {
		return ""
	}
	s := bytesText(r.Size)
	if r.DecodedSize > 0 && r.DecodedSize != r.Size {
		s += " (" + bytesText(r.DecodedSize) + " decoded)"
	}
	return s
}

func bytesText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Detail is what -v adds under the line: notes, terms and the payload,
// pretty-printed.
func Detail(r inspector.Record, color bool) string {
	var b strings.Builder
	for _, n := range r.Notes {
		b.WriteString("    " + paint(color, dim, "· "+n) + "\n")
	}
	if r.Close != nil && r.Close.Reason != "" {
		b.WriteString("    " + paint(color, dim, "· reason: "+r.Close.Reason) + "\n")
	}
	const maxTerms = 12
	for i, t := range r.Terms {
		if i == maxTerms {
			fmt.Fprintf(&b, "    %s\n", paint(color, dim, fmt.Sprintf("◆ … %d more", len(r.Terms)-maxTerms)))
			break
		}
		fmt.Fprintf(&b, "    %s %s %s\n", paint(color, blue, "◆ "+t.Path), paint(color, bold, string(t.Kind)), paint(color, dim, t.Note))
	}
	if inspector.NestedDeeperThan(r.Payload, inspector.MaxDepth) {
		// The pretty printer recurses; such a payload is shown as it is.
		fmt.Fprintf(&b, "    %s\n    %s\n", paint(color, dim, fmt.Sprintf("· nested deeper than %d levels: not pretty-printed", inspector.MaxDepth)), r.Payload)
	} else if len(r.Payload) > 0 {
		p := pretty.Pretty(r.Payload)
		if color {
			p = pretty.Color(p, nil)
		}
		for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}
