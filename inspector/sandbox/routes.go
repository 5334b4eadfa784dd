package sandbox

// The sandbox's REST surface is this one table, as data. Every route the
// sandbox answers is an entry here; the README's "what the sandbox serves"
// table is generated from it (TestREADMERoutes), and a test checks that each
// entry is a route Discord really has (inspector/gateway's discord_routes.tsv).
//
// How to add a family of routes:
//
//  1. In your own file (say commands.go), declare
//     var commandRoutes = []restRoute{
//     {family: "application commands", method: "GET", path: "/applications/{application_id}/commands", serve: (*Server).listCommands},
//     …
//     }
//     path is Discord's template exactly as in inspector/gateway/discord_routes.tsv
//     (OpenAPI parameter names: {channel_id}, {message_id}, {interaction_token}…).
//  2. Add commandRoutes to routeFamilies below: that is the only shared line.
//  3. A handler is func(s *Server, c *restCall): c.params holds the path
//     parameters, c.snowflake("channel_id") parses one (answering 50035 when it
//     is not a snowflake), c.decode(&body) reads the JSON body (already bounded
//     and recorded), c.ok/c.fail/c.noContent answer. Handlers take s.mu
//     themselves; nothing else is needed: rate limits, auth, the X-RateLimit-*
//     headers, 404/405 and recording the exchange for the panel are done by
//     restHandler.
//  4. noAuth: true for routes whose credential is in the path (interaction
//     callbacks, webhook tokens). limit/window override the default bucket of
//     50 per second; the bucket is counted per major parameter (channel_id,
//     guild_id or webhook_id) as on Discord.
//
// Permissions: (*world).permissionsIn(channelID, userID) is a member's
// computed permissions in a channel (Discord's algorithm: @everyone and roles,
// administrator, owner, then overwrites); (*world).guildPermissions(guildID,
// userID) is the same without a channel. Both are in permissions.go.

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// restRoute is one REST endpoint the sandbox serves.
type restRoute struct {
	family string // groups the README table: "messages", "reactions"…
	method string
	path   string // Discord's template, e.g. /channels/{channel_id}/messages
	noAuth bool   // the credential is in the path, not in Authorization
	limit  int    // requests per window in one bucket; 0 means defaultLimit
	window time.Duration
	serve  func(s *Server, c *restCall)
}

// routeFamilies is every family of routes, in README order.
var routeFamilies = [][]restRoute{
	coreRoutes,
	messageRoutes,
	reactionRoutes,
	pinRoutes,
	channelRoutes,
	guildRoutes,
	roleRoutes,
	threadRoutes,
	userRoutes,
	commandRoutes, interactionRoutes, webhookRoutes,
}

// coreRoutes are what a hello-world bot touches before and while it logs in.
var coreRoutes = []restRoute{
	{family: "gateway", method: "GET", path: "/gateway", noAuth: true, serve: (*Server).getGateway},
	{family: "gateway", method: "GET", path: "/gateway/bot", serve: (*Server).getGatewayBot},
	{family: "application", method: "GET", path: "/applications/@me", serve: (*Server).getApplication},
	{family: "application", method: "GET", path: "/oauth2/applications/@me", serve: (*Server).getApplication},
	{family: "users", method: "GET", path: "/users/@me", serve: (*Server).getMe},
}

// routeTable indexes the served routes by Discord template and method.
type routeTable struct {
	byKey map[string]*restRoute // "GET /channels/{channel_id}"
	list  []*restRoute
}

func buildRouteTable(families ...[]restRoute) *routeTable {
	t := &routeTable{byKey: map[string]*restRoute{}}
	for _, fam := range families {
		for i := range fam {
			rt := &fam[i]
			key := rt.method + " " + rt.path
			if t.byKey[key] != nil {
				panic("sandbox: route " + key + " is in the table twice")
			}
			if rt.limit == 0 {
				rt.limit, rt.window = defaultLimit, defaultWindow
			}
			t.byKey[key] = rt
			t.list = append(t.list, rt)
		}
	}
	return t
}

var restRoutes = buildRouteTable(routeFamilies...)

// routeMatch is how a request relates to Discord's routes and the table.
type routeMatch struct {
	route    *restRoute        // the served route, nil if none
	template string            // Discord's template the path belongs to, "" if Discord has none
	params   map[string]string // path parameters by name
	discord  bool              // Discord serves this method on the template
}

// match finds Discord's template for path first, so a literal segment
// (".../messages/pins") never falls into a parameter of a served route
// (".../messages/{message_id}").
func (t *routeTable) match(method, path string) routeMatch {
	tpl, methods, ok := gateway.LookupDiscordRoute(path)
	if !ok {
		return routeMatch{}
	}
	m := routeMatch{template: tpl, route: t.byKey[method+" "+tpl]}
	m.params, _, _ = gateway.ParseRouteTemplate(tpl).Match(path)
	for _, dm := range methods {
		m.discord = m.discord || dm == method
	}
	return m
}

// majorParam is the parameter Discord counts a bucket per.
func (m routeMatch) majorParam() string {
	for _, p := range []string{"channel_id", "guild_id", "interaction_id", "webhook_token", "webhook_id"} { // interaction routes count per interaction
		if v, ok := m.params[p]; ok {
			return v
		}
	}
	return ""
}

// readmeRoutes is the Markdown table of served routes the README carries.
func readmeRoutes() string {
	var b strings.Builder
	served := len(restRoutes.list)
	fmt.Fprintf(&b, "The sandbox serves %d of Discord's %d REST routes. Any other route Discord has answers 404 with\n", served, len(gateway.DiscordRoutes()))
	b.WriteString("a message naming it as not served yet; a path Discord does not have answers Discord's plain 404.\n")
	b.WriteString("Every exchange appears in the panel in the stream of the bot that made it: the only bot identified, else the one\n")
	b.WriteString("whose Identify `properties` name the library its User-Agent names, else a stream of its own (`rest`).\n\n")
	b.WriteString("| family | method | route | rate limit |\n|---|---|---|---|\n")
	rows := append([]*restRoute(nil), restRoutes.list...)
	order := map[string]int{}
	for _, rt := range rows {
		if _, ok := order[rt.family]; !ok {
			order[rt.family] = len(order)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].family] < order[rows[j].family] })
	for _, rt := range rows {
		auth := ""
		if rt.noAuth {
			auth = " (no token)"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s`%s | %d per %s |\n", rt.family, rt.method, rt.path, auth, rt.limit, rt.window)
	}
	return b.String()
}
