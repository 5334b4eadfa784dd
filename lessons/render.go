package lessons

import (
	"bytes"
	"html"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown is the one Markdown configuration of the course. Raw HTML is
// left at goldmark's safe default (omitted), and nothing emits a style
// attribute: the page's Content-Security-Policy forbids inline styles, so
// code colours come from CSS classes and table alignment from align=.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithCodeBlockOptions(func(c highlighting.CodeBlockContext) []chromahtml.Option {
					lang, _ := c.Language()
					return []chromahtml.Option{chromahtml.WithPreWrapper(languagePreWrapper(lang))}
				}),
			),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(protocolTableRenderer{}, 100),
			util.Prioritized(termRenderer{}, 100),
			util.Prioritized(frameLinkRenderer{}, 100),
			util.Prioritized(experimentRenderer{}, 100),
		)),
	)
}

// languagePreWrapper makes highlighted blocks read
// <pre class="chroma"><code class="language-go">, like unhighlighted ones.
type languagePreWrapper string

func (l languagePreWrapper) Start(code bool, styleAttr string) string {
	if !code {
		return "<pre" + styleAttr + ">"
	}
	return "<pre" + styleAttr + `><code class="language-` + html.EscapeString(string(l)) + `">`
}

func (l languagePreWrapper) End(code bool) string {
	if !code {
		return "</pre>"
	}
	return "</code></pre>\n"
}

// rendered is a lesson body after Markdown.
type rendered struct {
	HTML     string
	Headings []Heading
	Text     string
}

// bodyRenderer renders lesson bodies against one glossary.
type bodyRenderer struct {
	md       goldmark.Markdown
	glossary map[string]Term
}

// render turns a lesson body into HTML. firstLine is the body's line number in
// its file so errors point at the file, not the body.
func (r *bodyRenderer) render(body []byte, firstLine int) (rendered, error) {
	doc := r.md.Parser().Parse(text.NewReader(body))
	lineOf := func(offset int) int {
		if offset < 0 {
			return firstLine
		}
		return firstLine + bytes.Count(body[:min(offset, len(body))], []byte("\n"))
	}
	if err := r.replaceSpecialNodes(doc, body, lineOf); err != nil {
		return rendered{}, err
	}
	var out rendered
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok || (h.Level != 2 && h.Level != 3) {
			return ast.WalkContinue, nil
		}
		var id string
		if v, ok := h.AttributeString("id"); ok {
			if b, ok := v.([]byte); ok {
				id = string(b)
			}
		}
		var b strings.Builder
		writePlainText(&b, h, body)
		out.Headings = append(out.Headings, Heading{Level: h.Level, ID: id, Text: strings.Join(strings.Fields(b.String()), " ")})
		return ast.WalkSkipChildren, nil
	})
	var htmlOut bytes.Buffer
	if err := r.md.Renderer().Render(&htmlOut, body, doc); err != nil {
		return rendered{}, err
	}
	out.HTML = htmlOut.String()
	var plain strings.Builder
	writePlainText(&plain, doc, body)
	out.Text = strings.Join(strings.Fields(plain.String()), " ")
	return out, nil
}

// replaceSpecialNodes swaps ```protocol blocks for protocol tables and
// glossary links for terms and frame links for panel links, failing on
// unknown tables, terms or frame filters.
func (r *bodyRenderer) replaceSpecialNodes(doc ast.Node, body []byte, lineOf func(int) int) error {
	type swap struct{ old, new ast.Node }
	var swaps []swap
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock:
			if string(n.Language(body)) == experimentInfo { // experiment.go
				block, err := parseExperimentBlock(string(n.Lines().Value(body)))
				if err != nil {
					return ast.WalkStop, errorAt(lineOf(n.Info.Segment.Start), "%v", err)
				}
				swaps = append(swaps, swap{n, block})
				return ast.WalkContinue, nil
			}
			if string(n.Language(body)) != protocolInfo {
				return ast.WalkContinue, nil
			}
			name := strings.TrimSpace(string(n.Lines().Value(body)))
			build, ok := protocolTables[name]
			if !ok {
				return ast.WalkStop, errorAt(lineOf(n.Info.Segment.Start), "protocol table %q is unknown (want one of %s)",
					name, strings.Join(protocolTableNames(), ", "))
			}
			swaps = append(swaps, swap{n, &protocolTable{table: build()}})
		case *ast.Link:
			if spec, ok := strings.CutPrefix(string(n.Destination), frameScheme); ok {
				filter, err := parseFrameFilter(spec)
				if err != nil {
					return ast.WalkStop, errorAt(lineOf(nodeOffset(n)), "%v", err)
				}
				swaps = append(swaps, swap{n, &frameLinkNode{filter: filter}})
				return ast.WalkContinue, nil
			}
			id, ok := strings.CutPrefix(string(n.Destination), glossaryScheme)
			if !ok {
				return ast.WalkContinue, nil
			}
			term, known := r.glossary[id]
			if !known {
				return ast.WalkStop, errorAt(lineOf(nodeOffset(n)), "glossary term %q is not in %s", id, glossaryFile)
			}
			swaps = append(swaps, swap{n, &termNode{term: term}})
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return err
	}
	for _, s := range swaps {
		// A term keeps the link's text (and any emphasis inside it).
		for c := s.old.FirstChild(); c != nil; {
			next := c.NextSibling()
			s.new.AppendChild(s.new, c)
			c = next
		}
		s.old.Parent().ReplaceChild(s.old.Parent(), s.old, s.new)
	}
	return nil
}

// nodeOffset is a byte offset in the source where n's text starts, or -1.
// Inline nodes carry no position of their own, so it uses the first text
// inside n, or else the first line of the enclosing block.
func nodeOffset(n ast.Node) int {
	offset := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			offset = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	for p := n; offset < 0 && p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			offset = p.Lines().At(0).Start
		}
	}
	return offset
}
