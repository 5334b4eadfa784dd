// Package static holds the browser assets (stylesheet, scripts, icon) that
// the web server embeds into the binary, so the page works with no build step
// and no files beside the executable.
package static

import "embed"

// FS holds every asset under its own file name ("app.css", "app.js", ...).
//
//go:embed *.css *.js *.svg
var FS embed.FS
