package lessons

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"gatewaytour/inspector/gateway"
)

// A frame link points the reader at frames in the live panel:
// [the Hello frame](frame:op=10), [a MESSAGE_CREATE](frame:t=MESSAGE_CREATE),
// or both keys joined by "&". It renders as a link to the panel carrying the
// filter in data attributes; the panel script selects the matching frames.
// Without the script the link simply jumps to the panel.
const frameScheme = "frame:"

// frameFilter is what a frame link selects.
type frameFilter struct {
	Op *gateway.Opcode
	T  string
}

// parseFrameFilter reads the part after "frame:". Opcodes and event names
// must be ones the protocol package knows, so a typo is a load error rather
// than a link that never matches.
func parseFrameFilter(spec string) (frameFilter, error) {
	var f frameFilter
	if spec == "" {
		return f, fmt.Errorf("frame link %q names no frame (want op=N or t=EVENT)", frameScheme)
	}
	for _, pair := range strings.Split(spec, "&") {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || value == "" {
			return f, fmt.Errorf("frame link %q: %q is not key=value", frameScheme+spec, pair)
		}
		switch key {
		case "op":
			n, err := strconv.Atoi(value)
			if err != nil {
				return f, fmt.Errorf("frame link %q: op %q is not a number", frameScheme+spec, value)
			}
			op := gateway.Opcode(n)
			if _, known := gateway.LookupOpcode(op); !known {
				return f, fmt.Errorf("frame link %q: op %d is not a gateway opcode", frameScheme+spec, n)
			}
			f.Op = &op
		case "t":
			if _, known := gateway.LookupEvent(value); !known {
				return f, fmt.Errorf("frame link %q: %q is not a dispatch event", frameScheme+spec, value)
			}
			f.T = value
		default:
			return f, fmt.Errorf("frame link %q: unknown key %q (want op or t)", frameScheme+spec, key)
		}
	}
	return f, nil
}

// frameLinkNode replaces a frame link; its children are the link's text.
type frameLinkNode struct {
	ast.BaseInline
	filter frameFilter
}

var kindFrameLink = ast.NewNodeKind("FrameLink")

func (n *frameLinkNode) Kind() ast.NodeKind { return kindFrameLink }

func (n *frameLinkNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"T": n.filter.T}, nil)
}

type frameLinkRenderer struct{}

func (frameLinkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFrameLink, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			_, _ = w.WriteString("</a>")
			return ast.WalkContinue, nil
		}
		f := node.(*frameLinkNode).filter
		_, _ = w.WriteString(`<a class="frame-link" href="#panel"`)
		if f.Op != nil {
			_, _ = w.WriteString(` data-frame-op="` + strconv.Itoa(int(*f.Op)) + `"`)
		}
		if f.T != "" {
			_, _ = w.WriteString(` data-frame-t="` + html.EscapeString(f.T) + `"`)
		}
		_, _ = w.WriteString(">")
		return ast.WalkContinue, nil
	})
}
