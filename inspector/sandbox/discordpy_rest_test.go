package sandbox

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// TestDiscordPyDoesWhatBotsDo runs testdata/actions_bot.py: real discord.py
// 2.2 with every intent (it waits for the large guild's member chunks before
// on_ready), then sends, edits, reacts, types, pins, reads history, starts a
// thread, deletes, fetches a guild, member and user, opens a DM, creates and
// gives a role, meets the role hierarchy, manages a channel, kicks and bans.
func TestDiscordPyDoesWhatBotsDo(t *testing.T) {
	needDiscordPy(t)
	s, ts := startSandbox(t, testConfig())
	ctx, stop := context.WithTimeout(context.Background(), 90*time.Second)
	defer stop()
	args := []string{"testdata/actions_bot.py", ts.URL, Token}
	for _, id := range []gateway.Snowflake{GuildID, CommunityGuildID, GeneralChannelID, DefaultMemberID, kenID, graceID, ModeratorRoleID} {
		args = append(args, id.String())
	}
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", args...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var steps []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if line == "DONE" {
			break
		}
		if strings.HasPrefix(line, "FAIL") {
			t.Errorf("%s", line)
		}
		steps = append(steps, line)
	}
	if len(steps) != 28 {
		t.Fatalf("discord.py did %d steps: %v\nstderr:\n%s", len(steps), steps, stderr.String())
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", stderr.String())
	}
	s.mu.Lock()
	banned := s.world.home().banIndex(kenID) >= 0
	s.mu.Unlock()
	if !banned {
		t.Error("the ban did not land")
	}
}
