package lessons

import (
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"gatewaytour/inspector/experiment"
)

// A lesson places an experiment where its text discusses the event, with a
// fenced block whose info string is "experiment" and whose first line names
// it:
//
//	```experiment
//	zombie
//	```
//
// A second line "portal" adds the three privileged-intent switches of the
// sandbox app, live. The block renders as a button and one line saying what
// will happen; static/experiments.js runs it and explains the frames it
// caused. An unknown name is a load error.
const experimentInfo = "experiment"

// experimentBlock is the AST node that replaces an ```experiment block.
type experimentBlock struct {
	ast.BaseBlock
	spec   experiment.Spec
	portal bool
}

var kindExperiment = ast.NewNodeKind("Experiment")

func (n *experimentBlock) Kind() ast.NodeKind { return kindExperiment }

func (n *experimentBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.spec.Name}, nil)
}

// parseExperimentBlock reads the block's lines: a name, then options.
func parseExperimentBlock(text string) (*experimentBlock, error) {
	lines := strings.Fields(text)
	if len(lines) == 0 {
		return nil, fmt.Errorf("an experiment block names no experiment (want one of %s)", strings.Join(experiment.Names(), ", "))
	}
	spec, ok := experiment.Lookup(lines[0])
	if !ok {
		return nil, fmt.Errorf("experiment %q is unknown (want one of %s)", lines[0], strings.Join(experiment.Names(), ", "))
	}
	n := &experimentBlock{spec: spec}
	for _, opt := range lines[1:] {
		if opt != "portal" {
			return nil, fmt.Errorf("experiment %s: unknown option %q (the only one is portal)", spec.Name, opt)
		}
		n.portal = true
	}
	return n, nil
}

func (n *experimentBlock) html() string {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString(`<div class="experiment" data-experiment="` + esc(n.spec.Name) + `"`)
	if n.spec.BotsToo {
		b.WriteString(` data-bots="true"`)
	}
	b.WriteString(">\n")
	b.WriteString(`<p class="experiment-head"><button type="button" class="button experiment-run">Try it: ` + esc(n.spec.Title) + "</button> ")
	b.WriteString(`<span class="experiment-promise">` + esc(n.spec.Promise) + "</span></p>\n")
	if n.portal {
		b.WriteString(`<fieldset class="experiment-portal"><legend>The sandbox app's privileged intents, as the Developer Portal's switches</legend>` + "\n")
		for _, sw := range []struct{ key, label string }{
			{"guild_members", "Server Members Intent (GUILD_MEMBERS)"},
			{"guild_presences", "Presence Intent (GUILD_PRESENCES)"},
			{"message_content", "Message Content Intent (MESSAGE_CONTENT)"},
		} {
			b.WriteString(`<label><input type="checkbox" data-portal="` + sw.key + `" checked disabled> ` + esc(sw.label) + "</label>\n")
		}
		b.WriteString("</fieldset>\n")
	}
	b.WriteString(`<p class="experiment-target">Acts on: ` + esc(n.spec.ActsOn()) + ".</p>\n")
	b.WriteString(`<ol class="experiment-steps" aria-live="polite"></ol>` + "\n")
	b.WriteString(`<p class="experiment-status" role="status"></p>` + "\n</div>\n")
	return b.String()
}

// experimentRenderer writes experimentBlock nodes.
type experimentRenderer struct{}

func (experimentRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindExperiment, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString(node.(*experimentBlock).html())
		}
		return ast.WalkSkipChildren, nil
	})
}
