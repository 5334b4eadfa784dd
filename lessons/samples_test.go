package lessons

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// A lesson's code in python, go or js is a real program, and the fence's
// info string says how the tests run it:
//
//	```python program   runs on its own; each "# value" comment after a
//	                    print (or "// value" after fmt.Println) is a line
//	                    the program must print, in order
//	```go bot           a bot: the tests start it against an in-process
//	                    sandbox and check it logs in and answers as the
//	                    lesson says
//	```go redirect      the lines that point a bot at the sandbox; a bot
//	                    without its own gets them inserted before it
//	                    connects, exactly as the lesson tells the reader
//
// Fences in other languages (json, text, http) are not programs.
const (
	kindProgram  = "program"
	kindBot      = "bot"
	kindRedirect = "redirect"
)

var sampleLanguages = map[string]bool{"python": true, "go": true, "js": true}

// sample is one fenced code block of a lesson.
type sample struct {
	File string // "lessons/05-intents.md"
	Line int    // the fence's first line
	Lang string
	Kind string // empty when the fence names none
	Code string
}

func (s sample) where() string { return fmt.Sprintf("%s:%d", s.File, s.Line) }

// courseSamples reads every fenced block of every lesson in the embedded
// course, in file order.
func courseSamples(t testing.TB) []sample {
	t.Helper()
	names, err := fs.Glob(embedded, "[0-9]*.md")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var out []sample
	for _, name := range names {
		src, err := fs.ReadFile(embedded, name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fencedBlocks("lessons/"+name, src)...)
	}
	return out
}

// fencedBlocks lists the fenced code blocks of one Markdown file. goldmark
// finds them, so a fence inside a list item loses its indentation as it
// does on the page.
func fencedBlocks(file string, src []byte) []sample {
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	var out []sample
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fence, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var info []string
		line := 1
		if fence.Info != nil {
			info = strings.Fields(string(fence.Info.Segment.Value(src)))
			line = 1 + bytes.Count(src[:fence.Info.Segment.Start], []byte("\n"))
		} else if fence.Lines().Len() > 0 {
			line = bytes.Count(src[:fence.Lines().At(0).Start], []byte("\n"))
		}
		var code strings.Builder
		for i := 0; i < fence.Lines().Len(); i++ {
			seg := fence.Lines().At(i)
			code.Write(seg.Value(src))
		}
		s := sample{File: file, Line: line, Code: code.String()}
		if len(info) > 0 {
			s.Lang = info[0]
		}
		if len(info) > 1 {
			s.Kind = info[1]
		}
		out = append(out, s)
		return ast.WalkContinue, nil
	})
	return out
}

// checkSampleTags lists what is wrong with how the blocks are tagged: a
// program block must say how it runs, other blocks must not pretend to.
func checkSampleTags(samples []sample) []string {
	var problems []string
	redirects := map[string]string{}
	for _, s := range samples {
		switch {
		case !sampleLanguages[s.Lang] && s.Kind != "":
			problems = append(problems, fmt.Sprintf("%s: a %q block cannot be a %q; only python, go and js blocks run", s.where(), s.Lang, s.Kind))
		case !sampleLanguages[s.Lang]:
		case s.Kind != kindProgram && s.Kind != kindBot && s.Kind != kindRedirect:
			problems = append(problems, fmt.Sprintf("%s: a %s block must say how the tests run it: ```%s program, ```%s bot or ```%s redirect (got %q)",
				s.where(), s.Lang, s.Lang, s.Lang, s.Lang, s.Kind))
		case s.Kind == kindRedirect && s.Lang == "js":
			problems = append(problems, fmt.Sprintf("%s: discord.js needs no redirect block; its bot takes the sandbox's address in its rest option", s.where()))
		case s.Kind == kindRedirect && redirects[s.Lang] != "":
			problems = append(problems, fmt.Sprintf("%s: a second %s redirect block (the first is at %s); the course keeps one", s.where(), s.Lang, redirects[s.Lang]))
		case s.Kind == kindRedirect:
			redirects[s.Lang] = s.where()
		}
	}
	return problems
}

// redirectFor is the course's one redirect block for lang.
func redirectFor(t testing.TB, samples []sample, lang string) sample {
	t.Helper()
	for _, s := range samples {
		if s.Lang == lang && s.Kind == kindRedirect {
			return s
		}
	}
	t.Fatalf("the course has no ```%s redirect block", lang)
	return sample{}
}

// redirectMarkers are the words that show a bot already points somewhere
// itself; such a bot must then use the course's redirect lines unchanged.
var redirectMarkers = map[string]string{"python": "Route.BASE", "go": "EndpointAPI"}

// containsLines reports whether every non-blank line of want appears in
// code in the same order, indentation aside.
func containsLines(code, want string) bool {
	have := strings.Split(code, "\n")
	i := 0
	for _, w := range strings.Split(want, "\n") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		for i < len(have) && strings.TrimSpace(have[i]) != w {
			i++
		}
		if i == len(have) {
			return false
		}
		i++
	}
	return true
}

func TestEveryLessonProgramSaysHowItRuns(t *testing.T) {
	samples := courseSamples(t)
	for _, p := range checkSampleTags(samples) {
		t.Error(p)
	}
	counts := map[string]int{}
	for _, s := range samples {
		counts[s.Lang+" "+s.Kind]++
	}
	for _, want := range []string{"python bot", "go bot", "js bot", "python program", "go program", "python redirect", "go redirect"} {
		if counts[want] == 0 {
			t.Errorf("the course has no ```%s block; found %v", want, counts)
		}
	}
}

// TestBotsShareOneRedirect keeps the course to one way of pointing each
// library at the sandbox: a bot that redirects itself uses the redirect
// block's lines verbatim.
func TestBotsShareOneRedirect(t *testing.T) {
	samples := courseSamples(t)
	for _, lang := range []string{"python", "go"} {
		redirect := redirectFor(t, samples, lang)
		for _, s := range samples {
			if s.Lang == lang && s.Kind == kindBot && strings.Contains(s.Code, redirectMarkers[lang]) && !containsLines(s.Code, redirect.Code) {
				t.Errorf("%s: this bot points itself at the sandbox with other lines than the redirect block at %s", s.where(), redirect.where())
			}
		}
	}
	for _, s := range samples {
		if s.Lang == "js" && s.Kind == kindBot && !strings.Contains(s.Code, jsRedirect) {
			t.Errorf("%s: a discord.js bot must take the sandbox's address as %s", s.where(), jsRedirect)
		}
	}
}

// jsRedirect is how a discord.js bot in the course names the sandbox.
const jsRedirect = `rest: { api: "http://127.0.0.1:8080/api" }`

func TestSampleTagProblemsAreCaught(t *testing.T) {
	src := "# x\n\n```python\nprint(1)\n```\n\n```json bot\n{}\n```\n\n   ```go redirect\n   a := 1\n   ```\n\n```go redirect\nb := 2\n```\n"
	samples := fencedBlocks("lessons/99-x.md", []byte(src))
	if len(samples) != 4 || samples[2].Line != 11 || samples[2].Code != "a := 1\n" {
		t.Fatalf("samples = %+v", samples)
	}
	got := checkSampleTags(samples)
	want := []string{"lessons/99-x.md:3: a python block must say", "lessons/99-x.md:7: a \"json\" block cannot be", "lessons/99-x.md:15: a second go redirect"}
	if len(got) != len(want) {
		t.Fatalf("problems = %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
	if !containsLines("a\n  b\nc\n", "a\nb\n") || containsLines("b\na\n", "a\nb\n") {
		t.Error("containsLines does not respect order")
	}
}

// expectedOutput is what a program block promises to print: the comment
// after each print call, in order.
var outputComment = map[string]*regexp.Regexp{
	"python": regexp.MustCompile(`^\s*print\(.*\)\s+#\s?(.*)$`),
	"go":     regexp.MustCompile(`^\s*fmt\.Println\(.*\)\s+//\s?(.*)$`),
}

func expectedOutput(s sample) []string {
	re := outputComment[s.Lang]
	if re == nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(s.Code, "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			out = append(out, strings.TrimSpace(m[1]))
		}
	}
	return out
}
