package lessons

import (
	"regexp"
	"strings"
	"testing"
)

// The glossary ids the lesson contract promises; lessons link to them.
var contractTermIDs = []string{
	"guild", "user", "member", "opcode", "dispatch", "intent", "heartbeat", "snowflake", "shard",
	"session", "gateway", "token", "payload", "websocket", "sequence", "privileged-intent",
	"rate-limit", "interaction", "channel", "role",
}

const panelHeading = "Watch for it in the panel"

// TestEmbeddedCourse checks the real course as shipped in the binary.
func TestEmbeddedCourse(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.Lessons) == 0 {
		t.Fatal("the embedded course has no lessons")
	}
	orders := map[int]string{}
	for i, l := range c.Lessons {
		if l.Title == "" || l.Slug == "" || l.Order <= 0 {
			t.Errorf("lesson %d: slug %q, title %q, order %d", i, l.Slug, l.Title, l.Order)
		}
		if other, dup := orders[l.Order]; dup {
			t.Errorf("lessons %s and %s share order %d", other, l.Slug, l.Order)
		}
		orders[l.Order] = l.Slug
		if i > 0 && c.Lessons[i-1].Order >= l.Order {
			t.Errorf("lesson %s (order %d) comes after order %d", l.Slug, l.Order, c.Lessons[i-1].Order)
		}
		if strings.TrimSpace(l.Text) == "" || len(l.Headings) == 0 {
			t.Errorf("lesson %s has no text or no headings", l.Slug)
			continue
		}
		if last := l.Headings[len(l.Headings)-1]; last.Level != 2 || last.Text != panelHeading {
			t.Errorf("lesson %s ends with heading %+v, want an h2 %q", l.Slug, last, panelHeading)
		}
		seen := map[string]bool{}
		for _, h := range l.Headings {
			if h.ID == "" || seen[h.ID] {
				t.Errorf("lesson %s: heading %+v has an empty or repeated id", l.Slug, h)
			}
			seen[h.ID] = true
		}
		for _, e := range elements(t, l.HTML) {
			if e.Tag == "script" || e.Tag == "iframe" || e.Tag == "style" {
				t.Errorf("lesson %s renders a <%s> element", l.Slug, e.Tag)
			}
			if _, ok := e.Attrs["style"]; ok {
				t.Errorf("lesson %s: <%s> has a style attribute, which the page's CSP blocks", l.Slug, e.Tag)
			}
		}
	}
	for _, p := range linkProblems(t, c) {
		t.Error(p)
	}
}

func TestEmbeddedGlossary(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, id := range contractTermIDs {
		if _, ok := c.Term(id); !ok {
			t.Errorf("glossary lacks %q", id)
		}
	}
	for _, term := range c.Glossary {
		if term.Word == "" || len(strings.Fields(term.Definition)) < 3 {
			t.Errorf("term %q: word %q, definition %q", term.ID, term.Word, term.Definition)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWelcomeMapsEveryLesson keeps the welcome lesson's course map complete
// as lessons are added, and keeps it from counting them in words that go
// stale.
func TestWelcomeMapsEveryLesson(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	welcome := c.Lessons[0]
	src, err := embedded.ReadFile("01-welcome.md")
	if err != nil {
		t.Fatal(err)
	}
	_, courseMap, found := strings.Cut(string(src), "\n## The course map\n")
	if !found {
		t.Fatal("lessons/01-welcome.md has no \"## The course map\" section")
	}
	courseMap, _, _ = strings.Cut(courseMap, "\n## ")
	for _, l := range c.Lessons[1:] {
		if !strings.Contains(courseMap, "](/lessons/"+l.Slug+")") {
			t.Errorf("lessons/01-welcome.md: the course map does not link lesson %q (/lessons/%s)", l.Title, l.Slug)
		}
	}
	if counted := regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]+) (short )?lessons\b`).FindString(welcome.Text); counted != "" {
		t.Errorf("lessons/01-welcome.md says %q: the number of lessons changes, so the welcome should not count them", counted)
	}
}
