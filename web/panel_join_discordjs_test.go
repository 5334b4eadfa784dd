package web

import (
	"context"
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

// discordJSPath finds discord.js as npm installs it outside the repo
// (GATEWAYTOUR_DISCORDJS, else the cache folder), or "".
func discordJSPath() string {
	candidates := []string{os.Getenv("GATEWAYTOUR_DISCORDJS")}
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
// It needs node and discord.js from npm, and is skipped without them.
func TestDiscordJSFollowsTheJoinRecipe(t *testing.T) {
	node, err := exec.LookPath("node")
	djs := discordJSPath()
	if err != nil || djs == "" {
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
	if err != nil || !strings.Contains(string(out), "READY ") || !strings.Contains(string(out), "in 1 guild(s)") {
		t.Fatalf("discord.js with the recipe's line: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
