package testkit

import (
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// discordgoEndpoints guards discordgo's package-level endpoint variables,
// which a test points at its own server and puts back afterwards; two
// tests using them at once wait for each other.
var discordgoEndpoints sync.Mutex

// PointDiscordgoAt redirects discordgo's REST endpoints to a server with
// Discord's paths at base (e.g. an httptest URL), and restores them when the
// test ends. discordgo computes these variables once at package load, so
// each concrete one has to be reassigned.
func PointDiscordgoAt(t testing.TB, base string) {
	discordgoEndpoints.Lock()
	vars := []*string{&discordgo.EndpointAPI, &discordgo.EndpointGateway, &discordgo.EndpointGatewayBot,
		&discordgo.EndpointUsers, &discordgo.EndpointChannels, &discordgo.EndpointGuilds, &discordgo.EndpointApplications, &discordgo.EndpointWebhooks}
	saved := make([]string, len(vars))
	for i, v := range vars {
		saved[i] = *v
	}
	api := strings.TrimRight(base, "/") + "/api/v9/"
	discordgo.EndpointAPI = api
	discordgo.EndpointGateway = api + "gateway"
	discordgo.EndpointGatewayBot = api + "gateway/bot"
	discordgo.EndpointUsers = api + "users/"
	discordgo.EndpointChannels = api + "channels/"
	discordgo.EndpointGuilds = api + "guilds/"
	discordgo.EndpointApplications = api + "applications"
	discordgo.EndpointWebhooks = api + "webhooks/"
	t.Cleanup(func() {
		for i, v := range vars {
			*v = saved[i]
		}
		discordgoEndpoints.Unlock()
	})
}
