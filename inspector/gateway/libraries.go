package gateway

import "strings"

// LibrarySnippets returns the lines that point discord.py and discordgo at a
// server speaking Discord's paths at base (e.g. "http://127.0.0.1:8080"), as
// the sandbox and the proxy do. Both libraries hard-code discord.com: discord.py
// reads its REST base and default gateway from module attributes, and
// discordgo computes its endpoint variables once at package load, so each
// concrete variable has to be reassigned. Every line is indented by four
// spaces, ready to print.
func LibrarySnippets(base string) (discordPy, discordgo string) {
	base = strings.TrimRight(base, "/")
	ws := base
	switch {
	case strings.HasPrefix(base, "https://"):
		ws = "wss://" + strings.TrimPrefix(base, "https://")
	case strings.HasPrefix(base, "http://"):
		ws = "ws://" + strings.TrimPrefix(base, "http://")
	}
	r := strings.NewReplacer("{BASE}", base, "{WS}", ws+"/gateway")
	return r.Replace(discordPySnippet), r.Replace(discordgoSnippet)
}

const discordPySnippet = `    import discord, yarl
    discord.http.Route.BASE = "{BASE}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL("{WS}")
`

const discordgoSnippet = `    discordgo.EndpointAPI = "{BASE}/api/v9/"
    discordgo.EndpointGateway = discordgo.EndpointAPI + "gateway"
    discordgo.EndpointGatewayBot = discordgo.EndpointGateway + "/bot"
    discordgo.EndpointUsers = discordgo.EndpointAPI + "users/"
    discordgo.EndpointChannels = discordgo.EndpointAPI + "channels/"
    discordgo.EndpointGuilds = discordgo.EndpointAPI + "guilds/"
    discordgo.EndpointApplications = discordgo.EndpointAPI + "applications"
    discordgo.EndpointWebhooks = discordgo.EndpointAPI + "webhooks/"
`

// DiscordJSSnippet returns the line that points discord.js (v14) at a server
// speaking Discord's paths at base. discord.js takes its REST base as a
// client option (rest.api, to which it adds /v10) and asks GET /gateway/bot
// for the gateway, so the REST base is all it needs. Indented like
// LibrarySnippets' lines.
func DiscordJSSnippet(base string) string {
	return strings.ReplaceAll(discordJSSnippet, "{BASE}", strings.TrimRight(base, "/"))
}

const discordJSSnippet = `    const client = new Client({ intents, rest: { api: "{BASE}/api" } });
`
