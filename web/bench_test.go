package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaytour/lessons"
)

// BenchmarkLessonHandler measures one lesson request through the whole
// handler (security middleware, routing, the pre-rendered page) with the
// real course.
func BenchmarkLessonHandler(b *testing.B) {
	course, err := lessons.Load()
	if err != nil {
		b.Fatal(err)
	}
	site, err := New(Config{Course: course})
	if err != nil {
		b.Fatal(err)
	}
	slug := course.Lessons[len(course.Lessons)/2].Slug
	req := httptest.NewRequest(http.MethodGet, "/lessons/"+slug, nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		site.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
