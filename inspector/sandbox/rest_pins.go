package sandbox

import (
	"sort"

	"gatewaytour/inspector/gateway"
)

// pinRoutes are pins, under both paths Discord serves: /pins (what
// discord.py 2.2 and discordgo call) and the newer /messages/pins.
var pinRoutes = []restRoute{
	{family: "pins", method: "GET", path: "/channels/{channel_id}/pins", serve: (*Server).listPinsOld},
	{family: "pins", method: "PUT", path: "/channels/{channel_id}/pins/{message_id}", serve: (*Server).pinMessage},
	{family: "pins", method: "DELETE", path: "/channels/{channel_id}/pins/{message_id}", serve: (*Server).unpinMessage},
	{family: "pins", method: "GET", path: "/channels/{channel_id}/messages/pins", serve: (*Server).listPins},
	{family: "pins", method: "PUT", path: "/channels/{channel_id}/messages/pins/{message_id}", serve: (*Server).pinMessage},
	{family: "pins", method: "DELETE", path: "/channels/{channel_id}/messages/pins/{message_id}", serve: (*Server).unpinMessage},
}

// maxPins is Discord's limit per channel.
const maxPins = 50

// msgTypeChannelPinned is the system message Discord posts on a pin.
const msgTypeChannelPinned = 6

func sortIDs(ids []gateway.Snowflake) {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
}

// pinTarget resolves the channel and message of a pin route; the bot needs
// Pin Messages (or, as before that permission existed, Manage Messages) in
// a guild.
func (s *Server) pinTarget(c *restCall) (*channelState, *guildState, *gateway.Message, error) {
	ch, g, m, err := s.channelMessage(c, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	if perms := s.world.permissionsIn(ch.ch.ID, BotID); g != nil && !perms.Has(gateway.PermPinMessages) && !perms.Has(gateway.PermManageMessages) {
		return nil, nil, nil, discordErr(gateway.ErrMissingPermissions)
	}
	return ch, g, m, nil
}

// pinMessage pins a message: CHANNEL_PINS_UPDATE, MESSAGE_UPDATE (pinned),
// and the "pinned a message" system message, as on Discord.
func (s *Server) pinMessage(c *restCall) {
	s.do(c, 204, func() (any, error) {
		ch, g, m, err := s.pinTarget(c)
		if err != nil || m.Pinned {
			return nil, err
		}
		if len(ch.pins) >= maxPins {
			return nil, discordErr(gateway.ErrMaxPins)
		}
		if m.Type != 0 && m.Type != 19 {
			return nil, discordErr(gateway.ErrSystemMessage)
		}
		at := timestamp(s.now())
		ch.pins = append([]pin{{m.ID, at}}, ch.pins...)
		m.Pinned = true
		pinned := *m
		s.dispatchMessageLocked("MESSAGE_UPDATE", g, pinned)
		s.pinsUpdateLocked(ch, g)
		if _, err := s.postLocked(draft{channelID: ch.ch.ID, author: BotID, msgType: msgTypeChannelPinned, replyTo: &pinned.ID, replyMayFail: true}); err != nil {
			return nil, err
		}
		return nil, nil
	})
}

func (s *Server) unpinMessage(c *restCall) {
	s.do(c, 204, func() (any, error) {
		ch, g, m, err := s.pinTarget(c)
		if err != nil || !m.Pinned {
			return nil, err
		}
		left := ch.pins[:0:0]
		for _, p := range ch.pins {
			if p.id != m.ID {
				left = append(left, p)
			}
		}
		ch.pins = left
		m.Pinned = false
		s.dispatchMessageLocked("MESSAGE_UPDATE", g, *m)
		s.pinsUpdateLocked(ch, g)
		return nil, nil
	})
}

func (s *Server) pinsUpdateLocked(ch *channelState, g *guildState) {
	d := map[string]any{"channel_id": ch.ch.ID, "last_pin_timestamp": nil}
	if len(ch.pins) > 0 {
		d["last_pin_timestamp"] = ch.pins[0].at
	}
	if g != nil {
		d["guild_id"] = g.guild.ID
	}
	s.dispatchLocked("CHANNEL_PINS_UPDATE", guildIDOf(g), ch.ch.ID, mustJSON(d), nil)
}

type pinned struct {
	at  string
	msg gateway.Message
}

// pinnedMessages are a channel's pins, newest pin first.
func (s *Server) pinnedMessages(c *restCall) ([]pinned, error) {
	cid, err := c.id("channel_id")
	if err != nil {
		return nil, err
	}
	ch, _, err := s.world.botChannel(cid, gateway.PermReadMessageHistory)
	if err != nil {
		return nil, err
	}
	var out []pinned
	for _, p := range ch.pins {
		if m, err := s.world.findMessage(cid, p.id); err == nil {
			out = append(out, pinned{p.at, restMessage(*m)})
		}
	}
	return out, nil
}

// listPinsOld is GET /channels/{id}/pins: an array of messages.
func (s *Server) listPinsOld(c *restCall) {
	s.do(c, 200, func() (any, error) {
		pins, err := s.pinnedMessages(c)
		if err != nil {
			return nil, err
		}
		msgs := make([]gateway.Message, 0, len(pins))
		for _, p := range pins {
			msgs = append(msgs, p.msg)
		}
		return msgs, nil
	})
}

// listPins is GET /channels/{id}/messages/pins: {items: [{pinned_at,
// message}], has_more}, ?before a pin time, ?limit 1–50 (50).
func (s *Server) listPins(c *restCall) {
	s.do(c, 200, func() (any, error) {
		limit, err := c.queryInt("limit", 50, 1, 50)
		if err != nil {
			return nil, err
		}
		before := c.query("before")
		pins, err := s.pinnedMessages(c)
		if err != nil {
			return nil, err
		}
		items := []map[string]any{}
		more := false
		for _, p := range pins {
			if before != "" && p.at >= before {
				continue
			}
			if len(items) == limit {
				more = true
				break
			}
			items = append(items, map[string]any{"pinned_at": p.at, "message": p.msg})
		}
		return map[string]any{"items": items, "has_more": more}, nil
	})
}
