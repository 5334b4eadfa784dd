package sandbox

import (
	"strings"

	"gatewaytour/inspector/gateway"
)

// Recipe returns copy-paste snippets that point discord.py and discordgo at
// the sandbox served at baseURL (for example "http://127.0.0.1:8080"), with
// the sandbox's token and a way to post as a member.
func Recipe(baseURL string) string {
	base := strings.TrimRight(baseURL, "/")
	py, golang := gateway.LibrarySnippets(base)
	ws := "ws" + strings.TrimPrefix(base, "http") + "/gateway"
	r := strings.NewReplacer("{BASE}", base, "{WS}", ws, "{TOKEN}", Token, "{PY}", py, "{GO}", golang,
		"{GENERAL}", GeneralChannelID.String(), "{BOTCMDS}", BotCommandsID.String())
	return r.Replace(recipeText)
}

const recipeText = `Sandbox REST:    {BASE}/api/v10   (and /api/v9)
Sandbox gateway: {WS}
Token:           {TOKEN}
                 (the sandbox's own token; it is not a secret and works nowhere else)

discord.py — put these lines before bot.run(...):

{PY}
    intents = discord.Intents.default()
    intents.message_content = True
    # ... your bot ...
    bot.run("{TOKEN}")

discordgo — set these package variables before session.Open():

{GO}
    session, err := discordgo.New("Bot {TOKEN}")

Post as a member (what your bot will see), e.g. from a shell:

    curl -X POST {BASE}/sandbox/messages -d '{"channel_id":"{BOTCMDS}","content":"!hello"}'

Act as a member (the actor API: ids, slash commands, buttons, modals; see the
README's "The actor API"):

    curl {BASE}/sandbox/world
    curl -X POST {BASE}/sandbox/interactions -d '{"type":"command","name":"ping"}'

Channels: #general {GENERAL}, #bot-commands {BOTCMDS}
`
