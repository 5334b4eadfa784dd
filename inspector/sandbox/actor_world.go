package sandbox

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"gatewaytour/inspector/gateway"
)

// WorldView is GET /sandbox/world: everything an actor needs the ids of.
type WorldView struct {
	You    PersonView   `json:"you"` // the learner's own member, the default user_id
	Bot    PersonView   `json:"bot"`
	Guilds []GuildView  `json:"guilds"`
	DMs    []DMView     `json:"dms"`
	People []PersonView `json:"people"` // users known to the sandbox who are in no guild
}

// GuildView is one guild with its channels, roles and members.
type GuildView struct {
	ID          gateway.Snowflake `json:"id"`
	Name        string            `json:"name"`
	OwnerID     gateway.Snowflake `json:"owner_id"`
	MemberCount int               `json:"member_count"`
	Channels    []ChannelView     `json:"channels"`
	Roles       []RoleView        `json:"roles"`
	Members     []PersonView      `json:"members"`
}

// ChannelView is a channel's id, name and place.
type ChannelView struct {
	ID       gateway.Snowflake  `json:"id"`
	Name     string             `json:"name"`
	Type     int                `json:"type"`
	ParentID *gateway.Snowflake `json:"parent_id"`
}

// RoleView is a role's id, name and rank.
type RoleView struct {
	ID       gateway.Snowflake `json:"id"`
	Name     string            `json:"name"`
	Position int               `json:"position"`
	Managed  bool              `json:"managed"`
}

// PersonView is a user, and in a guild their roles and nickname.
type PersonView struct {
	ID          gateway.Snowflake   `json:"id"`
	Username    string              `json:"username"`
	DisplayName string              `json:"display_name"`
	Bot         bool                `json:"bot,omitempty"`
	Nick        *string             `json:"nick,omitempty"`
	Roles       []gateway.Snowflake `json:"roles,omitempty"`
}

// DMView is a direct-message channel with the bot.
type DMView struct {
	ID          gateway.Snowflake `json:"id"`
	RecipientID gateway.Snowflake `json:"recipient_id"`
}

func person(u gateway.User) PersonView {
	p := PersonView{ID: u.ID, Username: u.Username, DisplayName: u.Username, Bot: u.Bot}
	if u.GlobalName != nil {
		p.DisplayName = *u.GlobalName
	}
	return p
}

// World describes the guilds, channels, roles, members and DMs.
func (s *Server) World() WorldView {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.world
	v := WorldView{You: person(w.users[DefaultMemberID]), Bot: person(botUser()), Guilds: []GuildView{}, DMs: []DMView{}, People: []PersonView{}}
	inGuild := map[gateway.Snowflake]bool{}
	for _, g := range w.guilds {
		gv := GuildView{ID: g.guild.ID, Name: g.guild.Name, OwnerID: g.guild.OwnerID, MemberCount: len(g.members),
			Channels: []ChannelView{}, Roles: []RoleView{}, Members: make([]PersonView, 0, len(g.members))}
		for _, c := range g.channels {
			gv.Channels = append(gv.Channels, ChannelView{ID: c.ch.ID, Name: c.ch.Name, Type: c.ch.Type, ParentID: c.ch.ParentID})
		}
		for _, r := range g.guild.Roles {
			gv.Roles = append(gv.Roles, RoleView{ID: r.ID, Name: r.Name, Position: r.Position, Managed: r.Managed})
		}
		for _, r := range g.members {
			p := person(*r.member.User)
			p.Nick, p.Roles = r.member.Nick, r.member.Roles
			gv.Members = append(gv.Members, p)
			inGuild[p.ID] = true
		}
		v.Guilds = append(v.Guilds, gv)
	}
	for _, d := range append([]*channelState{w.dm}, w.dms...) {
		for _, u := range d.ch.Recipients {
			v.DMs = append(v.DMs, DMView{ID: d.ch.ID, RecipientID: u.ID})
		}
	}
	for id, u := range w.users {
		if !inGuild[id] && id != BotID {
			v.People = append(v.People, person(u))
		}
	}
	sort.Slice(v.People, func(i, j int) bool { return v.People[i].ID < v.People[j].ID })
	return v
}

// maxGuildMembers bounds how far the actor API can grow a guild.
const maxGuildMembers = 5000

// actorJoin is POST /sandbox/members: someone joins a guild (a new person
// named by username, or a known user by user_id) → GUILD_MEMBER_ADD.
func (s *Server) actorJoin(w http.ResponseWriter, r *http.Request) {
	var body struct {
		UserID     gateway.Snowflake `json:"user_id"`
		Username   string            `json:"username"`
		GlobalName *string           `json:"global_name"`
		GuildID    gateway.Snowflake `json:"guild_id"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return
	}
	if body.GuildID == 0 {
		body.GuildID = GuildID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.world.guildByID(body.GuildID)
	if g == nil {
		writeErr(w, errUnknownGuild)
		return
	}
	u, known := s.world.users[body.UserID]
	switch {
	case body.UserID != 0 && !known:
		writeErr(w, actorErr(http.StatusNotFound, gateway.ErrUnknownUser, "Unknown User: give a known user_id, or a username for someone new"))
		return
	case body.UserID == 0:
		name := strings.TrimSpace(body.Username)
		if n := len(name); n < 2 || n > 32 {
			writeErr(w, actorErr(http.StatusBadRequest, 50035, "username must be 2 to 32 characters (or give the user_id of a known user)"))
			return
		}
		u = gateway.User{ID: s.ids.Next(), Username: strings.ToLower(name), Discriminator: "0", GlobalName: body.GlobalName}
	}
	if g.member(u.ID) != nil {
		writeErr(w, actorErr(http.StatusBadRequest, 0, u.Username+" is already a member of "+g.guild.Name))
		return
	}
	if len(g.members) >= maxGuildMembers || len(s.world.users) >= 2*maxGuildMembers {
		writeErr(w, actorErr(http.StatusBadRequest, 0, "the sandbox holds at most 5000 members per guild"))
		return
	}
	s.world.users[u.ID] = u
	res := &resident{member: gateway.Member{User: &u, Roles: []gateway.Snowflake{}, JoinedAt: timestamp(s.now())}, status: "online"}
	g.members = append(g.members, res)
	s.dispatchLocked("GUILD_MEMBER_ADD", g.guild.ID, 0, mustJSON(memberWithGuild{res.member, g.guild.ID}), nil)
	writeJSON(w, http.StatusOK, memberWithGuild{res.member, g.guild.ID})
}

// actorLeave is DELETE /sandbox/members/{id}[?guild_id=]: the member leaves
// → GUILD_MEMBER_REMOVE. The bot and the owner cannot leave this way.
func (s *Server) actorLeave(w http.ResponseWriter, r *http.Request, rawID string) {
	id, err := gateway.ParseSnowflake(rawID)
	guild := GuildID
	if q := r.URL.Query().Get("guild_id"); q != "" {
		guild, _ = gateway.ParseSnowflake(q)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.world.guildByID(guild)
	switch {
	case g == nil:
		writeErr(w, errUnknownGuild)
		return
	case err != nil || g.member(id) == nil:
		writeErr(w, errUnknownMember)
		return
	case id == BotID:
		writeErr(w, actorErr(http.StatusBadRequest, 0, "the bot leaves a guild through its own REST call (DELETE /users/@me/guilds/{guild.id})"))
		return
	case id == g.guild.OwnerID:
		writeErr(w, actorErr(http.StatusBadRequest, 0, "the guild's owner cannot leave it"))
		return
	}
	s.removeMemberLocked(g, id)
	w.WriteHeader(http.StatusNoContent)
}
