package lessons

import (
	"bufio"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

const (
	lightStyle = "github"
	darkStyle  = "github-dark"
	darkScope  = `[data-theme="dark"]`
)

var highlightCSS = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString("/* Code highlighting, light (" + lightStyle + ") */\n")
	b.WriteString(styleCSS(styles.Get(lightStyle), ""))
	b.WriteString("/* Code highlighting, dark (" + darkStyle + ") */\n")
	dark := styles.Get(darkStyle)
	// The dark style leaves some tokens (plain names, punctuation) to its
	// base colour, while the light style colours them: without this rule
	// they would keep their light-theme ink on a dark background. It comes
	// first, so the dark style's own, more specific rules still win.
	if base := dark.Get(chroma.Background).Colour; base.IsSet() {
		b.WriteString(darkScope + " .chroma * { color: " + base.String() + " }\n")
	}
	b.WriteString(styleCSS(dark, darkScope+" "))
	return b.String()
})

// HighlightCSS is the stylesheet for the highlighted code classes (light and dark variants,
// dark ones scoped under [data-theme="dark"]).
func HighlightCSS() string { return highlightCSS() }

// styleCSS is chroma's class stylesheet for style with every selector
// prefixed by scope, so the dark rules win only inside a dark-themed page.
func styleCSS(style *chroma.Style, scope string) string {
	var raw strings.Builder
	// Every token gets an explicit rule, so no light colour survives under
	// the dark theme merely because the dark style leaves that token alone.
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithAllClasses(true), chromahtml.WithCSSComments(false))
	if err := f.WriteCSS(&raw, style); err != nil {
		// Writing to a strings.Builder cannot fail.
		panic(err)
	}
	var out strings.Builder
	lines := bufio.NewScanner(strings.NewReader(raw.String()))
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		// .bg is for chroma's standalone pages; a class that generic would
		// also match the page's own markup.
		if line == "" || strings.HasPrefix(line, ".bg ") {
			continue
		}
		out.WriteString(scope + line + "\n")
	}
	return out.String()
}
