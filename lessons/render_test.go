package lessons

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"gatewaytour/inspector/gateway"

	"github.com/alecthomas/chroma/v2"
)

// renderOne loads the fixture plus one extra lesson with body and returns it.
func renderOne(t *testing.T, body string) *Lesson {
	t.Helper()
	fsys := fixtureFS()
	fsys["09-extra.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Extra\norder: 90\n---\n\n" + body)}
	l, ok := loadFixture(t, fsys).Lesson("extra")
	if !ok {
		t.Fatal("extra lesson missing")
	}
	return l
}

func TestRawHTMLIsNotRendered(t *testing.T) {
	l := renderOne(t, "Before.\n\n<script>alert(1)</script>\n\nInline <img src=x onerror=alert(2)> and <b onclick=\"x()\">bold</b>.\n\n"+
		"[click](javascript:alert(3))\n")
	for _, e := range elements(t, l.HTML) {
		switch e.Tag {
		case "script", "img", "b":
			t.Errorf("raw HTML came out as a <%s> element: %s", e.Tag, l.HTML)
		}
		for k, v := range e.Attrs {
			if strings.HasPrefix(k, "on") || strings.Contains(strings.ToLower(v), "javascript:") {
				t.Errorf("dangerous attribute %s=%q in %s", k, v, l.HTML)
			}
		}
	}
	if !strings.Contains(l.Text, "Before.") {
		t.Errorf("text around raw HTML was lost: %q", l.Text)
	}
}

func TestNoInlineStyles(t *testing.T) {
	// The page's Content-Security-Policy blocks style attributes.
	l := renderOne(t, "| left | right |\n|:-----|------:|\n| a | b |\n\n```go\npackage main\n```\n\n- [x] done\n- [ ] todo\n\n~~gone~~\n")
	es := elements(t, l.HTML)
	for _, e := range es {
		if _, ok := e.Attrs["style"]; ok {
			t.Errorf("<%s style=%q> in %s", e.Tag, e.Attrs["style"], l.HTML)
		}
	}
	if len(elementsWith(es, "td", "align")) != 2 || len(elementsWith(es, "del", "")) != 1 || len(elementsWith(es, "input", "checked")) != 1 {
		t.Errorf("GFM table alignment, strikethrough or task list missing: %s", l.HTML)
	}
}

func TestCodeIsHighlightedWithClasses(t *testing.T) {
	tokenClasses := map[string]bool{}
	for _, class := range chroma.StandardTypes {
		if class != "" {
			tokenClasses[class] = true
		}
	}
	samples := map[string]string{
		"go":     "package main\n\nfunc main() { fmt.Println(\"hi\", 42) }\n",
		"python": "import discord\n\nasync def on_ready():\n    print(\"ready\", 1)\n",
		"json":   "{\"op\": 10, \"d\": {\"heartbeat_interval\": 41250}, \"s\": null}\n",
	}
	for lang, code := range samples {
		t.Run(lang, func(t *testing.T) {
			l := renderOne(t, "```"+lang+"\n"+code+"```\n")
			es := elements(t, l.HTML)
			pres := elementsWith(es, "pre", "class")
			codes := elementsWith(es, "code", "class")
			if len(pres) != 1 || pres[0].Attrs["class"] != "chroma" || len(codes) != 1 || codes[0].Attrs["class"] != "language-"+lang {
				t.Fatalf("want <pre class=chroma><code class=language-%s>, got %s", lang, l.HTML)
			}
			tokens := 0
			for _, span := range elementsWith(es, "span", "class") {
				for _, class := range strings.Fields(span.Attrs["class"]) {
					if tokenClasses[class] && class != "line" && class != "cl" {
						tokens++
					}
				}
			}
			if tokens < 3 {
				t.Errorf("only %d chroma token classes in %s", tokens, l.HTML)
			}
			if !strings.Contains(l.Text, strings.Fields(code)[1]) {
				t.Errorf("code text missing from the search text %q", l.Text)
			}
		})
	}
}

func TestUnknownLanguageStillEscapes(t *testing.T) {
	l := renderOne(t, "```nosuchlang\n<b>hi</b> & bye\n```\n")
	if len(elementsWith(elements(t, l.HTML), "b", "")) != 0 || !strings.Contains(l.HTML, "&lt;b&gt;") {
		t.Errorf("code in an unknown language was not escaped: %s", l.HTML)
	}
}

// tableRows returns the cell texts of the protocol table with the given class.
func tableRows(t *testing.T, fragment, class string) [][]string {
	t.Helper()
	es := elements(t, fragment)
	found := false
	var rows [][]string
	for _, e := range es {
		switch e.Tag {
		case "table":
			found = found || e.Attrs["class"] == "protocol "+class
		case "tr":
			rows = append(rows, nil)
		case "td":
			rows[len(rows)-1] = append(rows[len(rows)-1], e.Text)
		}
	}
	if !found {
		t.Fatalf("no <table class=%q> in %s", "protocol "+class, fragment)
	}
	return rows[1:] // the header row has th cells only
}

func TestProtocolTablesFollowTheProtocolPackage(t *testing.T) {
	t.Run("opcodes", func(t *testing.T) {
		rows := tableRows(t, renderOne(t, "```protocol\nopcodes\n```\n").HTML, "protocol-opcodes")
		ops := gateway.Opcodes()
		if len(rows) != len(ops) {
			t.Fatalf("%d rows for %d opcodes", len(rows), len(ops))
		}
		for i, op := range ops {
			if rows[i][0] != strconv.Itoa(int(op.Op)) || rows[i][1] != op.Name || rows[i][3] != op.Meaning {
				t.Errorf("row %d = %q, want opcode %+v", i, rows[i], op)
			}
		}
	})
	t.Run("close-codes", func(t *testing.T) {
		rows := tableRows(t, renderOne(t, "```protocol\nclose-codes\n```\n").HTML, "protocol-close-codes")
		codes := gateway.CloseCodes()
		if len(rows) != len(codes) {
			t.Fatalf("%d rows for %d close codes", len(rows), len(codes))
		}
		for i, c := range codes {
			reconnect := strings.HasPrefix(rows[i][3], "yes")
			resume := strings.Contains(rows[i][3], "resume")
			if rows[i][0] != strconv.Itoa(int(c.Code)) || rows[i][2] != c.Meaning || rows[i][4] != c.Fix ||
				reconnect != c.Reconnect || resume != (c.Reconnect && c.CanResume) {
				t.Errorf("row %d = %q, want close code %+v", i, rows[i], c)
			}
		}
	})
	t.Run("intents", func(t *testing.T) {
		rows := tableRows(t, renderOne(t, "```protocol\nintents\n```\n").HTML, "protocol-intents")
		intents := gateway.IntentList()
		if len(rows) != len(intents) {
			t.Fatalf("%d rows for %d intents", len(rows), len(intents))
		}
		for i, in := range intents {
			value, _ := strconv.ParseUint(rows[i][1], 10, 64)
			if rows[i][0] != strconv.Itoa(in.Bit()) || value != uint64(in.Intent) || rows[i][2] != in.Name ||
				(rows[i][3] == "yes") != in.Privileged || rows[i][4] != strings.Join(in.Events, ", ") {
				t.Errorf("row %d = %q, want intent %+v", i, rows[i], in)
			}
		}
	})
	t.Run("permissions", func(t *testing.T) {
		rows := tableRows(t, renderOne(t, "```protocol\npermissions\n```\n").HTML, "protocol-permissions")
		var sum uint64
		for i, row := range rows {
			value, err := strconv.ParseUint(row[1], 10, 64)
			shift, _ := strconv.Atoi(strings.TrimPrefix(row[0], "1 << "))
			if err != nil || value != 1<<shift || row[2] != gateway.Permissions(value).String() || sum&value != 0 {
				t.Errorf("row %d = %q: not one named bit, shown once", i, row)
			}
			sum |= value
		}
		if gateway.Permissions(sum) != gateway.AllPermissions {
			t.Errorf("the rows add up to %d, but the gateway names %d", sum, uint64(gateway.AllPermissions))
		}
		if !strings.Contains(fmt.Sprint(rows), "1 << 51 2251799813685248 PIN_MESSAGES") {
			t.Errorf("PIN_MESSAGES, split from MANAGE_MESSAGES, is not bit 51: %q", rows)
		}
	})
	t.Run("events", func(t *testing.T) {
		rows := tableRows(t, renderOne(t, "```protocol\nevents\n```\n").HTML, "protocol-events")
		events := gateway.Events()
		if len(rows) != len(events) {
			t.Fatalf("%d rows for %d events", len(rows), len(events))
		}
		for i, ev := range events {
			if rows[i][0] != ev.Name || rows[i][1] != ev.Meaning {
				t.Errorf("row %d = %q, want event %s", i, rows[i], ev.Name)
			}
			for _, name := range ev.GuildIntents.Names() {
				if !strings.Contains(rows[i][2], name) {
					t.Errorf("event %s: guild intents cell %q lacks %s", ev.Name, rows[i][2], name)
				}
			}
			switch {
			case ev.GuildOnly && rows[i][3] != guildOnly:
				t.Errorf("event %s happens only in guilds, but its DM cell says %q", ev.Name, rows[i][3])
			case !ev.GuildOnly && ev.DMIntents == 0 && rows[i][3] != noIntentNeeded:
				t.Errorf("event %s needs no intent in a DM, but its DM cell says %q", ev.Name, rows[i][3])
			}
			for _, term := range ev.Terms {
				if !strings.Contains(rows[i][4], term.Path+" ("+string(term.Kind)+")") {
					t.Errorf("event %s: objects cell %q lacks %s", ev.Name, rows[i][4], term.Path)
				}
			}
		}
	})
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	light, dark, found := strings.Cut(css, darkScope)
	if !found {
		t.Fatalf("no %s rules in %s", darkScope, css)
	}
	dark = darkScope + dark
	for _, part := range []string{light, dark} {
		if !strings.Contains(part, ".chroma {") || !strings.Contains(part, ".chroma .k {") {
			t.Errorf("stylesheet part lacks the .chroma and keyword rules:\n%s", part)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(dark), "\n") {
		if !strings.HasPrefix(line, darkScope+" .") {
			t.Errorf("dark rule %q is not scoped under %s", line, darkScope)
		}
	}
	if strings.Contains(css, ".bg ") {
		t.Error("the generic .bg class would style the page's own markup")
	}
	if strings.Contains(light, "[data-theme") {
		t.Error("light rules are scoped to a theme")
	}
	keyword := func(part string) string {
		_, rule, _ := strings.Cut(part, ".chroma .k {")
		rule, _, _ = strings.Cut(rule, "}")
		return rule
	}
	if keyword(light) == keyword(dark) {
		t.Errorf("light and dark keywords look the same: %q", keyword(light))
	}
	// Tokens the dark style leaves to its base colour (plain names,
	// punctuation) must not keep the light style's dark ink.
	base := darkScope + " .chroma * { color:"
	if i, k := strings.Index(dark, base), strings.Index(dark, darkScope+" .chroma .k {"); i < 0 || i > k {
		t.Errorf("the dark sheet needs a base colour for every token, before its own token rules:\n%s", dark)
	}
}
