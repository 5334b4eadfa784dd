package web

import (
	"net/http"
	"strings"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// How a reader points their own bot at the sandbox: the page's "Connect
// your bot" dialog reads GET /panel/join, and the command line prints
// JoinRecipe. Both are built from the sandbox's Recipe and the libraries'
// lines in inspector/gateway, so the words live in one place.

// joinInfo is the body of GET /panel/join.
type joinInfo struct {
	REST      string        `json:"rest"`    // REST base, ".../api/v10"
	Gateway   string        `json:"gateway"` // the gateway's websocket URL
	Token     string        `json:"token"`   // the sandbox's own token, not a secret
	Libraries []joinLibrary `json:"libraries"`
	Recipe    string        `json:"recipe"` // JoinRecipe's text, to copy whole
}

type joinLibrary struct {
	Name    string `json:"name"`
	Snippet string `json:"snippet"`
}

// JoinRecipe is everything needed to point discord.py, discordgo or
// discord.js at the sandbox served at base (e.g. "http://127.0.0.1:8080"):
// its URLs, its token and each library's lines.
func JoinRecipe(base string) string {
	base = strings.TrimRight(base, "/")
	return sandbox.Recipe(base) + "\ndiscord.js — create the client with the sandbox's REST base:\n\n" +
		gateway.DiscordJSSnippet(base) + "    client.login(\"" + sandbox.Token + "\");\n"
}

func joinFor(base string) joinInfo {
	base = strings.TrimRight(base, "/")
	py, golang := gateway.LibrarySnippets(base)
	return joinInfo{
		REST:    base + "/api/v10",
		Gateway: "ws" + strings.TrimPrefix(base, "http") + "/gateway",
		Token:   sandbox.Token,
		Libraries: []joinLibrary{
			{Name: "discord.py", Snippet: dedent(py)},
			{Name: "discordgo", Snippet: dedent(golang)},
			{Name: "discord.js", Snippet: dedent(gateway.DiscordJSSnippet(base))},
		},
		Recipe: JoinRecipe(base),
	}
}

// dedent drops the four spaces the libraries' lines carry for printing.
func dedent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "    ")
	}
	return strings.Join(lines, "\n")
}

// serveJoin answers with the sandbox's URLs (for the address the page was
// loaded from), token and recipes.
func (s *Server) serveJoin(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.hub(w, r); !ok {
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeJSON(w, r, http.StatusOK, joinFor(scheme+"://"+r.Host))
}
