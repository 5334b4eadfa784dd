package lessons

import (
	"strings"
	"testing"
	"testing/fstest"
)

// loadError loads the fixture with one file replaced and returns the error.
func loadError(t *testing.T, name, content string) error {
	t.Helper()
	fsys := fixtureFS()
	fsys[name] = &fstest.MapFile{Data: []byte(content)}
	_, err := LoadFS(fsys)
	if err == nil {
		t.Fatalf("LoadFS accepted %s:\n%s", name, content)
	}
	return err
}

func TestBrokenFrontMatterNamesFileAndLine(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"no fence", "title: x\norder: 1\n", "lessons/05-broken.md:1: front matter"},
		{"never closed", "---\ntitle: x\norder: 1\n", "lessons/05-broken.md:1: front matter: no closing"},
		{"closing fence forgotten before the body", "---\ntitle: x\norder: 1\n\nThe body.\n", "lessons/05-broken.md:5: front matter: want \"key: value\""},
		{"unknown key", "---\ntitle: x\ntilte: y\norder: 1\n---\n", "lessons/05-broken.md:3: front matter: unknown key \"tilte\""},
		{"not key value", "---\ntitle: x\norder 1\n---\n", "lessons/05-broken.md:3: front matter"},
		{"order not a number", "---\ntitle: x\norder: ten\n---\n", "lessons/05-broken.md:3: front matter: order \"ten\""},
		{"missing title", "---\norder: 5\nsummary: s\n---\n", "lessons/05-broken.md:4: front matter: title is missing"},
		{"missing order", "---\ntitle: x\n---\n", "lessons/05-broken.md:3: front matter: order is missing"},
		{"empty title", "---\ntitle:\norder: 5\n---\n", "lessons/05-broken.md:2: front matter: title is empty"},
		{"repeated key", "---\ntitle: a\norder: 5\ntitle: b\n---\n", "lessons/05-broken.md:4: front matter: \"title\" repeats line 2"},
		{"CRLF still counts lines", "---\r\ntitle: a\r\nbad\r\n---\r\n", "lessons/05-broken.md:3: front matter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := loadError(t, "05-broken.md", tc.content)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestBodyErrorsNameFileAndLine(t *testing.T) {
	front := "---\ntitle: x\norder: 50\n---\n" // four lines; the body starts on line 5
	cases := []struct {
		name, body, want string
	}{
		{"unknown protocol table", "Intro.\n\n```protocol\nopcode\n```\n", `lessons/05-broken.md:7: protocol table "opcode" is unknown`},
		{"unknown glossary term", "One\n\ntwo [guildz](glossary:guildz) three\n", `lessons/05-broken.md:7: glossary term "guildz" is not in glossary.md`},
		{"unknown term on a wrapped line", "A paragraph\nthat wraps onto [x](glossary:nope)\n", `lessons/05-broken.md:6: glossary term "nope"`},
		{"empty link text", "\n[](glossary:nope)\n", `lessons/05-broken.md:6: glossary term "nope"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := loadError(t, "05-broken.md", front+tc.body)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestCourseLevelErrors(t *testing.T) {
	cases := []struct {
		name, file, content, want string
	}{
		{"duplicate order", "03-third.md", "---\ntitle: x\norder: 10\n---\n", "order 10 is also used"},
		{"bad file name", "third.md", "---\ntitle: x\norder: 30\n---\n", "lessons/third.md: a lesson file is named NN-slug.md"},
		{"duplicate slug", "09-first.md", "---\ntitle: x\norder: 30\n---\n", `slug "first" is also used`},
		{"glossary term without word", "glossary.md", "## guild\n\nA server.\n", "lessons/glossary.md:3: glossary: term \"guild\" must start with"},
		{"glossary term without definition", "glossary.md", "## guild\nword: guild\n\n## member\nword: member\n\nx\n", "lessons/glossary.md:1: glossary: term \"guild\" has no definition"},
		{"glossary duplicate", "glossary.md", "## guild\nword: g\n\nd\n\n## guild\nword: g\n\nd\n", "lessons/glossary.md:6: glossary: term \"guild\" is already defined on line 1"},
		{"glossary bad id", "glossary.md", "## Guild Thing\nword: g\n\nd\n", "lessons/glossary.md:1: glossary: \"Guild Thing\" is not a term id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := loadError(t, tc.file, tc.content)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	t.Run("missing glossary", func(t *testing.T) {
		fsys := fixtureFS()
		delete(fsys, "glossary.md")
		if _, err := LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "lessons/glossary.md") {
			t.Errorf("error = %v, want one naming lessons/glossary.md", err)
		}
	})
}
