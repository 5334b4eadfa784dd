package lessons

import (
	"bytes"
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Term is one glossary entry: the words a beginner meets before they know them.
type Term struct {
	ID         string // "guild"
	Word       string // "guild"
	Definition string // plain text, one or two sentences
}

const glossaryFile = "glossary.md"

var termIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// parseGlossary reads glossary.md: one "## id" heading per term, then a
// "word: ..." line, a blank line and a short definition paragraph. Anything
// before the first "## " (a title, an introduction) is ignored. The
// definition may use inline Markdown; it is reduced to plain text because it
// ends up in a title attribute and in a popover.
func parseGlossary(src []byte) ([]Term, error) {
	var terms []Term
	seen := map[string]int{}
	var current *Term
	var currentLine int
	var definition []string

	finish := func() error {
		if current == nil {
			return nil
		}
		if current.Word == "" {
			return errorAt(currentLine, "glossary: term %q has no \"word: ...\" line", current.ID)
		}
		current.Definition = plainMarkdown(strings.Join(definition, "\n"))
		if current.Definition == "" {
			return errorAt(currentLine, "glossary: term %q has no definition", current.ID)
		}
		terms = append(terms, *current)
		current, definition = nil, nil
		return nil
	}

	lines := strings.Split(string(bytes.TrimPrefix(src, []byte("\uFEFF"))), "\n")
	for i, raw := range lines {
		lineNo := i + 1
		line := strings.TrimRight(raw, "\r")
		if id, ok := strings.CutPrefix(line, "## "); ok {
			if err := finish(); err != nil {
				return nil, err
			}
			id = strings.TrimSpace(id)
			if !termIDPattern.MatchString(id) {
				return nil, errorAt(lineNo, "glossary: %q is not a term id (lowercase words joined by -)", id)
			}
			if prev, dup := seen[id]; dup {
				return nil, errorAt(lineNo, "glossary: term %q is already defined on line %d", id, prev)
			}
			seen[id] = lineNo
			current, currentLine = &Term{ID: id}, lineNo
			continue
		}
		if current == nil {
			continue
		}
		if current.Word == "" && len(definition) == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			word, ok := strings.CutPrefix(line, "word:")
			if !ok || strings.TrimSpace(word) == "" {
				return nil, errorAt(lineNo, "glossary: term %q must start with a \"word: ...\" line", current.ID)
			}
			current.Word = strings.TrimSpace(word)
			continue
		}
		definition = append(definition, line)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i].ID < terms[j].ID })
	return terms, nil
}

// plainMarkdown renders a small Markdown snippet down to its words.
func plainMarkdown(src string) string {
	source := []byte(src)
	doc := goldmark.DefaultParser().Parse(text.NewReader(source))
	var b strings.Builder
	writePlainText(&b, doc, source)
	return strings.Join(strings.Fields(b.String()), " ")
}

// writePlainText appends the readable text under n, with a space between
// blocks and lines so words never run together.
func writePlainText(b *strings.Builder, n ast.Node, source []byte) {
	_ = ast.Walk(n, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if node.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch node := node.(type) {
		case *ast.Text:
			b.Write(node.Segment.Value(source))
			if node.SoftLineBreak() || node.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(node.Value)
		case *ast.AutoLink:
			b.Write(node.Label(source))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := node.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(source))
			}
		case *protocolTable:
			b.WriteString(node.table.plainText())
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}
