package sandbox

import (
	"strings"
)

// Recipe returns copy-paste snippets that point discord.py and discordgo at
// the sandbox served at baseURL (for example "http://127.0.0.1:8080"). Both
// libraries hard-code discord.com, so each snippet overrides the module-level
// URLs before the bot connects.
func Recipe(baseURL string) string {
	base := strings.TrimRight(baseURL, "/")
	ws := base
	switch {
	case strings.HasPrefix(base, "https://"):
		ws = "wss://" + strings.TrimPrefix(base, "https://")
	case strings.HasPrefix(base, "http://"):
		ws = "ws://" + strings.TrimPrefix(base, "http://")
	}
	r := strings.NewReplacer("{BASE}", base, "{WS}", ws+"/gateway", "{TOKEN}", Token,
		"{GENERAL}", GeneralChannelID.String(), "{BOTCMDS}", BotCommandsID.String())
	return r.Replace(recipeText)
}

const recipeText = `Sandbox REST:    {BASE}/api/v10   (and /api/v9)
Sandbox gateway: {WS}
Token:           {TOKEN}
                 (the sandbox's own token; it is not a secret and works nowhere else)

discord.py — put these lines before bot.run(...):

    import discord, yarl
    discord.http.Route.BASE = "{BASE}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL("{WS}")

    intents = discord.Intents.default()
    intents.message_content = True
    # ... your bot ...
    bot.run("{TOKEN}")

discordgo — set these package variables before session.Open():

    discordgo.EndpointAPI = "{BASE}/api/v9/"
    discordgo.EndpointGateway = discordgo.EndpointAPI + "gateway"
    discordgo.EndpointGatewayBot = discordgo.EndpointGateway + "/bot"
    discordgo.EndpointUsers = discordgo.EndpointAPI + "users/"
    discordgo.EndpointChannels = discordgo.EndpointAPI + "channels/"
    discordgo.EndpointGuilds = discordgo.EndpointAPI + "guilds/"
    discordgo.EndpointApplications = discordgo.EndpointAPI + "applications"
    discordgo.EndpointWebhooks = discordgo.EndpointAPI + "webhooks/"

    session, err := discordgo.New("Bot {TOKEN}")

Post as a member (what your bot will see), e.g. from a shell:

    curl -X POST {BASE}/sandbox/messages -d '{"channel_id":"{BOTCMDS}","content":"!hello"}'

Channels: #general {GENERAL}, #bot-commands {BOTCMDS}
`
