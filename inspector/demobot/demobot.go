// Package demobot is the sandbox's built-in demo bot: a small bot in our
// own Go that logs in to the sandbox over the real gateway (through
// inspector/client) and acts over the real REST API, like any bot a
// learner writes. It registers /hello, /roll, a button and a modal, and
// answers them, so the guild view is alive before the learner has written
// a line. Its frames are a stream like any other bot's.
package demobot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// Peer is the demo bot's name in Identify's properties, the stream list
// and its REST User-Agent.
const Peer = "demobot"

// Custom ids of the demo's components; only these are the demo bot's to answer.
const (
	waveID  = "demo:wave"
	noteID  = "demo:note"
	modalID = "demo:note-modal"
	fieldID = "note"
)

// Bot is one run of the demo bot.
type Bot struct {
	rest   *rest
	token  string
	logger *slog.Logger
	api    string
}

// New makes a bot for the sandbox whose API base is api
// ("http://127.0.0.1:8080/api/v10") with the sandbox's token.
func New(api, token string, logger *slog.Logger) *Bot {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bot{rest: newREST(api, token), token: token, logger: logger, api: api}
}

// Run logs in and answers until ctx ends.
func (b *Bot) Run(ctx context.Context) error {
	events := make(chan gateway.Payload, 64)
	c, err := client.New(client.Config{
		RESTBase:   b.api,
		Token:      b.token,
		Intents:    gateway.IntentGuilds | gateway.IntentGuildMessages | gateway.IntentMessageContent | gateway.IntentDirectMessages,
		Properties: gateway.IdentifyProperties{OS: "linux", Browser: Peer, Device: Peer},
		ConnPrefix: Peer,
		Logger:     b.logger,
		Sink: func(f gateway.WireFrame) {
			if f.Dir != gateway.Recv || f.Data == nil {
				return
			}
			p, err := gateway.DecodePayload(f.Data)
			if err != nil || p.Op != gateway.OpDispatch || p.T == nil {
				return
			}
			select {
			case events <- p:
			default: // the bot is behind: Discord would not wait for it either
			}
		},
	})
	if err != nil {
		return err
	}
	go b.handle(ctx, events)
	return c.Run(ctx)
}

func (b *Bot) handle(ctx context.Context, events <-chan gateway.Payload) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-events:
			switch *p.T {
			case "READY":
				if err := b.register(ctx); err != nil {
					b.logger.Warn("demobot: registering commands", "err", err)
				}
			case "INTERACTION_CREATE":
				go b.interaction(ctx, p.D)
			case "MESSAGE_CREATE":
				go b.message(ctx, p.D)
			}
		}
	}
}

// commands are the demo's slash commands, registered globally.
var commands = []map[string]any{
	{"name": "hello", "type": 1, "description": "Say hello to the demo bot"},
	{"name": "roll", "type": 1, "description": "Roll a die (the bot thinks first)", "options": []map[string]any{
		{"type": 4, "name": "sides", "description": "How many sides (2–1000)", "min_value": 2, "max_value": 1000},
	}},
}

// register adds the demo's commands beside whatever else is registered, one
// by one (POST upserts by name), so a learner's own commands stay.
func (b *Bot) register(ctx context.Context) error {
	for _, cmd := range commands {
		if err := b.rest.do(ctx, "POST", "/applications/"+appID(b.token)+"/commands", cmd, nil); err != nil {
			return err
		}
	}
	return nil
}

type interaction struct {
	ID     string `json:"id"`
	Token  string `json:"token"`
	Type   int    `json:"type"`
	Member *struct {
		User gateway.User `json:"user"`
	} `json:"member"`
	User *gateway.User `json:"user"`
	Data struct {
		Name     string `json:"name"`
		CustomID string `json:"custom_id"`
		Options  []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"options"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Value    string `json:"value"`
			} `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

func (in interaction) who() string {
	if in.Member != nil {
		return in.Member.User.Username
	}
	if in.User != nil {
		return in.User.Username
	}
	return "there"
}

func (b *Bot) interaction(ctx context.Context, raw json.RawMessage) {
	var in interaction
	if json.Unmarshal(raw, &in) != nil {
		return
	}
	answer := func(typ int, data any) {
		path := "/interactions/" + in.ID + "/" + in.Token + "/callback"
		if err := b.rest.do(ctx, "POST", path, map[string]any{"type": typ, "data": data}, nil); err != nil {
			b.logger.Warn("demobot: answering", "err", err)
		}
	}
	switch {
	case in.Type == 2 && in.Data.Name == "hello":
		answer(4, map[string]any{
			"content": fmt.Sprintf("Hello, **%s**! I am the built-in demo bot. Press a button, or try `/roll`.", in.who()),
			"components": []any{map[string]any{"type": 1, "components": []any{
				map[string]any{"type": 2, "style": 1, "label": "Wave back", "custom_id": waveID},
				map[string]any{"type": 2, "style": 2, "label": "Tell me something", "custom_id": noteID},
			}}},
		})
	case in.Type == 2 && in.Data.Name == "roll":
		sides := 6
		for _, o := range in.Data.Options {
			if o.Name == "sides" {
				_ = json.Unmarshal(o.Value, &sides)
			}
		}
		answer(5, nil) // "thinking…": the roll comes as an edit of @original
		select {
		case <-ctx.Done():
			return
		case <-time.After(800 * time.Millisecond):
		}
		content := fmt.Sprintf("🎲 %s rolled **%d** (1–%d)", in.who(), rand.IntN(max(sides, 2))+1, sides)
		path := "/webhooks/" + appID(b.token) + "/" + in.Token + "/messages/@original"
		if err := b.rest.do(ctx, "PATCH", path, map[string]any{"content": content}, nil); err != nil {
			b.logger.Warn("demobot: editing the roll", "err", err)
		}
	case in.Type == 3 && in.Data.CustomID == waveID:
		answer(4, map[string]any{"content": "👋 " + in.who() + " waved back. (Only you see this: the reply is ephemeral.)", "flags": 64})
	case in.Type == 3 && in.Data.CustomID == noteID:
		answer(9, map[string]any{"custom_id": modalID, "title": "Tell the demo bot something", "components": []any{
			map[string]any{"type": 1, "components": []any{map[string]any{
				"type": 4, "custom_id": fieldID, "style": 2, "label": "Your note", "min_length": 1, "max_length": 200, "required": true,
			}}},
		}})
	case in.Type == 5 && in.Data.CustomID == modalID:
		note := ""
		for _, row := range in.Data.Components {
			for _, c := range row.Components {
				if c.CustomID == fieldID {
					note = c.Value
				}
			}
		}
		answer(4, map[string]any{"content": "📝 " + in.who() + " said:\n> " + strings.ReplaceAll(note, "\n", "\n> ")})
	}
}

// message answers !ping, the first lesson's bot.
func (b *Bot) message(ctx context.Context, raw json.RawMessage) {
	var m gateway.Message
	if json.Unmarshal(raw, &m) != nil || m.Author.Bot || strings.TrimSpace(m.Content) != "!ping" {
		return
	}
	body := map[string]any{"content": "Pong!", "message_reference": map[string]any{"message_id": m.ID}}
	if err := b.rest.do(ctx, "POST", "/channels/"+m.ChannelID.String()+"/messages", body, nil); err != nil {
		b.logger.Warn("demobot: !ping", "err", err)
	}
}
