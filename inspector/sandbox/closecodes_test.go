package sandbox

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// TestCloseCodes sends each kind of bad client behaviour and checks the
// close code Discord would answer with.
func TestCloseCodes(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	identify := func(c *client, id gateway.Identify) {
		c.expect(gateway.OpHello, "")
		c.send(gateway.OpIdentify, id)
	}
	cases := []struct {
		name  string
		query string
		act   func(c *client)
		want  gateway.CloseCode
	}{
		{"wrong token", "?v=10", func(c *client) {
			id := identifyWith(gateway.IntentGuilds)
			id.Token = "MTIz.abc.def"
			identify(c, id)
		}, gateway.CloseAuthenticationFailed},
		{"unknown intent bit", "?v=10", func(c *client) { identify(c, identifyWith(1<<30)) }, gateway.CloseInvalidIntents},
		{"second identify", "?v=10", func(c *client) {
			identify(c, identifyWith(gateway.IntentGuilds))
			c.expect(gateway.OpDispatch, "READY")
			c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds))
		}, gateway.CloseAlreadyAuthenticated},
		{"presence update before identify", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw(`{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}`)
		}, gateway.CloseNotAuthenticated},
		{"member request before identify", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw(`{"op":8,"d":{"guild_id":"1","limit":0,"query":""}}`)
		}, gateway.CloseNotAuthenticated},
		{"bad JSON", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"op":1,`) }, gateway.CloseDecodeError},
		{"no op", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"d":null}`) }, gateway.CloseDecodeError},
		{"op key in capitals", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"OP":1,"D":null}`) }, gateway.CloseDecodeError},
		{"frame over 4096 bytes", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw(`{"op":1,"d":null,"x":"` + strings.Repeat("a", gateway.MaxClientFrame) + `"}`)
		}, gateway.CloseDecodeError},
		{"huge frame", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw(`{"op":1,"d":"` + strings.Repeat("a", 4<<20) + `"}`)
		}, gateway.CloseDecodeError},
		{"invalid UTF-8 in a JSON string", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw("{\"op\":1,\"d\":null,\"x\":\"caf\xe9\"}")
		}, gateway.CloseDecodeError},
		{"invalid UTF-8 in an Identify's properties", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			c.sendRaw(`{"op":2,"d":{"token":"` + Token + `","intents":1,"properties":{"os":"\xff\xfe"}}}`)
		}, gateway.CloseDecodeError},
		{"a lone UTF-8 continuation byte", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw("\x80") }, gateway.CloseDecodeError},
		{"unknown opcode", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"op":5,"d":null}`) }, gateway.CloseUnknownOpcode},
		{"server-only opcode", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"op":10,"d":{}}`) }, gateway.CloseUnknownOpcode},
		{"identify d not an object", "?v=10", func(c *client) { c.expect(gateway.OpHello, ""); c.sendRaw(`{"op":2,"d":"token"}`) }, gateway.CloseUnknownOpcode},
		{"too many sends", "?v=10", func(c *client) {
			c.expect(gateway.OpHello, "")
			for i := 0; i <= gatewaySendLimit; i++ {
				c.sendRaw(`{"op":1,"d":null}`)
			}
		}, gateway.CloseRateLimited},
		{"version 8", "?v=8&encoding=json", func(c *client) {}, gateway.CloseInvalidAPIVersion},
		{"ETF encoding", "?v=10&encoding=etf", func(c *client) {}, gateway.CloseInvalidAPIVersion},
		{"long bogus version", "?v=" + strings.Repeat("9", 300), func(c *client) {}, gateway.CloseInvalidAPIVersion},
		{"many unknown intent bits", "?v=10", func(c *client) { identify(c, identifyWith(^gateway.AllIntents)) }, gateway.CloseInvalidIntents},
		{"invalid shard", "?v=10", func(c *client) {
			id := identifyWith(gateway.IntentGuilds)
			id.Shard = &[2]int{2, 2}
			identify(c, id)
		}, gateway.CloseInvalidShard},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, ts, tc.query)
			tc.act(c)
			reason := c.expectClose(tc.want)
			if reason == "" {
				t.Errorf("close %d has no reason", tc.want)
			}
			if tc.name == "ETF encoding" && !strings.Contains(reason, "JSON") {
				t.Errorf("ETF close reason %q does not say the sandbox speaks JSON", reason)
			}
		})
	}
}

// TestCloseReasonsNameNoGoTypes sends payloads whose fields have the wrong
// JSON types: the close reason names the field and the JSON it needs, never
// the Go struct or type the sandbox decodes into.
func TestCloseReasonsNameNoGoTypes(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for frame, field := range map[string]string{
		`{"op":2,"d":{"token":"x","intents":"all","properties":{}}}`:                    "intents",
		`{"op":2,"d":{"token":1,"intents":1,"properties":{}}}`:                          "token",
		`{"op":2,"d":{"token":"x","intents":1,"properties":{},"shard":{"id":0}}}`:       "shard",
		`{"op":6,"d":{"token":"x","session_id":"s","seq":"three"}}`:                     "seq",
		`{"op":2,"d":{"token":"x","intents":1,"properties":{},"large_threshold":true}}`: "large_threshold",
	} {
		c := dial(t, ts, "?v=10")
		c.expect(gateway.OpHello, "")
		c.sendRaw(frame)
		reason := c.expectClose(gateway.CloseUnknownOpcode)
		if !strings.Contains(reason, field) || strings.Contains(reason, "Go ") || strings.Contains(reason, "gateway.") || strings.Contains(reason, "json:") {
			t.Errorf("%s: reason %q should name %s and no Go type", frame, reason, field)
		}
	}
}

func TestDisallowedPrivilegedIntent(t *testing.T) {
	cfg := testConfig()
	cfg.EnabledPrivileged = gateway.IntentGuildMembers // presence and content not enabled in the "portal"
	_, ts := startSandbox(t, cfg)
	for _, intents := range []gateway.Intents{gateway.IntentMessageContent, gateway.IntentGuildPresences} {
		c := dial(t, ts, "?v=10")
		c.expect(gateway.OpHello, "")
		c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuilds|intents))
		c.expectClose(gateway.CloseDisallowedIntents)
	}
	login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMembers) // the enabled one is fine

	cfg.EnabledPrivileged = PrivilegedNone
	_, ts = startSandbox(t, cfg)
	c := dial(t, ts, "?v=10")
	c.expect(gateway.OpHello, "")
	c.send(gateway.OpIdentify, identifyWith(gateway.IntentGuildMembers))
	c.expectClose(gateway.CloseDisallowedIntents)
}

func TestTokenAcceptedWithOrWithoutBotPrefix(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for _, token := range []string{Token, "Bot " + Token} {
		c := dial(t, ts, "?v=9&encoding=json")
		c.expect(gateway.OpHello, "")
		id := identifyWith(gateway.IntentGuilds)
		id.Token = token
		c.send(gateway.OpIdentify, id)
		ready := decode[gateway.Ready](t, c.expect(gateway.OpDispatch, "READY").D)
		if ready.V != 9 {
			t.Fatalf("v=9 connection got READY v %d", ready.V)
		}
	}
}

func TestDiscordgoStyleIdentifyProperties(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	c := dial(t, ts, "?v=9&encoding=json")
	c.expect(gateway.OpHello, "")
	// discordgo's spelling: $-prefixed properties, a legacy presence.game.
	c.sendRaw(`{"op":2,"d":{"token":"Bot ` + Token + `","properties":{"$os":"linux","$browser":"DiscordGo v0.29.0","$device":""},"compress":true,"large_threshold":250,"intents":` + strconv.Itoa(int(gateway.IntentGuilds)) + `,"presence":{"since":0,"game":null,"status":"","afk":false}}}`)
	c.expect(gateway.OpDispatch, "READY")
	if conns := s.Connections(); len(conns) != 1 || conns[0].Peer != "DiscordGo v0.29.0" {
		t.Fatalf("peer = %+v", conns)
	}
}

func TestFitCloseReason(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes of two-byte runes
	got := fitCloseReason(long)
	if len(got) > maxCloseReason || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("fitted reason: %d bytes, valid %v: %q", len(got), utf8.ValidString(got), got)
	}
	if fitCloseReason("short") != "short" {
		t.Fatal("a short reason was changed")
	}
}
