package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestAssetCaching(t *testing.T) {
	site, ts := newTestServer(t, fixtureCourse(t))
	versioned := site.assets.url("app.css")

	resp, body := get(t, ts.Client(), ts.URL+versioned)
	if resp.StatusCode != 200 || body == "" {
		t.Fatalf("%s: status %d", versioned, resp.StatusCode)
	}
	if got := resp.Header.Get("Cache-Control"); got != immutableCache {
		t.Errorf("versioned asset Cache-Control = %q, want %q", got, immutableCache)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	for _, path := range []string{"/static/app.css", "/static/app.css?v=0ld"} {
		resp, _ = get(t, ts.Client(), ts.URL+path)
		if got := resp.Header.Get("Cache-Control"); got != revalidate {
			t.Errorf("%s: Cache-Control = %q, want %q", path, got, revalidate)
		}
	}

	resp, body = get(t, ts.Client(), ts.URL+"/static/app.css", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation with the current ETag: status %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = get(t, ts.Client(), ts.URL+"/static/app.css", "If-None-Match", `"stale"`)
	if resp.StatusCode != 200 {
		t.Errorf("revalidation with a stale ETag: status %d, want 200", resp.StatusCode)
	}
}

// The page links must point at versioned assets that exist, and every
// asset's hash must change with its content.
func TestPageLinksResolveToCurrentAssets(t *testing.T) {
	_, ts := newTestServer(t, fixtureCourse(t))
	_, page := get(t, ts.Client(), ts.URL+"/lessons/first")
	links := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(links) < 6 {
		t.Fatalf("found %d asset links, want the icon, two stylesheets and three scripts", len(links))
	}
	for _, m := range links {
		resp, _ := get(t, ts.Client(), ts.URL+html.UnescapeString(m[1]))
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != immutableCache {
			t.Errorf("%s: status %d, Cache-Control %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	if a, b := newAsset([]byte("a"), "text/css"), newAsset([]byte("b"), "text/css"); a.hash == b.hash {
		t.Error("different content has the same hash")
	}
}

// The Content-Security-Policy forbids inline script and style, so the pages
// must not depend on any: no <style>, no style= attribute, no inline
// <script>, no on* handler attributes, no javascript: URLs.
func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	site, _ := newTestServer(t, fixtureCourse(t))
	pages := map[string][]byte{"not found": site.notFound}
	for slug, body := range site.pages {
		pages[slug] = body
	}
	for name, body := range pages {
		doc, err := html.Parse(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "style" {
					t.Errorf("%s: <style> element", name)
				}
				hasSrc := false
				for _, a := range n.Attr {
					switch {
					case a.Key == "style":
						t.Errorf("%s: style attribute on <%s>", name, n.Data)
					case strings.HasPrefix(a.Key, "on"):
						t.Errorf("%s: %s handler on <%s>", name, a.Key, n.Data)
					case strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:"):
						t.Errorf("%s: javascript: URL on <%s>", name, n.Data)
					case a.Key == "src":
						hasSrc = true
					}
				}
				if n.Data == "script" && !hasSrc {
					t.Errorf("%s: inline <script>", name)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
}
