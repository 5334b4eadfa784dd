// Package lessons loads the course: Markdown lessons embedded in the binary,
// rendered once at start-up to safe HTML with highlighted code, glossary
// terms and tables drawn from the protocol package.
package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
)

//go:embed *.md
var embedded embed.FS

// Heading is an h2 or h3 of a lesson, for its table of contents.
type Heading struct {
	Level int    // 2 or 3
	ID    string // anchor id, unique within the lesson
	Text  string
}

// Lesson is one rendered lesson.
type Lesson struct {
	Slug     string // "gateway"
	Title    string
	Order    int
	Summary  string
	HTML     string    // rendered body; safe: goldmark without raw HTML, every text escaped
	Headings []Heading // h2/h3 in document order
	Text     string    // plain text of the body, for search
}

// Course is every lesson and the glossary, ready to serve.
type Course struct {
	Lessons  []*Lesson // sorted by Order
	Glossary []Term    // sorted by ID

	searchIndex []byte
}

// lessonFile is NN-slug.md; the number only sorts files on disk, the order
// shown to readers comes from the front matter.
var lessonFile = regexp.MustCompile(`^[0-9]{2}-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

// Load parses and renders the embedded lessons once. A lesson with broken front matter, an
// unknown protocol table, or a glossary link to an unknown term is an error that names the file
// and line ("lessons/02-gateway.md:3: front matter: ...").
func Load() (*Course, error) { return LoadFS(embedded) }

// LoadFS is Load over any fs.FS holding NN-slug.md files and glossary.md (tests use fstest.MapFS).
func LoadFS(fsys fs.FS) (*Course, error) {
	glossarySrc, err := fs.ReadFile(fsys, glossaryFile)
	if err != nil {
		return nil, fmt.Errorf("lessons/%s: %w", glossaryFile, err)
	}
	terms, err := parseGlossary(glossarySrc)
	if err != nil {
		return nil, fileError(glossaryFile, err)
	}
	course := &Course{Glossary: terms}
	r := &bodyRenderer{md: newMarkdown(), glossary: map[string]Term{}}
	for _, t := range terms {
		r.glossary[t.ID] = t
	}

	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	slugs := map[string]string{}
	orders := map[int]string{}
	for _, name := range names {
		if name == glossaryFile {
			continue
		}
		m := lessonFile.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("lessons/%s: a lesson file is named NN-slug.md (two digits, lowercase slug)", name)
		}
		slug := m[1]
		if other, dup := slugs[slug]; dup {
			return nil, fmt.Errorf("lessons/%s: slug %q is also used by lessons/%s", name, slug, other)
		}
		slugs[slug] = name
		lesson, err := loadLesson(fsys, name, slug, r)
		if err != nil {
			return nil, err
		}
		if other, dup := orders[lesson.Order]; dup {
			return nil, fmt.Errorf("lessons/%s: order %d is also used by lessons/%s", name, lesson.Order, other)
		}
		orders[lesson.Order] = name
		course.Lessons = append(course.Lessons, lesson)
	}
	sort.Slice(course.Lessons, func(i, j int) bool { return course.Lessons[i].Order < course.Lessons[j].Order })
	course.searchIndex = buildSearchIndex(course.Lessons)
	return course, nil
}

func loadLesson(fsys fs.FS, name, slug string, r *bodyRenderer) (*Lesson, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("lessons/%s: %w", name, err)
	}
	fm, body, bodyLine, err := parseFrontMatter(src)
	if err != nil {
		return nil, fileError(name, err)
	}
	out, err := r.render(body, bodyLine)
	if err != nil {
		return nil, fileError(name, err)
	}
	return &Lesson{
		Slug:     slug,
		Title:    fm.Title,
		Order:    fm.Order,
		Summary:  fm.Summary,
		HTML:     out.HTML,
		Headings: out.Headings,
		Text:     out.Text,
	}, nil
}

// fileError prefixes a problem with "lessons/<file>:<line>:", the form
// editors and terminals turn into a jump-to-line link.
func fileError(name string, err error) error {
	if le, ok := err.(*lineError); ok {
		return fmt.Errorf("%s:%d: %s", path.Join("lessons", name), le.Line, le.Msg)
	}
	return fmt.Errorf("%s: %w", path.Join("lessons", name), err)
}

// Lesson finds a lesson by slug.
func (c *Course) Lesson(slug string) (*Lesson, bool) {
	for _, l := range c.Lessons {
		if l.Slug == slug {
			return l, true
		}
	}
	return nil, false
}

// Neighbours are the lessons before and after slug in course order; nil at
// the ends or when slug is not a lesson.
func (c *Course) Neighbours(slug string) (prev, next *Lesson) {
	for i, l := range c.Lessons {
		if l.Slug != slug {
			continue
		}
		if i > 0 {
			prev = c.Lessons[i-1]
		}
		if i+1 < len(c.Lessons) {
			next = c.Lessons[i+1]
		}
		return prev, next
	}
	return nil, nil
}

// Term finds a glossary term by id.
func (c *Course) Term(id string) (Term, bool) {
	i := sort.Search(len(c.Glossary), func(i int) bool { return c.Glossary[i].ID >= id })
	if i < len(c.Glossary) && c.Glossary[i].ID == id {
		return c.Glossary[i], true
	}
	return Term{}, false
}
