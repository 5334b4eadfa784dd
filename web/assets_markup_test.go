package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"gatewaytour/static"
)

// TestScriptsNeverBuildMarkupFromStrings: every script puts text in the
// page with textContent and elements with createElement, so no payload,
// file name or note can ever become markup. A new use of an HTML sink
// must be argued for here first. (nav.js parses the server's own lesson
// pages with DOMParser; those are rendered by templ, every string escaped.)
func TestScriptsNeverBuildMarkupFromStrings(t *testing.T) {
	sinks := regexp.MustCompile(`\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment`)
	scripts := 0
	err := fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		scripts++
		body, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(body), "\n") {
			if sinks.MatchString(line) {
				t.Errorf("%s:%d builds markup from a string: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scripts < 5 {
		t.Fatalf("found %d scripts; the walk is not reading the page's scripts", scripts)
	}
}
