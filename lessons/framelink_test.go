package lessons

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestFrameLinksRenderAsPanelLinks(t *testing.T) {
	fsys := fixtureFS()
	fsys["04-frames.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Frames\norder: 40\n---\n\n" +
		"See [the Hello frame](frame:op=10), [a *MESSAGE_CREATE*](frame:t=MESSAGE_CREATE) " +
		"and [READY](frame:op=0&t=READY).\n")}
	c := loadFixture(t, fsys)
	var lesson *Lesson
	for _, l := range c.Lessons {
		if l.Slug == "frames" {
			lesson = l
		}
	}
	if lesson == nil {
		t.Fatal("the frames lesson did not load")
	}
	links := elementsWith(elements(t, lesson.HTML), "a", "href")
	want := []struct{ text, op, t string }{
		{"the Hello frame", "10", ""},
		{"a MESSAGE_CREATE", "", "MESSAGE_CREATE"},
		{"READY", "0", "READY"},
	}
	if len(links) != len(want) {
		t.Fatalf("got %d links, want %d: %v", len(links), len(want), links)
	}
	for i, w := range want {
		a := links[i]
		if a.Attrs["class"] != "frame-link" || a.Attrs["href"] != "#panel" || a.Text != w.text {
			t.Errorf("link %d = %v %q, want class=frame-link href=#panel text %q", i, a.Attrs, a.Text, w.text)
		}
		if got, has := a.Attrs["data-frame-op"]; got != w.op || has != (w.op != "") {
			t.Errorf("link %d data-frame-op = %q (present %v), want %q", i, got, has, w.op)
		}
		if got, has := a.Attrs["data-frame-t"]; got != w.t || has != (w.t != "") {
			t.Errorf("link %d data-frame-t = %q (present %v), want %q", i, got, has, w.t)
		}
	}
	if !strings.Contains(lesson.Text, "the Hello frame") {
		t.Errorf("the search text lost the link's words: %q", lesson.Text)
	}
}

func TestBadFrameLinksNameFileAndLine(t *testing.T) {
	front := "---\ntitle: x\norder: 50\n---\n" // the body starts on line 5
	cases := []struct{ name, body, want string }{
		{"unknown key", "Intro.\n\nSee [it](frame:opcode=10).\n", `lessons/05-broken.md:7: frame link "frame:opcode=10": unknown key "opcode"`},
		{"unknown opcode", "[x](frame:op=5)\n", `lessons/05-broken.md:5: frame link "frame:op=5": op 5 is not a gateway opcode`},
		{"op not a number", "[x](frame:op=ten)\n", `lessons/05-broken.md:5: frame link "frame:op=ten": op "ten" is not a number`},
		{"unknown event", "\n[x](frame:t=MESSAGE_CRATE)\n", `lessons/05-broken.md:6: frame link "frame:t=MESSAGE_CRATE": "MESSAGE_CRATE" is not a dispatch event`},
		{"empty", "[x](frame:)\n", `lessons/05-broken.md:5: frame link "frame:" names no frame`},
		{"no value", "[x](frame:op)\n", `lessons/05-broken.md:5: frame link "frame:op": "op" is not key=value`},
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
