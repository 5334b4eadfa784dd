package lessons

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// linkProblems lists every internal link in the course that points at a
// lesson or heading id that does not exist, and every term that is not in
// the glossary or renders without its definition.
func linkProblems(t testing.TB, c *Course) []string {
	t.Helper()
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ids := map[string]map[string]bool{}
	for _, l := range c.Lessons {
		ids[l.Slug] = map[string]bool{}
		for _, e := range elements(t, l.HTML) {
			if id := e.Attrs["id"]; id != "" {
				ids[l.Slug][id] = true
			}
		}
	}
	for _, l := range c.Lessons {
		es := elements(t, l.HTML)
		for _, a := range elementsWith(es, "a", "href") {
			href := a.Attrs["href"]
			if a.Attrs["class"] == "frame-link" {
				continue // points at the live panel beside the lesson, not at a heading
			}
			var slug, frag string
			switch {
			case strings.HasPrefix(href, "#"):
				slug, frag = l.Slug, href[1:]
			case strings.HasPrefix(href, "/lessons/"):
				slug, frag, _ = strings.Cut(strings.TrimPrefix(href, "/lessons/"), "#")
			case strings.HasPrefix(href, "/"):
				report("lesson %s: link %q goes to a page that is not a lesson", l.Slug, href)
				continue
			default:
				continue // external
			}
			headingIDs, ok := ids[slug]
			if !ok {
				report("lesson %s: link %q: no lesson %q", l.Slug, href, slug)
				continue
			}
			if frag != "" && !headingIDs[frag] {
				report("lesson %s: link %q: lesson %q has no id %q", l.Slug, href, slug, frag)
			}
		}
		for _, span := range elementsWith(es, "span", "data-term") {
			term, ok := c.Term(span.Attrs["data-term"])
			if !ok {
				report("lesson %s: term %q is not in the glossary", l.Slug, span.Attrs["data-term"])
				continue
			}
			if span.Attrs["title"] != term.Definition || span.Attrs["tabindex"] != "0" || span.Attrs["class"] != "term" {
				report("lesson %s: term %q renders as %v, want class=term tabindex=0 and the definition as title", l.Slug, term.ID, span.Attrs)
			}
		}
	}
	return problems
}

func TestFixtureLinksResolve(t *testing.T) {
	c := loadFixture(t, fixtureFS())
	for _, p := range linkProblems(t, c) {
		t.Error(p)
	}
	if n := len(elementsWith(elements(t, c.Lessons[0].HTML), "a", "href")); n < 3 {
		t.Fatalf("fixture has %d links, want at least 3 to check", n)
	}
}

func TestBrokenLinksAreCaught(t *testing.T) {
	// linkProblems must be able to fail: a course with a dangling link.
	fsys := fixtureFS()
	fsys["03-third.md"] = &fstest.MapFile{Data: []byte(strings.Replace(strings.Replace(fixtureFirst, "order: 10", "order: 30", 1),
		"/lessons/second#close-codes", "/lessons/second#no-such-heading", 1))}
	c := loadFixture(t, fsys)
	problems := linkProblems(t, c)
	if len(problems) != 1 || !strings.Contains(problems[0], "no-such-heading") {
		t.Fatalf("problems = %q, want one about #no-such-heading", problems)
	}
}
