package lessons

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestFrontMatterBodyPosition(t *testing.T) {
	src := "---\ntitle: The gateway\n\norder: 20\nsummary: One: two.\n---\nFirst body line\n"
	fm, body, bodyLine, err := parseFrontMatter([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if fm != (frontMatter{Title: "The gateway", Order: 20, Summary: "One: two."}) {
		t.Errorf("front matter = %+v", fm)
	}
	if string(body) != "First body line\n" || bodyLine != 7 {
		t.Errorf("body %q starts on line %d, want line 7", body, bodyLine)
	}
}

func FuzzFrontMatter(f *testing.F) {
	f.Add([]byte("---\ntitle: The gateway\norder: 20\nsummary: s\n---\n\n## Body\n"))
	f.Add([]byte("---\r\ntitle: x\r\norder: -3\r\n---"))
	f.Add([]byte("\uFEFF---\ntitle: x\norder: 1\ntitle: y\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, src []byte) {
		fm, body, bodyLine, err := parseFrontMatter(src)
		if err != nil {
			var le *lineError
			if !errors.As(err, &le) || le.Line < 1 || le.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("error %v has no line inside the input", err)
			}
			return
		}
		if fm.Title == "" || strings.TrimSpace(fm.Title) != fm.Title {
			t.Fatalf("accepted title %q", fm.Title)
		}
		if !bytes.HasSuffix(src, body) {
			t.Fatalf("body %q is not the tail of the input", body)
		}
		// The body's first line number agrees with the lines before it.
		head := src[:len(src)-len(body)]
		if len(body) == 0 {
			return // no body line to number
		}
		if want := bytes.Count(head, []byte("\n")) + 1; bodyLine != want {
			t.Fatalf("bodyLine = %d, want %d", bodyLine, want)
		}
	})
}

func FuzzGlossary(f *testing.F) {
	f.Add([]byte(fixtureGlossary))
	f.Add([]byte("## guild\nword: guild\n\n## member\n"))
	f.Add([]byte("## a-b\nword:\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		terms, err := parseGlossary(src)
		if err != nil {
			var le *lineError
			if !errors.As(err, &le) || le.Line < 1 || le.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("error %v has no line inside the input", err)
			}
			return
		}
		for i, term := range terms {
			if !termIDPattern.MatchString(term.ID) || term.Word == "" || term.Definition == "" {
				t.Fatalf("accepted term %+v", term)
			}
			if i > 0 && terms[i-1].ID >= term.ID {
				t.Fatalf("terms not sorted and unique: %q then %q", terms[i-1].ID, term.ID)
			}
		}
	})
}
