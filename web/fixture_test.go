package web

import (
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"gatewaytour/lessons"
)

// A small course with the features the pages must carry: glossary terms,
// headings, code, a link between lessons.
var fixtureFiles = fstest.MapFS{
	"glossary.md": {Data: []byte(`# Glossary

## guild
word: guild

What the API calls a server.

## opcode
word: opcode

The number that says what kind of frame it is.
`)},
	"01-first.md": {Data: []byte(`---
title: First steps
order: 10
summary: Where the tour starts.
---

Every [guild](glossary:guild) has an id.

## The envelope

Each frame has an [opcode](glossary:opcode) and a quokka.

` + "```go\nfunc main() {}\n```" + `

## Watch for it in the panel

The Hello frame.
`)},
	"02-second.md": {Data: []byte(`---
title: Second <look>
order: 20
summary: The middle & more.
---

## Heartbeats

Back to [the start](/lessons/first#the-envelope).

## Watch for it in the panel

Heartbeat frames.
`)},
	"03-third.md": {Data: []byte(`---
title: Third
order: 30
summary: The end.
---

## Closing

Goodbye.

## Watch for it in the panel

The close frame.
`)},
}

func fixtureCourse(t testing.TB) *lessons.Course {
	t.Helper()
	course, err := lessons.LoadFS(fixtureFiles)
	if err != nil {
		t.Fatalf("load fixture course: %v", err)
	}
	return course
}

func newTestServer(t testing.TB, course *lessons.Course) (*Server, *httptest.Server) {
	t.Helper()
	site, err := New(Config{Course: course})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(site)
	t.Cleanup(ts.Close)
	return site, ts
}
