package hello

import (
	"os"
	"strings"
	"testing"
)

// lessonPrograms reads the hello-world lesson's first python and go code
// blocks, one string per line, so lesson and stepper cannot drift apart.
func lessonPrograms(t *testing.T) map[string][]string {
	t.Helper()
	return programsIn(t, "../../lessons/09-hello-world.md")
}

// programsIn reads a lesson's first code block of each language.
func programsIn(t *testing.T, file string) map[string][]string {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	programs := map[string][]string{}
	var lang string
	var block []string
	for _, line := range strings.Split(string(text), "\n") {
		switch {
		case lang == "" && strings.HasPrefix(line, "```"):
			// The info string's first word is the language; what follows
			// ("bot", "redirect") tells the lessons' tests how to run it.
			info := strings.Fields(strings.TrimPrefix(line, "```"))
			lang, block = "text", nil
			if len(info) > 0 {
				lang = info[0]
			}
		case lang != "" && line == "```":
			if _, seen := programs[lang]; !seen {
				programs[lang] = block
			}
			lang = ""
		case lang != "":
			block = append(block, line)
		}
	}
	if len(programs["python"]) == 0 || len(programs["go"]) == 0 {
		t.Fatalf("the lesson has no python or go program: %v", programs)
	}
	return programs
}

// TestCodeLinesMatchTheLesson checks that every step's lines exist in the
// lesson's programs and say what the step is about.
func TestCodeLinesMatchTheLesson(t *testing.T) {
	programs := lessonPrograms(t)
	// Every step must point at at least one line holding one of these.
	about := [Steps]map[string][]string{
		{"python": {"bot.run("}, "go": {"dg.Open()"}},
		{"python": {"bot.run("}, "go": {"dg.Open()"}},
		{"python": {"bot.run("}, "go": {"dg.Open()"}},
		{"python": {"bot.run("}, "go": {"dg.Open()"}},
		{"python": {"message_content", "Intents"}, "go": {"IntentMessageContent", "Identify.Intents"}},
		{"python": {"on_ready", "bot.user"}, "go": {"*discordgo.Ready", "r.User"}},
		{"python": {"bot.guilds"}, "go": {"dg.Open()"}},
		{"python": {"command_prefix", "@bot.command()", "def hello"}, "go": {`m.Content == "!hello"`}},
		{"python": {"ctx.send("}, "go": {"ChannelMessageSend("}},
		{"python": {"commands.Bot("}, "go": {"s.State.User.ID"}},
	}
	for i, spec := range steps {
		for lang, wants := range about[i] {
			nums := spec.code[lang]
			if len(nums) == 0 {
				t.Errorf("step %d has no %s lines", i+1, lang)
				continue
			}
			found := false
			for _, n := range nums {
				if n < 1 || n > len(programs[lang]) {
					t.Errorf("step %d: %s line %d is outside the %d-line program", i+1, lang, n, len(programs[lang]))
					continue
				}
				line := programs[lang][n-1]
				if strings.TrimSpace(line) == "" {
					t.Errorf("step %d: %s line %d is blank", i+1, lang, n)
				}
				for _, w := range wants {
					found = found || strings.Contains(line, w)
				}
			}
			if !found {
				t.Errorf("step %d (%s): none of %s lines %v mentions %q", i+1, spec.title, lang, nums, wants)
			}
		}
	}
}
