package sandbox

import (
	"strconv"
	"unicode/utf8"

	"gatewaytour/inspector/gateway"
)

// channelRoutes are channels: get, modify, delete, create and list in a guild.
var channelRoutes = []restRoute{
	{family: "channels", method: "GET", path: "/channels/{channel_id}", serve: (*Server).getChannel},
	{family: "channels", method: "PATCH", path: "/channels/{channel_id}", serve: (*Server).modifyChannel},
	{family: "channels", method: "DELETE", path: "/channels/{channel_id}", serve: (*Server).deleteChannel},
	{family: "channels", method: "GET", path: "/guilds/{guild_id}/channels", serve: (*Server).listGuildChannels},
	{family: "channels", method: "POST", path: "/guilds/{guild_id}/channels", serve: (*Server).createGuildChannel},
}

func (s *Server) getChannel(c *restCall) {
	s.do(c, 200, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		ch, g, err := s.world.botChannel(cid, 0)
		if err != nil {
			return nil, err
		}
		return ch.render(g), nil
	})
}

// channelBody is what creating or modifying a channel reads; nil fields
// are left as they are.
type channelBody struct {
	Name                 *string              `json:"name"`
	Type                 *int                 `json:"type"`
	Topic                *string              `json:"topic"`
	NSFW                 *bool                `json:"nsfw"`
	Position             *int                 `json:"position"`
	RateLimitPerUser     *int                 `json:"rate_limit_per_user"`
	Bitrate              *int                 `json:"bitrate"`
	UserLimit            *int                 `json:"user_limit"`
	ParentID             *gateway.Snowflake   `json:"parent_id"`
	PermissionOverwrites *[]gateway.Overwrite `json:"permission_overwrites"`
	// Thread fields.
	Archived            *bool `json:"archived"`
	Locked              *bool `json:"locked"`
	AutoArchiveDuration *int  `json:"auto_archive_duration"`
}

// validate checks the body as Discord does, every problem in one 50035.
func (b channelBody) validate(g *guildState) error {
	var errs []fieldError
	if b.Name != nil {
		if n := utf8.RuneCountInString(*b.Name); n < 1 || n > 100 {
			errs = append(errs, fieldError{[]string{"name"}, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
		}
	}
	if b.Topic != nil && utf8.RuneCountInString(*b.Topic) > 1024 {
		errs = append(errs, fieldError{[]string{"topic"}, "BASE_TYPE_MAX_LENGTH", "Must be 1024 or fewer in length."})
	}
	if b.RateLimitPerUser != nil && (*b.RateLimitPerUser < 0 || *b.RateLimitPerUser > 21600) {
		errs = append(errs, fieldError{[]string{"rate_limit_per_user"}, "NUMBER_TYPE_MAX", "int value should be less than or equal to 21600."})
	}
	if b.AutoArchiveDuration != nil {
		switch *b.AutoArchiveDuration {
		case 60, 1440, 4320, 10080:
		default:
			errs = append(errs, fieldError{[]string{"auto_archive_duration"}, "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}."})
		}
	}
	if b.ParentID != nil && *b.ParentID != 0 {
		if i := g.channelIndex(*b.ParentID); i < 0 || g.channels[i].ch.Type != gateway.ChannelGuildCategory {
			errs = append(errs, fieldError{[]string{"parent_id"}, "CHANNEL_PARENT_INVALID_TYPE", "Not a category"})
		}
	}
	if b.PermissionOverwrites != nil {
		for i, o := range *b.PermissionOverwrites {
			_, e1 := gateway.ParsePermissions(orZero(o.Allow))
			_, e2 := gateway.ParsePermissions(orZero(o.Deny))
			if e1 != nil || e2 != nil || (o.Type != gateway.OverwriteRole && o.Type != gateway.OverwriteMember) {
				errs = append(errs, fieldError{[]string{"permission_overwrites", strconv.Itoa(i)}, "MODEL_TYPE_CONVERT", "Invalid permission overwrite"})
			}
		}
	}
	if len(errs) > 0 {
		return formErrors(errs...)
	}
	return nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// apply writes the body's fields onto a channel.
func (b channelBody) apply(c *channelState) {
	ch := &c.ch
	if b.Name != nil {
		ch.Name = *b.Name
	}
	if b.Topic != nil {
		ch.Topic = b.Topic
	}
	if b.NSFW != nil {
		ch.NSFW = *b.NSFW
	}
	if b.Position != nil {
		ch.Position = *b.Position
	}
	if b.RateLimitPerUser != nil {
		ch.RateLimitPerUser = *b.RateLimitPerUser
	}
	if b.Bitrate != nil {
		ch.Bitrate = b.Bitrate
	}
	if b.UserLimit != nil {
		ch.UserLimit = b.UserLimit
	}
	if b.ParentID != nil {
		ch.ParentID = b.ParentID
		if *b.ParentID == 0 {
			ch.ParentID = nil
		}
	}
	if b.PermissionOverwrites != nil {
		c.overwrites = c.overwrites[:0:0]
		for _, o := range *b.PermissionOverwrites {
			o.Allow, o.Deny = orZero(o.Allow), orZero(o.Deny)
			c.overwrites = append(c.overwrites, o)
		}
	}
	if md := ch.ThreadMetadata; md != nil {
		if b.Archived != nil {
			md.Archived = *b.Archived
		}
		if b.Locked != nil {
			md.Locked = *b.Locked
		}
		if b.AutoArchiveDuration != nil {
			md.AutoArchiveDuration = *b.AutoArchiveDuration
		}
	}
}

// channelEvent names the create/update/delete event for a channel or thread.
func channelEvent(c *channelState, verb string) string {
	if isThread(c.ch.Type) {
		return "THREAD_" + verb
	}
	return "CHANNEL_" + verb
}

// modifyChannel is PATCH /channels/{id}: Manage Channels (Manage Threads
// for a thread, or being its owner), Manage Roles to change overwrites.
func (s *Server) modifyChannel(c *restCall) {
	s.do(c, 200, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		var body channelBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		ch, g, err := s.world.botChannel(cid, 0)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, discordErr(gateway.ErrDMChannel)
		}
		perms := s.world.permissionsIn(cid, BotID)
		need := gateway.PermManageChannels
		if isThread(ch.ch.Type) {
			need = gateway.PermManageThreads
			if ch.ch.OwnerID != nil && *ch.ch.OwnerID == BotID {
				need = 0
			}
		}
		if body.PermissionOverwrites != nil {
			need |= gateway.PermManageRoles
		}
		if !perms.Has(need) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if err := body.validate(g); err != nil {
			return nil, err
		}
		body.apply(ch)
		out := ch.render(g)
		s.dispatchLocked(channelEvent(ch, "UPDATE"), g.guild.ID, 0, mustJSON(out), nil)
		return out, nil
	})
}

// deleteChannel is DELETE /channels/{id}: the deleted channel comes back
// and CHANNEL_DELETE (THREAD_DELETE) goes out. Closing a DM answers the
// channel and changes nothing: the sandbox's DMs stay open.
func (s *Server) deleteChannel(c *restCall) {
	s.do(c, 200, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		ch, g, err := s.world.botChannel(cid, 0)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return ch.render(nil), nil
		}
		need := gateway.PermManageChannels
		if isThread(ch.ch.Type) {
			need = gateway.PermManageThreads
		}
		if !s.world.permissionsIn(cid, BotID).Has(need) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		out := ch.render(g)
		event := channelEvent(ch, "DELETE")
		var d []byte = mustJSON(out)
		if isThread(ch.ch.Type) {
			d = mustJSON(map[string]any{"id": out.ID, "guild_id": g.guild.ID, "parent_id": out.ParentID, "type": out.Type})
		}
		i := g.channelIndex(cid)
		g.channels = append(g.channels[:i], g.channels[i+1:]...)
		s.world.dropChannelMessages(cid)
		for _, other := range g.channels {
			if other.ch.ParentID != nil && *other.ch.ParentID == cid {
				other.ch.ParentID = nil // children of a deleted category move to the top
			}
		}
		s.dispatchLocked(event, g.guild.ID, 0, d, nil)
		return out, nil
	})
}

func (s *Server) listGuildChannels(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		out := []gateway.Channel{}
		for _, ch := range g.channels {
			if !isThread(ch.ch.Type) {
				out = append(out, ch.render(g))
			}
		}
		return out, nil
	})
}

// createGuildChannel is POST /guilds/{id}/channels (Manage Channels).
func (s *Server) createGuildChannel(c *restCall) {
	s.do(c, 201, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		var body channelBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, gateway.PermManageChannels)
		if err != nil {
			return nil, err
		}
		if body.Name == nil {
			return nil, formError("name", "BASE_TYPE_REQUIRED", "This field is required")
		}
		typ := gateway.ChannelGuildText
		if body.Type != nil {
			typ = *body.Type
		}
		switch typ {
		case gateway.ChannelGuildText, gateway.ChannelGuildVoice, gateway.ChannelGuildCategory, gateway.ChannelGuildAnnouncement:
		default:
			return nil, formError("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5}.")
		}
		if err := body.validate(g); err != nil {
			return nil, err
		}
		if typ == gateway.ChannelGuildCategory && body.ParentID != nil && *body.ParentID != 0 {
			return nil, formError("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Categories cannot have a parent")
		}
		if body.PermissionOverwrites != nil && !g.guildPermissions(BotID).Has(gateway.PermManageRoles) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		if len(g.channels) >= maxChannels {
			return nil, discordErr(gateway.ErrMaxChannels)
		}
		ch := &channelState{ch: gateway.Channel{ID: s.ids.Next(), Type: typ, Position: len(g.channels)}}
		if typ == gateway.ChannelGuildVoice {
			ch.ch.Bitrate, ch.ch.UserLimit = intp(64000), intp(0)
		}
		body.apply(ch)
		g.channels = append(g.channels, ch)
		out := ch.render(g)
		s.dispatchLocked("CHANNEL_CREATE", g.guild.ID, out.ID, mustJSON(out), nil)
		return out, nil
	})
}

func intp(i int) *int { return &i }
