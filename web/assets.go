package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"gatewaytour/lessons"
	"gatewaytour/static"
)

// Caching: every page links to an asset as /static/NAME?v=HASH, HASH being
// the first hex digits of the file's SHA-256. A request carrying the current
// hash is answered with a one-year immutable Cache-Control: the content at
// that URL can never change, because a new build with new content links to
// a new URL. Any other request (no hash, an old hash from a stale tab) gets
// "no-cache" plus an ETag, so the browser revalidates and never keeps stale
// code. The pages themselves are "no-cache" so a restart with a new build
// is picked up at once.
const (
	immutableCache = "public, max-age=31536000, immutable"
	revalidate     = "no-cache"
)

// asset is one static file held in memory with what its responses need.
type asset struct {
	body        []byte
	contentType string
	hash        string // short content hash, used in ?v= and the ETag
}

func (a asset) etag() string { return `"` + a.hash + `"` }

// assetTable is every static file by name ("app.css"), including the
// generated code-highlighting stylesheet.
type assetTable map[string]asset

// highlightCSSName is where the lessons' code-highlighting stylesheet is
// served, beside the other assets so it shares their caching.
const highlightCSSName = "highlight.css"

var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
}

func loadAssets() (assetTable, error) {
	table := assetTable{}
	err := fs.WalkDir(static.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ctype, ok := contentTypes[path.Ext(name)]
		if !ok {
			// Embedded Go sources and the like are not served.
			return nil
		}
		body, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return err
		}
		table[name] = newAsset(body, ctype)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	table[highlightCSSName] = newAsset([]byte(lessons.HighlightCSS()), contentTypes[".css"])
	required := append([]string{"app.css", "panel.css", "app.js", "search.js", "theme.js", "nav.js", "favicon.svg"}, panelScripts...)
	for _, required := range required {
		if _, ok := table[required]; !ok {
			return nil, fmt.Errorf("static assets: %s is missing", required)
		}
	}
	return table, nil
}

func newAsset(body []byte, contentType string) asset {
	sum := sha256.Sum256(body)
	return asset{body: body, contentType: contentType, hash: hex.EncodeToString(sum[:6])}
}

// url is the versioned address pages use for the asset.
func (t assetTable) url(name string) string {
	return "/static/" + name + "?v=" + t[name].hash
}

// panelScripts are the live panel's files: sse.js (the event-stream
// reader) and panel-core.js first, since the others use them.
var panelScripts = []string{"sse.js", "panel-core.js", "panel-filter.js", "panel-list.js", "panel-tree.js", "panel-detail.js", "panel-split.js", "panel-keys.js", "panel-chart.js", "panel-connect.js", "panel-hello.js", "experiments.js", "guild-md.js", "guild-render.js", "guild-list.js", "guild-view.js", "guild-strip.js", "guild-act.js", "guild-slash.js", "guild-side.js", "guild-connect.js", "guild-demo.js", "guild-members.js"}

func (t assetTable) links() assetLinks {
	panel := make([]string, len(panelScripts))
	for i, name := range panelScripts {
		panel[i] = t.url(name)
	}
	return assetLinks{
		AppCSS:       t.url("app.css"),
		HighlightCSS: t.url(highlightCSSName),
		PanelCSS:     t.url("panel.css"),
		GuildCSS:     t.url("guild.css"),
		AppJS:        t.url("app.js"),
		SearchJS:     t.url("search.js"),
		ThemeJS:      t.url("theme.js"),
		NavJS:        t.url("nav.js"),
		PanelJS:      panel,
		Icon:         t.url("favicon.svg"),
	}
}

// ServeHTTP answers GET /static/{name}.
func (t assetTable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := t[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag())
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", immutableCache)
	} else {
		h.Set("Cache-Control", revalidate)
	}
	if etagMatches(r.Header.Get("If-None-Match"), a.etag()) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(a.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}

// etagMatches reports whether an If-None-Match header names etag (or "*").
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(candidate), "W/"))
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}
