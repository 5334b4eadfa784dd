package gateway

import "testing"

// TestEveryEventHasAMeaning catches an event named in the intent table but
// missing from the event table: it would show up with an empty meaning.
func TestEveryEventHasAMeaning(t *testing.T) {
	for _, e := range Events() {
		if e.Meaning == "" {
			t.Errorf("%s has no real meaning: %q", e.Name, e.Meaning)
		}
	}
}

// TestEventGatingMatchesTheDocs pins the facts Discord's intent list (API
// docs, "List of Intents", August 2026) states for the events people ask
// about most.
func TestEventGatingMatchesTheDocs(t *testing.T) {
	cases := []struct {
		name      string
		guild, dm Intents
		guildOnly bool
	}{
		{"VOICE_CHANNEL_STATUS_UPDATE", IntentGuilds, 0, true},
		{"VOICE_CHANNEL_START_TIME_UPDATE", IntentGuilds, 0, true},
		{"VOICE_CHANNEL_EFFECT_SEND", IntentGuildVoiceStates, 0, true},
		{"GUILD_SOUNDBOARD_SOUND_CREATE", IntentGuildExpressions, 0, true},
		{"THREAD_MEMBERS_UPDATE", IntentGuilds | IntentGuildMembers, 0, true},
		{"MESSAGE_CREATE", IntentGuildMessages, IntentDirectMessages, false},
		{"MESSAGE_DELETE_BULK", IntentGuildMessages, 0, true},
		{"CHANNEL_PINS_UPDATE", IntentGuilds, IntentDirectMessages, false},
		{"GUILD_MEMBERS_CHUNK", 0, 0, true},
		{"SUBSCRIPTION_CREATE", 0, 0, false},
		{"SUBSCRIPTION_UPDATE", 0, 0, false},
		{"SUBSCRIPTION_DELETE", 0, 0, false},
		{"INTERACTION_CREATE", 0, 0, false},
		{"READY", 0, 0, false},
	}
	for _, tc := range cases {
		e, ok := LookupEvent(tc.name)
		if !ok {
			t.Errorf("%s is not in the catalog", tc.name)
			continue
		}
		if e.GuildIntents != tc.guild || e.DMIntents != tc.dm || e.GuildOnly != tc.guildOnly {
			t.Errorf("%s: guild %v, DM %v, guild-only %v; want %v, %v, %v", tc.name, e.GuildIntents, e.DMIntents, e.GuildOnly, tc.guild, tc.dm, tc.guildOnly)
		}
	}
}
