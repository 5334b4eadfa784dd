package lessons

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadFSFixture(t *testing.T) {
	c := loadFixture(t, fixtureFS())
	if len(c.Lessons) != 2 {
		t.Fatalf("got %d lessons, want 2", len(c.Lessons))
	}
	first, second := c.Lessons[0], c.Lessons[1]
	if first.Slug != "first" || first.Title != "First steps" || first.Order != 10 || first.Summary != "Where it starts." {
		t.Errorf("first lesson = %+v", first)
	}
	if second.Slug != "second" || second.Order != 20 || second.Summary != "" {
		t.Errorf("second lesson = %+v", second)
	}
	wantHeadings := []Heading{
		{Level: 2, ID: "close-codes", Text: "Close codes"},
		{Level: 3, ID: "also-the-opcodes", Text: "Also the opcodes"},
		{Level: 2, ID: "watch-for-it-in-the-panel", Text: "Watch for it in the panel"},
	}
	if !reflect.DeepEqual(second.Headings, wantHeadings) {
		t.Errorf("headings = %+v, want %+v", second.Headings, wantHeadings)
	}
	// Every heading in the list is an element with that id in the HTML.
	for _, l := range c.Lessons {
		rendered := map[string]string{}
		for _, e := range elements(t, l.HTML) {
			if e.Tag == "h2" || e.Tag == "h3" {
				rendered[e.Attrs["id"]] = e.Tag
			}
		}
		for _, h := range l.Headings {
			if rendered[h.ID] != "h"+string(rune('0'+h.Level)) {
				t.Errorf("lesson %s: heading %+v is not rendered as such (%v)", l.Slug, h, rendered)
			}
		}
	}
	if !strings.Contains(first.Text, "Hello, guilds and members.") || strings.Contains(first.Text, "<") {
		t.Errorf("plain text = %q", first.Text)
	}
	if !strings.Contains(second.Text, "4014") {
		t.Errorf("plain text of a lesson with the close-code table lacks 4014: %q", second.Text)
	}
}

func TestLessonLookupAndNeighbours(t *testing.T) {
	fsys := fixtureFS()
	// Order, not file name, decides the sequence.
	fsys["00-last.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Last\norder: 99\n---\n\n## Watch for it in the panel\n")}
	c := loadFixture(t, fsys)
	var slugs []string
	for _, l := range c.Lessons {
		slugs = append(slugs, l.Slug)
	}
	if want := []string{"first", "second", "last"}; !reflect.DeepEqual(slugs, want) {
		t.Fatalf("order = %v, want %v", slugs, want)
	}
	if l, ok := c.Lesson("second"); !ok || l.Title != "Second" {
		t.Errorf("Lesson(second) = %v, %v", l, ok)
	}
	if _, ok := c.Lesson("nope"); ok {
		t.Error("Lesson(nope) found something")
	}
	cases := []struct{ slug, prev, next string }{
		{"first", "", "second"},
		{"second", "first", "last"},
		{"last", "second", ""},
		{"nope", "", ""},
	}
	slugOf := func(l *Lesson) string {
		if l == nil {
			return ""
		}
		return l.Slug
	}
	for _, tc := range cases {
		prev, next := c.Neighbours(tc.slug)
		if slugOf(prev) != tc.prev || slugOf(next) != tc.next {
			t.Errorf("Neighbours(%s) = %s, %s; want %s, %s", tc.slug, slugOf(prev), slugOf(next), tc.prev, tc.next)
		}
	}
}

func TestGlossary(t *testing.T) {
	c := loadFixture(t, fixtureFS())
	var ids []string
	for _, term := range c.Glossary {
		ids = append(ids, term.ID)
	}
	if want := []string{"guild", "member", "quote"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("glossary ids = %v, want %v (sorted)", ids, want)
	}
	guild, ok := c.Term("guild")
	want := Term{ID: "guild", Word: "guild", Definition: "What the API calls a server: channels, roles and members under one id."}
	if !ok || guild != want {
		t.Errorf("Term(guild) = %+v, %v; want %+v", guild, ok, want)
	}
	if _, ok := c.Term("gui"); ok {
		t.Error("Term(gui) found something")
	}
}

func TestGlossaryLinksRenderAsTerms(t *testing.T) {
	fsys := fixtureFS()
	fsys["03-third.md"] = &fstest.MapFile{Data: []byte("---\ntitle: T\norder: 30\n---\n\nA [tricky one](glossary:quote).\n")}
	c := loadFixture(t, fsys)
	first, _ := c.Lesson("first")
	spans := elementsWith(elements(t, first.HTML), "span", "data-term")
	if len(spans) != 2 {
		t.Fatalf("got %d term spans in %s", len(spans), first.HTML)
	}
	if spans[0].Attrs["data-term"] != "guild" || spans[0].Text != "guilds" {
		t.Errorf("first term = %+v", spans[0])
	}
	if spans[1].Attrs["data-term"] != "member" || spans[1].Text != "members" {
		t.Errorf("second term = %+v", spans[1])
	}
	if !strings.Contains(first.HTML, `<strong>members</strong>`) {
		t.Errorf("emphasis inside a term was lost: %s", first.HTML)
	}
	if strings.Contains(first.HTML, "glossary:") {
		t.Errorf("a glossary: link survived rendering: %s", first.HTML)
	}

	third, _ := c.Lesson("third")
	quote := elementsWith(elements(t, third.HTML), "span", "data-term")
	wantTitle := `A definition with "quotes" and brackets.`
	if len(quote) != 1 || quote[0].Attrs["title"] != wantTitle {
		t.Fatalf("quote term = %+v, want title %q", quote, wantTitle)
	}
	if strings.Contains(third.HTML, `"quotes"`) {
		t.Errorf("quotes in a definition are not escaped: %s", third.HTML)
	}
	for _, p := range linkProblems(t, c) {
		t.Error(p)
	}
}

func TestSearchIndex(t *testing.T) {
	c := loadFixture(t, fixtureFS())
	var index []struct {
		Slug     string `json:"slug"`
		Title    string `json:"title"`
		Summary  string `json:"summary"`
		Headings []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"headings"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(c.SearchIndex(), &index); err != nil {
		t.Fatalf("SearchIndex is not JSON: %v", err)
	}
	if len(index) != len(c.Lessons) {
		t.Fatalf("index has %d entries for %d lessons", len(index), len(c.Lessons))
	}
	for i, e := range index {
		l := c.Lessons[i]
		if e.Slug != l.Slug || e.Title != l.Title || e.Summary != l.Summary || e.Text != l.Text || len(e.Headings) != len(l.Headings) {
			t.Errorf("entry %d = %+v, lesson %+v", i, e, l)
			continue
		}
		for j, h := range e.Headings {
			if h.ID != l.Headings[j].ID || h.Text != l.Headings[j].Text {
				t.Errorf("entry %d heading %d = %+v, want %+v", i, j, h, l.Headings[j])
			}
		}
	}
	// A Course built by hand still gets an index.
	hand := &Course{Lessons: c.Lessons[:1]}
	if got := hand.SearchIndex(); !strings.Contains(string(got), `"slug":"first"`) || strings.Contains(string(got), `"second"`) {
		t.Errorf("hand-built index = %s", got)
	}
}
