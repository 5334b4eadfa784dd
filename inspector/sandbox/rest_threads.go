package sandbox

import (
	"encoding/json"

	"gatewaytour/inspector/gateway"
)

// threadRoutes are threads: starting them, joining and leaving, members.
var threadRoutes = []restRoute{
	{family: "threads", method: "POST", path: "/channels/{channel_id}/messages/{message_id}/threads", serve: (*Server).startThreadFromMessage},
	{family: "threads", method: "POST", path: "/channels/{channel_id}/threads", serve: (*Server).startThread},
	{family: "threads", method: "PUT", path: "/channels/{channel_id}/thread-members/@me", serve: (*Server).joinThread},
	{family: "threads", method: "DELETE", path: "/channels/{channel_id}/thread-members/@me", serve: (*Server).leaveThread},
	{family: "threads", method: "GET", path: "/channels/{channel_id}/thread-members", serve: (*Server).listThreadMembers},
	{family: "threads", method: "GET", path: "/channels/{channel_id}/thread-members/{user_id}", serve: (*Server).getThreadMember},
	{family: "threads", method: "PUT", path: "/channels/{channel_id}/thread-members/{user_id}", serve: (*Server).addThreadMember},
	{family: "threads", method: "DELETE", path: "/channels/{channel_id}/thread-members/{user_id}", serve: (*Server).removeThreadMember},
	{family: "threads", method: "GET", path: "/guilds/{guild_id}/threads/active", serve: (*Server).activeThreads},
}

// msgTypeThreadCreated is the system message a thread started without a
// message leaves in its parent.
const msgTypeThreadCreated = 18

type threadBody struct {
	Name                *string `json:"name"`
	AutoArchiveDuration *int    `json:"auto_archive_duration"`
	RateLimitPerUser    *int    `json:"rate_limit_per_user"`
	Type                *int    `json:"type"`
	Invitable           *bool   `json:"invitable"`
}

// newThreadLocked creates a thread under parent with the bot as owner and
// first member, and dispatches THREAD_CREATE (newly_created).
func (s *Server) newThreadLocked(g *guildState, parent *channelState, id gateway.Snowflake, typ int, body threadBody) (gateway.Channel, error) {
	if body.Name == nil {
		return gateway.Channel{}, formError("name", "BASE_TYPE_REQUIRED", "This field is required")
	}
	cb := channelBody{Name: body.Name, AutoArchiveDuration: body.AutoArchiveDuration, RateLimitPerUser: body.RateLimitPerUser}
	if err := cb.validate(g); err != nil {
		return gateway.Channel{}, err
	}
	if len(g.channels) >= maxChannels {
		return gateway.Channel{}, discordErr(gateway.ErrMaxChannels)
	}
	now := timestamp(s.now())
	th := &channelState{ch: gateway.Channel{ID: id, Type: typ, ParentID: sf(parent.ch.ID), OwnerID: sf(BotID),
		ThreadMetadata: &gateway.ThreadMetadata{AutoArchiveDuration: 4320, ArchiveTimestamp: now, CreateTimestamp: now}}}
	if typ == gateway.ChannelPrivateThread {
		invitable := body.Invitable == nil || *body.Invitable
		th.ch.ThreadMetadata.Invitable = &invitable
	}
	cb.apply(th)
	th.members = []threadMember{{BotID, now}}
	g.channels = append(g.channels, th)
	out := th.render(g)
	created := map[string]any{}
	_ = json.Unmarshal(mustJSON(out), &created)
	created["newly_created"] = true
	s.dispatchLocked("THREAD_CREATE", g.guild.ID, out.ID, mustJSON(created), nil)
	return out, nil
}

// startThreadFromMessage is POST /channels/{id}/messages/{id}/threads: the
// thread's id is the message's, as on Discord; one thread per message.
func (s *Server) startThreadFromMessage(c *restCall) {
	s.do(c, 201, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		mid, err := c.id("message_id")
		if err != nil {
			return nil, err
		}
		var body threadBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		parent, g, err := s.world.botChannel(cid, gateway.PermCreatePublicThreads)
		if err != nil {
			return nil, err
		}
		typ := gateway.ChannelPublicThread
		switch {
		case g == nil:
			return nil, discordErr(gateway.ErrDMChannel)
		case parent.ch.Type == gateway.ChannelGuildAnnouncement:
			typ = gateway.ChannelAnnouncementThread
		case parent.ch.Type != gateway.ChannelGuildText:
			return nil, discordErr(gateway.ErrWrongChannelType)
		}
		m, err := s.world.findMessage(cid, mid)
		if err != nil {
			return nil, err
		}
		if m.Thread != nil || g.channelIndex(mid) >= 0 {
			return nil, discordErr(gateway.ErrThreadAlreadyForMessage)
		}
		th, err := s.newThreadLocked(g, parent, mid, typ, body)
		if err != nil {
			return nil, err
		}
		m.Thread = &th
		s.dispatchMessageLocked("MESSAGE_UPDATE", g, *m)
		return th, nil
	})
}

// startThread is POST /channels/{id}/threads: a thread without a starter
// message (private unless type says otherwise, as API v10 defaults), with
// the "started a thread" system message in the parent.
func (s *Server) startThread(c *restCall) {
	s.do(c, 201, func() (any, error) {
		cid, err := c.id("channel_id")
		if err != nil {
			return nil, err
		}
		var body threadBody
		if err := c.bind(&body); err != nil {
			return nil, err
		}
		typ := gateway.ChannelPrivateThread
		if body.Type != nil {
			typ = *body.Type
		}
		need := gateway.PermCreatePublicThreads
		switch typ {
		case gateway.ChannelPrivateThread:
			need = gateway.PermCreatePrivateThreads
		case gateway.ChannelPublicThread, gateway.ChannelAnnouncementThread:
		default:
			return nil, formError("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
		}
		parent, g, err := s.world.botChannel(cid, need)
		if err != nil {
			return nil, err
		}
		if g == nil {
			return nil, discordErr(gateway.ErrDMChannel)
		}
		if parent.ch.Type != gateway.ChannelGuildText && parent.ch.Type != gateway.ChannelGuildAnnouncement {
			return nil, discordErr(gateway.ErrWrongChannelType)
		}
		th, err := s.newThreadLocked(g, parent, s.ids.Next(), typ, body)
		if err != nil {
			return nil, err
		}
		if typ != gateway.ChannelPrivateThread {
			if _, err := s.postLocked(draft{channelID: cid, author: BotID, content: th.Name, msgType: msgTypeThreadCreated}); err != nil {
				return nil, err
			}
		}
		return th, nil
	})
}

// threadTarget resolves a thread the bot can see (50024 for a channel that
// is not a thread).
func (s *Server) threadTarget(c *restCall) (*channelState, *guildState, error) {
	cid, err := c.id("channel_id")
	if err != nil {
		return nil, nil, err
	}
	th, g, err := s.world.botChannel(cid, 0)
	if err != nil {
		return nil, nil, err
	}
	if !isThread(th.ch.Type) {
		return nil, nil, discordErr(gateway.ErrWrongChannelType)
	}
	return th, g, nil
}

func (th *channelState) memberIndex(uid gateway.Snowflake) int {
	for i, m := range th.members {
		if m.userID == uid {
			return i
		}
	}
	return -1
}

func threadMemberJSON(th *channelState, m threadMember) map[string]any {
	return map[string]any{"id": th.ch.ID, "user_id": m.userID, "join_timestamp": m.joined, "flags": 0}
}

// changeThreadMembersLocked adds or removes a user and dispatches
// THREAD_MEMBERS_UPDATE; nothing happens when nothing changes.
func (s *Server) changeThreadMembersLocked(th *channelState, g *guildState, uid gateway.Snowflake, add bool) error {
	i := th.memberIndex(uid)
	if (i >= 0) == add {
		return nil
	}
	if th.ch.ThreadMetadata != nil && th.ch.ThreadMetadata.Archived {
		return discordErr(gateway.ErrArchivedThread)
	}
	d := map[string]any{"id": th.ch.ID, "guild_id": g.guild.ID}
	if add {
		if g.member(uid) == nil {
			return discordErr(gateway.ErrUnknownMember)
		}
		m := threadMember{uid, timestamp(s.now())}
		th.members = append(th.members, m)
		added := threadMemberJSON(th, m)
		added["member"] = g.member(uid).member
		d["added_members"] = []map[string]any{added}
	} else {
		th.members = append(th.members[:i:i], th.members[i+1:]...)
		d["removed_member_ids"] = []gateway.Snowflake{uid}
	}
	d["member_count"] = len(th.members)
	s.dispatchLocked("THREAD_MEMBERS_UPDATE", g.guild.ID, th.ch.ID, mustJSON(d), nil)
	return nil
}

func (s *Server) joinThread(c *restCall)  { s.selfThreadMembership(c, true) }
func (s *Server) leaveThread(c *restCall) { s.selfThreadMembership(c, false) }

func (s *Server) selfThreadMembership(c *restCall, join bool) {
	s.do(c, 204, func() (any, error) {
		th, g, err := s.threadTarget(c)
		if err != nil {
			return nil, err
		}
		return nil, s.changeThreadMembersLocked(th, g, BotID, join)
	})
}

// addThreadMember and removeThreadMember act on someone else: adding needs
// Send Messages in Threads, removing Manage Threads (or owning the thread).
func (s *Server) addThreadMember(c *restCall)    { s.otherThreadMembership(c, true) }
func (s *Server) removeThreadMember(c *restCall) { s.otherThreadMembership(c, false) }

func (s *Server) otherThreadMembership(c *restCall, add bool) {
	s.do(c, 204, func() (any, error) {
		uid, err := c.id("user_id")
		if err != nil {
			return nil, err
		}
		th, g, err := s.threadTarget(c)
		if err != nil {
			return nil, err
		}
		perms := s.world.permissionsIn(th.ch.ID, BotID)
		owner := th.ch.OwnerID != nil && *th.ch.OwnerID == BotID
		if (add && !perms.Has(gateway.PermSendMessagesInThreads)) || (!add && !owner && !perms.Has(gateway.PermManageThreads)) {
			return nil, discordErr(gateway.ErrMissingPermissions)
		}
		return nil, s.changeThreadMembersLocked(th, g, uid, add)
	})
}

func (s *Server) listThreadMembers(c *restCall) {
	s.do(c, 200, func() (any, error) {
		th, _, err := s.threadTarget(c)
		if err != nil {
			return nil, err
		}
		out := []map[string]any{}
		for _, m := range th.members {
			out = append(out, threadMemberJSON(th, m))
		}
		return out, nil
	})
}

func (s *Server) getThreadMember(c *restCall) {
	s.do(c, 200, func() (any, error) {
		uid, err := c.id("user_id")
		if err != nil {
			return nil, err
		}
		th, _, err := s.threadTarget(c)
		if err != nil {
			return nil, err
		}
		i := th.memberIndex(uid)
		if i < 0 {
			return nil, discordErr(gateway.ErrUnknownMember)
		}
		return threadMemberJSON(th, th.members[i]), nil
	})
}

// activeThreads is GET /guilds/{id}/threads/active: the guild's unarchived
// threads the bot can see and its own memberships in them.
func (s *Server) activeThreads(c *restCall) {
	s.do(c, 200, func() (any, error) {
		gid, err := c.id("guild_id")
		if err != nil {
			return nil, err
		}
		g, err := s.world.botGuild(gid, 0)
		if err != nil {
			return nil, err
		}
		threads, members := []gateway.Channel{}, []map[string]any{}
		for _, th := range g.channels {
			if !isThread(th.ch.Type) || th.ch.ThreadMetadata.Archived || !s.world.permissionsIn(th.ch.ID, BotID).Has(gateway.PermViewChannel) {
				continue
			}
			threads = append(threads, th.render(g))
			if i := th.memberIndex(BotID); i >= 0 {
				members = append(members, threadMemberJSON(th, th.members[i]))
			}
		}
		return map[string]any{"threads": threads, "members": members, "has_more": false}, nil
	})
}
