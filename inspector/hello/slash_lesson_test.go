package hello

import (
	"strings"
	"testing"
)

// TestSlashCodeLinesMatchTheLesson checks that every step of the modern walk
// points at lines of lessons/14-hello-slash.md's three programs that say
// what the step is about.
func TestSlashCodeLinesMatchTheLesson(t *testing.T) {
	programs := programsIn(t, "../../lessons/14-hello-slash.md")
	connect := map[string][]string{"python": {"bot.run("}, "go": {"dg.Open()"}, "js": {"client.login("}}
	about := [SlashSteps]map[string][]string{
		connect, connect, connect, connect,
		{"python": {"Intents.none()"}, "go": {"Identify.Intents = 0"}, "js": {"intents: []"}},
		{"python": {"on_ready"}, "go": {"*discordgo.Ready"}, "js": {"ClientReady"}},
		{"python": {"tree.sync("}, "go": {"ApplicationCommandBulkOverwrite("}, "js": {"commands.set("}},
		{"python": {"tree.command("}, "go": {"InteractionApplicationCommand"}, "js": {"isChatInputCommand()"}},
		{"python": {"send_message("}, "go": {"ChannelMessageWithSource"}, "js": {"interaction.reply("}},
		{"python": {`custom_id="wave"`}, "go": {`CustomID == "wave"`}, "js": {`customId === "wave"`}},
		{"python": {"edit_message("}, "go": {"InteractionResponseUpdateMessage"}, "js": {"interaction.update("}},
	}
	if len(slashSteps) != SlashSteps {
		t.Fatalf("%d slash steps, SlashSteps says %d", len(slashSteps), SlashSteps)
	}
	for i, spec := range slashSteps {
		for lang, wants := range about[i] {
			found := false
			for _, n := range spec.code[lang] {
				if n < 1 || n > len(programs[lang]) {
					t.Errorf("step %d: %s line %d is outside the %d-line program", i+1, lang, n, len(programs[lang]))
					continue
				}
				for _, w := range wants {
					found = found || strings.Contains(programs[lang][n-1], w)
				}
			}
			if !found {
				t.Errorf("step %d (%s): none of %s lines %v mentions %q", i+1, spec.title, lang, spec.code[lang], wants)
			}
		}
	}
}
