package lessons

import (
	"html"
	"strconv"
	"strings"

	"gatewaytour/inspector/gateway"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// A lesson asks for a protocol table with a fenced block whose info string is
// "protocol" and whose only word names the table. The rows come from
// inspector/gateway, so the course and the code can never disagree.
const protocolInfo = "protocol"

// column is one column of a protocol table; code columns show each item as
// <code>, the way identifiers appear in the lesson prose.
type column struct {
	Header string
	Code   bool
}

// dataTable is a protocol table before it becomes HTML. Each cell holds one
// or more items (an event list, a list of object paths).
type dataTable struct {
	Name    string
	Columns []column
	Rows    [][][]string
}

var protocolTables = map[string]func() dataTable{
	"opcodes":     opcodeTable,
	"close-codes": closeCodeTable,
	"intents":     intentTable,
	"events":      eventTable,
	"permissions": permissionTable,
}

func protocolTableNames() []string {
	return []string{"opcodes", "close-codes", "intents", "events", "permissions"}
}

func one(s string) []string { return []string{s} }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func directionText(d gateway.Direction) string {
	switch d {
	case gateway.Send:
		return "bot → Discord"
	case gateway.Recv:
		return "Discord → bot"
	case gateway.Both:
		return "both ways"
	}
	return string(d)
}

func opcodeTable() dataTable {
	t := dataTable{Name: "opcodes", Columns: []column{{"op", true}, {"name", false}, {"direction", false}, {"meaning", false}}}
	for _, op := range gateway.Opcodes() {
		t.Rows = append(t.Rows, [][]string{one(strconv.Itoa(int(op.Op))), one(op.Name), one(directionText(op.Dir)), one(op.Meaning)})
	}
	return t
}

// permissionTable lists every permission bit inspector/gateway names, in
// bit order, with the shift and the decimal value a bitfield adds up.
func permissionTable() dataTable {
	t := dataTable{Name: "permissions", Columns: []column{{"bit", true}, {"value", true}, {"name", true}}}
	for shift := 0; shift < 64; shift++ {
		bit := gateway.Permissions(1) << shift
		if name := bit.String(); bit&gateway.AllPermissions != 0 {
			t.Rows = append(t.Rows, [][]string{one("1 << " + strconv.Itoa(shift)), one(bit.Wire()), one(name)})
		}
	}
	return t
}

func reconnectText(c gateway.CloseInfo) string {
	switch {
	case !c.Reconnect:
		return "no"
	case c.CanResume:
		return "yes, resume"
	default:
		return "yes, new session"
	}
}

func closeCodeTable() dataTable {
	t := dataTable{Name: "close-codes", Columns: []column{{"code", true}, {"name", false}, {"meaning", false}, {"reconnect?", false}, {"what to fix", false}}}
	for _, c := range gateway.CloseCodes() {
		t.Rows = append(t.Rows, [][]string{one(strconv.Itoa(int(c.Code))), one(c.Name), one(c.Meaning), one(reconnectText(c)), one(c.Fix)})
	}
	return t
}

func intentTable() dataTable {
	t := dataTable{Name: "intents", Columns: []column{{"bit", true}, {"value", true}, {"name", true}, {"privileged", false}, {"events", true}}}
	for _, in := range gateway.IntentList() {
		t.Rows = append(t.Rows, [][]string{
			one(strconv.Itoa(in.Bit())),
			one(strconv.FormatUint(uint64(in.Intent), 10)),
			one(in.Name),
			one(yesNo(in.Privileged)),
			in.Events,
		})
	}
	return t
}

// The words an intent cell holds when it names no intent. They are prose, so
// html writes them without <code> even in a column of intent names.
const (
	noIntentNeeded = "none needed"
	guildOnly      = "does not apply: guild-only event"
)

var proseItems = map[string]bool{noIntentNeeded: true, guildOnly: true}

func gatingText(in gateway.Intents) []string {
	if in == 0 {
		return one(noIntentNeeded)
	}
	return in.Names()
}

// dmGatingText is the DM column: an event that only happens in a guild has
// no DM intent to name, which is not the same as needing none.
func dmGatingText(ev gateway.EventInfo) []string {
	if ev.GuildOnly {
		return one(guildOnly)
	}
	return gatingText(ev.DMIntents)
}

func eventTable() dataTable {
	t := dataTable{Name: "events", Columns: []column{{"event", true}, {"meaning", false}, {"intent in a guild", true}, {"intent in a DM", true}, {"guild / user / member objects", true}}}
	for _, ev := range gateway.Events() {
		var objects []string
		for _, term := range ev.Terms {
			objects = append(objects, term.Path+" ("+string(term.Kind)+")")
		}
		t.Rows = append(t.Rows, [][]string{one(ev.Name), one(ev.Meaning), gatingText(ev.GuildIntents), dmGatingText(ev), objects})
	}
	return t
}

// html renders the table; every piece of text goes through html.EscapeString.
func (t dataTable) html() string {
	var b strings.Builder
	b.WriteString(`<table class="protocol protocol-` + html.EscapeString(t.Name) + `">` + "\n<thead>\n<tr>")
	for _, c := range t.Columns {
		b.WriteString(`<th scope="col">` + html.EscapeString(c.Header) + `</th>`)
	}
	b.WriteString("</tr>\n</thead>\n<tbody>\n")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for i, cell := range row {
			b.WriteString("<td>")
			for j, item := range cell {
				if j > 0 {
					b.WriteString(", ")
				}
				if t.Columns[i].Code && !proseItems[item] {
					b.WriteString("<code>" + html.EscapeString(item) + "</code>")
				} else {
					b.WriteString(html.EscapeString(item))
				}
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// plainText is the table's words, so a search for "4014" finds the lesson
// that shows the close codes.
func (t dataTable) plainText() string {
	var parts []string
	for _, row := range t.Rows {
		for _, cell := range row {
			parts = append(parts, cell...)
		}
	}
	return strings.Join(parts, " ")
}

// protocolTable is the AST node that replaces a ```protocol block.
type protocolTable struct {
	ast.BaseBlock
	table dataTable
}

var kindProtocolTable = ast.NewNodeKind("ProtocolTable")

func (n *protocolTable) Kind() ast.NodeKind { return kindProtocolTable }

func (n *protocolTable) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.table.Name}, nil)
}

// protocolTableRenderer writes protocolTable nodes.
type protocolTableRenderer struct{}

func (protocolTableRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindProtocolTable, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(node.(*protocolTable).table.html())
		}
		return ast.WalkSkipChildren, nil
	})
}
