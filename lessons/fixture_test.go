package lessons

import (
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const fixtureGlossary = `# Glossary

Words the course uses.

## guild
word: guild

What the API calls a *server*: channels,
roles and members under one id.

## member
word: member

A user inside one guild, with a nickname & roles.

## quote
word: "quote"

A definition with "quotes" and <angle> brackets.
`

const fixtureFirst = `---
title: First steps
order: 10
summary: Where it starts.
---

Hello, [guilds](glossary:guild) and [**members**](glossary:member).

## The envelope

See [the second lesson](/lessons/second) and [its table](/lessons/second#close-codes).
Jump [down](#watch-for-it-in-the-panel).

` + "```go\nfunc main() { fmt.Println(\"hi\") }\n```" + `

## Watch for it in the panel

The Hello frame.
`

const fixtureSecond = `---
title: Second
order: 20
---

## Close codes

` + "```protocol\nclose-codes\n```" + `

### Also the opcodes

` + "```protocol\nopcodes\n```" + `

## Watch for it in the panel

Back to [the start](/lessons/first#the-envelope).
`

// fixtureFS is a small, valid course; tests copy it and break one thing.
func fixtureFS() fstest.MapFS {
	return fstest.MapFS{
		"glossary.md":  {Data: []byte(fixtureGlossary)},
		"01-first.md":  {Data: []byte(fixtureFirst)},
		"02-second.md": {Data: []byte(fixtureSecond)},
	}
}

func loadFixture(t testing.TB, fsys fstest.MapFS) *Course {
	t.Helper()
	c, err := LoadFS(fsys)
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	return c
}

// element is one start tag of rendered HTML.
type element struct {
	Tag   string
	Attrs map[string]string
	Text  string // text up to the matching end tag, for simple elements
}

// elements parses rendered HTML the way a browser would and lists its
// elements, so assertions never depend on attribute order or spacing.
func elements(t testing.TB, fragment string) []element {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(fragment), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatalf("parse rendered HTML: %v", err)
	}
	var out []element
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			e := element{Tag: n.Data, Attrs: map[string]string{}, Text: nodeText(n)}
			for _, a := range n.Attr {
				e.Attrs[a.Key] = a.Val
			}
			out = append(out, e)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	for _, n := range nodes {
		visit(n)
	}
	return out
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}

func elementsWith(es []element, tag, attr string) []element {
	var out []element
	for _, e := range es {
		if e.Tag == tag {
			if _, ok := e.Attrs[attr]; ok || attr == "" {
				out = append(out, e)
			}
		}
	}
	return out
}
