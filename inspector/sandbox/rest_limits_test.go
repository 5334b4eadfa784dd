package sandbox

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// TestRESTLimitsAndRefusals covers the errors of Discord's bounds and of
// actions a bot may not take: 30003, 30005, 30010, 50003, 50021, 50034.
func TestRESTLimitsAndRefusals(t *testing.T) {
	clock := newTestClock()
	cfg := testConfig()
	cfg.Now = clock.Now
	s, ts := startSandbox(t, cfg)
	tick := func() { clock.Advance(messageWindow) } // a fresh rate-limit bucket

	// 20 emojis fit on a message; the 21st is refused (30010).
	m, _ := s.Post(GeneralChannelID, DefaultMemberID, "react away")
	base := channelPath(GeneralChannelID, "/messages/"+m.ID.String()+"/reactions/")
	for i := 0; i < maxReactionEmojis; i++ {
		tick()
		if resp, raw := api(t, ts, "PUT", base+url.PathEscape(string(rune(0x1F600+i)))+"/@me", "", nil); resp.StatusCode != 204 {
			t.Fatalf("reaction %d = %d %s", i, resp.StatusCode, raw)
		}
	}
	resp, raw := api(t, ts, "PUT", base+url.PathEscape("🦀")+"/@me", "", nil)
	wantError(t, resp, raw, 400, 30010)

	// 50 pins per channel (30003); a system message cannot be pinned (50021).
	var last gateway.Message
	for i := 0; i < maxPins; i++ {
		tick()
		last, _ = s.Post(BotCommandsID, DefaultMemberID, "pin me "+strconv.Itoa(i))
		if resp, raw := api(t, ts, "PUT", channelPath(BotCommandsID, "/pins/"+last.ID.String()), "", nil); resp.StatusCode != 204 {
			t.Fatalf("pin %d = %d %s", i, resp.StatusCode, raw)
		}
	}
	extra, _ := s.Post(BotCommandsID, DefaultMemberID, "one too many")
	resp, raw = api(t, ts, "PUT", channelPath(BotCommandsID, "/pins/"+extra.ID.String()), "", nil)
	wantError(t, resp, raw, 400, 30003)
	stored := s.Messages(BotCommandsID)
	system := stored[len(stored)-2] // the "pinned a message" notice before "one too many"
	if system.Type != msgTypeChannelPinned {
		t.Fatalf("expected the pin notice, got type %d", system.Type)
	}
	api(t, ts, "DELETE", channelPath(BotCommandsID, "/pins/"+last.ID.String()), "", nil)
	resp, raw = api(t, ts, "PUT", channelPath(BotCommandsID, "/pins/"+system.ID.String()), "", nil)
	wantError(t, resp, raw, 400, 50021)

	// 250 roles per guild (30005).
	s.mu.Lock()
	have := len(s.world.home().guild.Roles)
	s.mu.Unlock()
	for i := have; i < maxRoles; i++ {
		tick()
		if resp, raw := api(t, ts, "POST", guildPath(GuildID, "/roles"), `{"name":"r`+strconv.Itoa(i)+`"}`, nil); resp.StatusCode != 200 {
			t.Fatalf("role %d = %d %s", i, resp.StatusCode, raw)
		}
	}
	tick()
	resp, raw = api(t, ts, "POST", guildPath(GuildID, "/roles"), `{"name":"one too many"}`, nil)
	wantError(t, resp, raw, 400, 30005)

	// The bot deletes only its own messages in a DM (50003).
	theirs, _ := s.Post(DMChannelID, DefaultMemberID, "a DM to the bot")
	resp, raw = api(t, ts, "DELETE", channelPath(DMChannelID, "/messages/"+theirs.ID.String()), "", nil)
	wantError(t, resp, raw, 403, 50003)

	// Bulk delete refuses messages older than 14 days (50034): two are
	// stored with ids from a month before the sandbox's clock.
	s.mu.Lock()
	var old []string
	for i := 0; i < 2; i++ {
		id := gateway.SnowflakeAt(clock.Now().Add(-30*24*time.Hour)) + gateway.Snowflake(i)
		s.world.store(gateway.Message{ID: id, ChannelID: GeneralChannelID, Author: s.world.users[DefaultMemberID], Content: "old"})
		old = append(old, `"`+id.String()+`"`)
	}
	s.mu.Unlock()
	resp, raw = api(t, ts, "POST", channelPath(GeneralChannelID, "/messages/bulk-delete"), `{"messages":[`+strings.Join(old, ",")+`]}`, nil)
	wantError(t, resp, raw, 400, 50034)
}
