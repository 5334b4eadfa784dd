package lessons

import "encoding/json"

type searchHeading struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type searchEntry struct {
	Slug     string          `json:"slug"`
	Title    string          `json:"title"`
	Summary  string          `json:"summary"`
	Headings []searchHeading `json:"headings"`
	Text     string          `json:"text"`
}

// SearchIndex is JSON for the browser's search: [{"slug","title","summary","headings":[{"id","text"}],"text"}].
// It is built once by Load; the caller must not modify the returned bytes.
func (c *Course) SearchIndex() []byte {
	if c.searchIndex == nil {
		// A Course assembled by hand rather than by Load.
		return buildSearchIndex(c.Lessons)
	}
	return c.searchIndex
}

func buildSearchIndex(lessons []*Lesson) []byte {
	entries := make([]searchEntry, 0, len(lessons))
	for _, l := range lessons {
		headings := make([]searchHeading, 0, len(l.Headings))
		for _, h := range l.Headings {
			headings = append(headings, searchHeading{ID: h.ID, Text: h.Text})
		}
		entries = append(entries, searchEntry{Slug: l.Slug, Title: l.Title, Summary: l.Summary, Headings: headings, Text: l.Text})
	}
	b, err := json.Marshal(entries)
	if err != nil {
		// Only strings and slices of them: Marshal cannot fail.
		panic(err)
	}
	return b
}
