package web

import "gatewaytour/lessons"

// chrome is what every page shares: the product name, the asset URLs (with
// their content hashes) and the table of contents.
type chrome struct {
	Product string
	Assets  assetLinks
	Lessons []*lessons.Lesson
}

// assetLinks are the versioned URLs the pages refer to. They carry the
// content hash so the browser may cache them forever (see assets.go).
type assetLinks struct {
	AppCSS       string
	HighlightCSS string
	AppJS        string
	SearchJS     string
	ThemeJS      string
	Icon         string
}

// lessonView is one lesson page: the lesson, where it sits in the course and
// its neighbours (nil at the ends of the course).
type lessonView struct {
	Lesson     *lessons.Lesson
	Number     int
	Total      int
	Prev, Next *lessons.Lesson
}

func lessonURL(l *lessons.Lesson) string { return "/lessons/" + l.Slug }
