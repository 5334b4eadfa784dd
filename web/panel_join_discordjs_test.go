package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// discordJSPath finds discord.js as .ci/run installs it from npm, outside the
// repo (under GATEWAYTOUR_NODE_MODULES, else the cache folder), or "".
func discordJSPath() string {
	candidates := []string{}
	if dir := os.Getenv("GATEWAYTOUR_NODE_MODULES"); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "discord.js"))
	}
	if cache, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(cache, "gatewaytour-npm", "node_modules", "discord.js"))
	}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(p, "package.json")); err == nil {
			return p
		}
	}
	return ""
}

// TestDiscordJSFollowsTheJoinRecipe runs a real discord.js bot set up with
// exactly the line the "Connect your bot" dialog and the start-up lines
// give, against a sandbox: it must log in and see the sandbox's guild.
// It needs node and discord.js from npm (.ci/run installs them; elsewhere
// it is skipped without them).
func TestDiscordJSFollowsTheJoinRecipe(t *testing.T) {
	node, err := exec.LookPath("node")
	djs := discordJSPath()
	if err != nil || djs == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(".ci/run installs node and discord.js, yet they are not found")
		}
		t.Skip("skipping: needs node and discord.js (npm install --prefix ~/.cache/gatewaytour-npm discord.js@14)")
	}
	sb := sandbox.New(sandbox.Config{HeartbeatInterval: time.Second, ServerHeartbeatEvery: -1})
	t.Cleanup(sb.Close)
	ts := httptest.NewServer(sb.Handler())
	t.Cleanup(ts.Close)

	script := `const { Client, GatewayIntentBits } = require(process.env.DJS);
const intents = [GatewayIntentBits.Guilds];
` + strings.TrimSpace(gateway.DiscordJSSnippet(ts.URL)) + `
client.once("clientReady", () => {
  console.log("READY " + client.user.username + " in " + client.guilds.cache.size + " guild(s)");
  client.destroy().finally(() => process.exit(0));
});
setTimeout(() => { console.error("no ready within 25 s"); process.exit(2); }, 25000);
client.login(process.env.TOKEN);
`
	dir := t.TempDir()
	file := filepath.Join(dir, "bot.js")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, file)
	cmd.Env = append(os.Environ(), "DJS="+djs, "TOKEN="+sandbox.Token)
	out, err := cmd.CombinedOutput()
	want := fmt.Sprintf("in %d guild(s)", len(sb.World().Guilds)) // every guild: the bot is unsharded
	if err != nil || !strings.Contains(string(out), "READY ") || !strings.Contains(string(out), want) {
		t.Fatalf("discord.js with the recipe's line: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
