package lessons

import (
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// A glossary link is an ordinary Markdown link with the glossary: scheme,
// [members](glossary:member). It becomes a focusable span carrying the term
// id and its definition; the browser script turns it into a popover.
const glossaryScheme = "glossary:"

// termNode replaces a glossary link; its children are the link's text.
type termNode struct {
	ast.BaseInline
	term Term
}

var kindTerm = ast.NewNodeKind("GlossaryTerm")

func (n *termNode) Kind() ast.NodeKind { return kindTerm }

func (n *termNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": n.term.ID}, nil)
}

type termRenderer struct{}

func (termRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindTerm, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			_, _ = w.WriteString("</span>")
			return ast.WalkContinue, nil
		}
		term := node.(*termNode).term
		_, _ = w.WriteString(`<span class="term" tabindex="0" data-term="` + html.EscapeString(term.ID) +
			`" title="` + html.EscapeString(term.Definition) + `">`)
		return ast.WalkContinue, nil
	})
}
