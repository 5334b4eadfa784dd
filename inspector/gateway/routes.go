package gateway

import (
	_ "embed"
	"sort"
	"strings"
)

// discordRoutesTSV is every route of Discord's HTTP API v10 as Discord's own
// OpenAPI description (github.com/discord/discord-api-spec, MIT licensed)
// lists it: path template, method, operation id and the credentials it takes.
//
//go:embed discord_routes.tsv
var discordRoutesTSV string

// DiscordRoute is one route of Discord's HTTP API.
type DiscordRoute struct {
	// Path is the template with OpenAPI parameters: "/channels/{channel_id}/messages".
	Path        string
	Method      string
	OperationID string
	// Auth is what the route accepts: "BotToken", "OAuth2", "none or BotToken"…
	Auth string
}

var discordRoutes = func() []DiscordRoute {
	var out []DiscordRoute
	for _, line := range strings.Split(discordRoutesTSV, "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(f) < 4 || strings.HasPrefix(f[0], "#") || f[0] == "path" {
			continue
		}
		out = append(out, DiscordRoute{Path: f[0], Method: f[1], OperationID: f[2], Auth: f[3]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}()

var discordTemplates = func() []RouteTemplate {
	seen := map[string]bool{}
	var out []RouteTemplate
	for _, r := range discordRoutes {
		if !seen[r.Path] {
			seen[r.Path] = true
			out = append(out, ParseRouteTemplate(r.Path))
		}
	}
	return out
}()

// DiscordRoutes lists Discord's routes sorted by path, then method.
func DiscordRoutes() []DiscordRoute { return append([]DiscordRoute(nil), discordRoutes...) }

// LookupDiscordRoute finds the route template that path (without the /api/v10
// prefix) belongs to, and the methods Discord serves on it. ok is false when
// Discord has no such path.
func LookupDiscordRoute(path string) (template string, methods []string, ok bool) {
	t, _, ok := BestTemplate(discordTemplates, path)
	if !ok {
		return "", nil, false
	}
	for _, r := range discordRoutes {
		if r.Path == t.Path {
			methods = append(methods, r.Method)
		}
	}
	return t.Path, methods, true
}

// RouteTemplate is a parsed path template such as
// "/channels/{channel_id}/messages/{message_id}".
type RouteTemplate struct {
	Path string
	segs []string // literal segments, or "{name}" for a parameter
}

// ParseRouteTemplate splits a template into its segments.
func ParseRouteTemplate(path string) RouteTemplate {
	return RouteTemplate{Path: path, segs: splitPath(path)}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match reports whether path fits the template and returns the parameters
// by name, and how many segments matched literally (more is more specific:
// ".../reactions/{emoji_name}/@me" beats ".../reactions/{emoji_name}/{user_id}").
func (t RouteTemplate) Match(path string) (params map[string]string, literal int, ok bool) {
	return t.matchSegments(splitPath(path))
}

func (t RouteTemplate) matchSegments(segs []string) (params map[string]string, literal int, ok bool) {
	if len(segs) != len(t.segs) {
		return nil, 0, false
	}
	for i, want := range t.segs {
		if strings.HasPrefix(want, "{") && strings.HasSuffix(want, "}") {
			if segs[i] == "" {
				return nil, 0, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[want[1:len(want)-1]] = segs[i]
			continue
		}
		if segs[i] != want {
			return nil, 0, false
		}
		literal++
	}
	return params, literal, true
}

// BestTemplate picks the most specific template path matches.
func BestTemplate(ts []RouteTemplate, path string) (RouteTemplate, map[string]string, bool) {
	best, bestLiteral, found := RouteTemplate{}, -1, false
	var bestParams map[string]string
	segs := splitPath(path)
	for _, t := range ts {
		if p, lit, ok := t.matchSegments(segs); ok && lit > bestLiteral {
			best, bestParams, bestLiteral, found = t, p, lit, true
		}
	}
	return best, bestParams, found
}
