package experiment

import "sort"

// Spec describes one experiment: what the lesson's button says, what frames
// it makes appear (in the lessons' frame-link terms: "op=7", "t=RESUMED",
// "close=4014"), and how it runs.
type Spec struct {
	Name string
	// Title is the button's label.
	Title string
	// Promise is the one line beside the button: what will happen.
	Promise string
	// Produces lists the frames the experiment makes happen; the lessons'
	// test checks every "watch for" claim against these.
	Produces []string
	// BotsToo says it may act on a learner's own bot: only experiments that
	// do to a bot what Discord itself can (op 7, op 9, silence, a drop).
	BotsToo bool
	probe   bool
	run     func(*run) error
}

// ActsOn says, for the reader, which stream the experiment acts on.
func (s Spec) ActsOn() string {
	if s.probe {
		return "a throwaway connection of its own (its frames get a stream of their own), not the inspector's or your bot's"
	}
	return "the inspector's own connection (its frames are the panel's inspector stream)"
}

func (s Spec) whyInspectorOnly() string {
	if s.probe {
		return "it opens a throwaway connection (or makes REST calls) of its own that does the wrong thing, so no bot's session is touched"
	}
	return "it logs the inspector in again with other intents, which cannot be done to someone else's bot"
}

var catalog = []Spec{
	{Name: "zombie", Title: "Stop the heartbeat ACKs",
		Promise:  "The sandbox goes silent on heartbeats (after a reconnect to a 2-second heartbeat_interval): watch the client call the connection a zombie, close it, and resume.",
		Produces: []string{"op=7", "op=10", "op=1", "close=4000", "op=6", "t=RESUMED"}, BotsToo: true, run: runZombie},
	{Name: "heartbeat-request", Title: "Ask for a heartbeat (op 1 from the server)",
		Promise:  "The sandbox sends op 1 to the client, which must beat at once; watch the answer and its ACK.",
		Produces: []string{"op=1", "op=11"}, BotsToo: true, run: runHeartbeatRequest},
	{Name: "late-beat", Title: "Send a heartbeat late", probe: true, run: runLateBeat,
		Promise:  "A throwaway connection with a 1.5 s heartbeat_interval beats once on time and once 2.25 s later: watch the late beat marked, and still answered.",
		Produces: []string{"op=1", "op=11"}},
	{Name: "silent", Title: "Stop sending heartbeats", probe: true, run: runSilent,
		Promise:  "A throwaway connection with a 1.5 s heartbeat_interval logs in and never beats: watch the gateway close it with 4009.",
		Produces: []string{"t=READY", "close=4009"}},
	{Name: "reconnect", Title: "Send op 7 Reconnect",
		Promise:  "The sandbox asks the client to reconnect: watch it close, open a new connection, Resume and get RESUMED.",
		Produces: []string{"op=7", "op=10", "op=6", "t=RESUMED"}, BotsToo: true, run: runReconnect},
	{Name: "invalid-session-resumable", Title: "Send op 9 with d: true",
		Promise:  "The sandbox says the session is invalid but resumable: watch the client reconnect and Resume.",
		Produces: []string{"op=9", "op=6", "t=RESUMED"}, BotsToo: true, run: runInvalidSession(true)},
	{Name: "invalid-session", Title: "Send op 9 with d: false",
		Promise:  "The sandbox ends the session: watch the client wait a moment, then Identify afresh and get a new READY.",
		Produces: []string{"op=9", "op=2", "t=READY"}, BotsToo: true, run: runInvalidSession(false)},
	{Name: "drop", Title: "Drop the network while events happen",
		Promise:  "The TCP connection is cut without a close frame while 3 messages are posted: watch the Resume replay exactly those 3, with their sequence numbers.",
		Produces: []string{"op=6", "t=MESSAGE_CREATE", "t=RESUMED"}, BotsToo: true, run: runDrop},
	{Name: "disallowed-intents", Title: "Identify with a privileged intent switched off",
		Promise:  "The inspector logs in again asking for an intent whose portal switch is off (MESSAGE_CONTENT, unless you switched another off): watch the 4014 close, then a healthy login.",
		Produces: []string{"op=2", "close=4014", "t=READY"}, run: runDisallowedIntents},
	{Name: "message-content-off", Title: "Log in without MESSAGE_CONTENT",
		Promise:  "The inspector logs in without MESSAGE_CONTENT and four messages are posted: watch content arrive empty in a guild message, and whole in a DM, a mention and the bot's own message.",
		Produces: []string{"op=2", "t=MESSAGE_CREATE", "t=READY"}, run: runWithoutMessageContent},
	{Name: "member-join", Title: "Someone joins the guild",
		Promise:  "A new person joins the sandbox guild (and leaves again): watch GUILD_MEMBER_ADD and its nested user.",
		Produces: []string{"t=GUILD_MEMBER_ADD", "t=GUILD_MEMBER_REMOVE"}, BotsToo: true, run: runMemberJoin},
	{Name: "guild-and-dm", Title: "The same person in a guild and in a DM",
		Promise:  "ada writes in #general and then to the bot in a DM: watch d.member appear in the first MESSAGE_CREATE and not in the second.",
		Produces: []string{"t=MESSAGE_CREATE"}, BotsToo: true, run: runGuildAndDM},
	{Name: "interaction-guild-and-dm", Title: "A slash command in a guild and in a DM",
		Promise:  "ada uses a /whoami command (registered for the experiment, removed after) in #bot-commands and in a DM: watch INTERACTION_CREATE carry d.member in the guild and d.user in the DM.",
		Produces: []string{"t=INTERACTION_CREATE"}, run: runInteractionGuildAndDM},
	{Name: "presences-off", Title: "Log in without GUILD_PRESENCES",
		Promise:  "The inspector logs in without GUILD_PRESENCES and then with it: compare the two GUILD_CREATEs' member and presence lists.",
		Produces: []string{"t=READY", "t=GUILD_CREATE"}, run: runWithoutPresences},
	{Name: "members-off", Title: "Log in without GUILD_MEMBERS",
		Promise:  "The inspector logs in without GUILD_MEMBERS, someone joins and a member speaks: watch the MESSAGE_CREATE arrive and no GUILD_MEMBER_ADD before it.",
		Produces: []string{"t=READY", "t=MESSAGE_CREATE"}, run: runWithoutMembers},
	{Name: "wrong-token", Title: "Identify with a wrong token", probe: true,
		Promise:  "A throwaway connection identifies with a token the sandbox does not know: watch the 4004 close.",
		Produces: []string{"op=10", "op=2", "close=4004"}},
	{Name: "invalid-intents", Title: "Identify with a bit that is not an intent", probe: true,
		Promise:  "A throwaway connection sets bit 30 in intents: watch the 4013 close.",
		Produces: []string{"op=2", "close=4013"}},
	{Name: "wrong-version", Title: "Connect with gateway v=6", probe: true,
		Promise:  "A throwaway connection asks for API version 6: watch the 4012 close before any Hello.",
		Produces: []string{"close=4012"}},
	{Name: "identify-twice", Title: "Identify twice on one connection", probe: true,
		Promise:  "A throwaway connection logs in and then sends Identify again: watch READY, then the 4005 close.",
		Produces: []string{"op=2", "t=READY", "close=4005"}},
	{Name: "before-identify", Title: "Send before Identify", probe: true,
		Promise:  "A throwaway connection sends op 8 before logging in: watch the 4003 close.",
		Produces: []string{"op=8", "close=4003"}},
	{Name: "undecodable", Title: "Send a frame that is not JSON", probe: true,
		Promise:  "A throwaway connection sends broken JSON: watch the 4002 close.",
		Produces: []string{"close=4002"}},
	{Name: "rate-limited", Title: "Send 121 frames in a burst", probe: true,
		Promise:  "A throwaway connection sends 121 heartbeats at once: watch the 4008 close.",
		Produces: []string{"op=1", "close=4008"}},
	{Name: "identify-concurrency", Title: "Identify twice within 5 seconds", probe: true, run: runIdentifyConcurrency,
		Promise:  "The sandbox enforces max_concurrency 1 for the experiment and two throwaway connections identify at once: watch the second get op 9, wait out the 5-second window, and then log in.",
		Produces: []string{"op=2", "t=READY", "op=9"}},
	{Name: "rate-limit", Title: "Run into a REST rate limit", probe: true, run: runRateLimit,
		Promise:  "The bot posts in #bot-commands until the route's bucket (5 per 5 s) is empty: watch X-RateLimit-Remaining count down, then the 429 with retry_after (the messages are deleted afterwards).",
		Produces: []string{"rest=200", "rest=429"}},
	{Name: "unknown-message", Title: "Fetch a message that does not exist (10008)", probe: true, run: runUnknownMessage,
		Promise:  "The bot asks for a message id that #general does not hold: watch the 404 with JSON code 10008, Unknown Message.",
		Produces: []string{"rest=404"}},
	{Name: "missing-permissions", Title: "Kick the guild's owner (50013)", probe: true, run: runMissingPermissions,
		Promise:  "The bot, which has Kick Members, tries to kick ada, who owns the sandbox guild: watch the 403 with JSON code 50013, Missing Permissions.",
		Produces: []string{"rest=403"}},
}

func init() {
	for i := range catalog {
		if catalog[i].probe && catalog[i].run == nil {
			catalog[i].run = probes[catalog[i].Name]
		}
	}
}

// Lookup finds an experiment by name.
func Lookup(name string) (Spec, bool) {
	for _, s := range catalog {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Names lists the experiments, sorted.
func Names() []string {
	out := make([]string, len(catalog))
	for i, s := range catalog {
		out[i] = s.Name
	}
	sort.Strings(out)
	return out
}

// All lists every experiment in the catalogue's order.
func All() []Spec { return append([]Spec(nil), catalog...) }
