package sandbox

import (
	"math/rand/v2"
	"time"

	"gatewaytour/inspector/gateway"
)

// activityLoop is the scripted life of the guild. It exists only while at
// least one session is attached to a connection: the first attach starts it,
// the last detach stops it, so an idle sandbox runs no timer at all.
type activityLoop struct {
	stop chan struct{}
}

// chatter is what members say. A few lines mention the bot or use its
// command, so a learner's bot has something to react to.
var chatter = []struct {
	channel gateway.Snowflake
	text    string
}{
	{GeneralChannelID, "good morning, everyone"},
	{GeneralChannelID, "has anyone tried resuming a session after a Wi-Fi drop?"},
	{GeneralChannelID, "TIL a member is a user inside one guild"},
	{GeneralChannelID, "the heartbeat interval is 41.25 seconds, oddly specific"},
	{GeneralChannelID, "brb, coffee"},
	{GeneralChannelID, "<@" + BotID.String() + "> are you awake?"},
	{GeneralChannelID, "who turned on the presence intent? I can see everyone idling"},
	{BotCommandsID, "!hello"},
	{BotCommandsID, "!hello there"},
}

var statuses = []string{"online", "idle", "dnd", "offline"}

// activityState carries what a scripted step started and a later one finishes.
type activityState struct {
	typing  *draft             // a message announced by TYPING_START, posted next
	visitor *gateway.Snowflake // a visitor who joined and will leave
}

func (s *Server) startActivityLocked() {
	if !s.cfg.Activity || s.activity != nil || s.closed {
		return
	}
	a := &activityLoop{stop: make(chan struct{})}
	s.activity = a
	go s.runActivity(a)
}

func (s *Server) stopActivityLocked() {
	if s.activity != nil {
		close(s.activity.stop)
		s.activity = nil
	}
}

// activityRunning reports whether the scripted activity loop is running.
func (s *Server) activityRunning() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activity != nil
}

func (s *Server) runActivity(a *activityLoop) {
	s.activityWorkers.Add(1)
	defer s.activityWorkers.Add(-1)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var st activityState
	timer := time.NewTimer(s.activityPause(rng))
	defer timer.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-timer.C:
		}
		s.mu.Lock()
		if s.activity != a {
			s.mu.Unlock()
			return
		}
		next := s.activityStepLocked(rng, &st)
		s.mu.Unlock()
		timer.Reset(next)
	}
}

// activityPause draws the time to the next event: exponential around
// ActivityEvery, clamped so nothing is instant and nothing takes forever.
func (s *Server) activityPause(rng *rand.Rand) time.Duration {
	mean := s.cfg.ActivityEvery
	d := time.Duration(rng.ExpFloat64() * float64(mean))
	return min(max(d, mean/4), 3*mean)
}

// activityStepLocked performs one scripted event and says when the next is due.
func (s *Server) activityStepLocked(rng *rand.Rand, st *activityState) time.Duration {
	s.activityEvents.Add(1)
	if st.typing != nil {
		d := *st.typing
		st.typing = nil
		_, _ = s.postLocked(d)
		return s.activityPause(rng)
	}
	humans := s.world.humans()
	switch roll := rng.IntN(10); {
	case roll < 6: // someone types, then speaks
		var speakers []*resident
		for _, r := range humans {
			if r.status != "offline" && (st.visitor == nil || r.member.User.ID != *st.visitor) {
				speakers = append(speakers, r)
			}
		}
		if len(speakers) == 0 {
			break
		}
		who := speakers[rng.IntN(len(speakers))]
		line := chatter[rng.IntN(len(chatter))]
		s.typingLocked(who, line.channel)
		st.typing = &draft{channelID: line.channel, author: who.member.User.ID, content: line.text}
		return min(max(s.cfg.ActivityEvery/4, 200*time.Millisecond), 2*time.Second)
	case roll < 8: // a status change
		who := humans[rng.IntN(len(humans))]
		next := statuses[rng.IntN(len(statuses))]
		if next == who.status {
			next = statuses[(rng.IntN(len(statuses)-1)+1+indexOf(statuses, who.status))%len(statuses)]
		}
		who.status = next
		s.broadcastLocked("PRESENCE_UPDATE", true, mustJSON(who.presence(GuildID)), nil)
	default: // a visitor joins, or the one who joined leaves
		if st.visitor != nil {
			s.memberLeaveLocked(*st.visitor)
			st.visitor = nil
		} else {
			v := s.world.visitors[rng.IntN(len(s.world.visitors))]
			s.memberJoinLocked(v)
			st.visitor = &v.ID
		}
	}
	return s.activityPause(rng)
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// memberWithGuild is a member plus guild_id, the shape of GUILD_MEMBER_ADD.
type memberWithGuild struct {
	gateway.Member
	GuildID gateway.Snowflake `json:"guild_id"`
}

func (s *Server) typingLocked(who *resident, channel gateway.Snowflake) {
	d := map[string]any{
		"channel_id": channel, "guild_id": GuildID, "user_id": who.member.User.ID,
		"timestamp": s.now().Unix(), "member": who.member,
	}
	s.broadcastLocked("TYPING_START", true, mustJSON(d), nil)
}

func (s *Server) memberJoinLocked(u gateway.User) {
	if s.world.resident(u.ID) != nil {
		return
	}
	s.world.users[u.ID] = u
	r := &resident{member: gateway.Member{User: &u, Roles: []gateway.Snowflake{}, JoinedAt: timestamp(s.now())}, status: "online"}
	s.world.home().members = append(s.world.home().members, r)
	s.broadcastLocked("GUILD_MEMBER_ADD", true, mustJSON(memberWithGuild{r.member, GuildID}), nil)
}

func (s *Server) memberLeaveLocked(id gateway.Snowflake) {
	home := s.world.home()
	for i, r := range home.members {
		if r.member.User.ID == id {
			home.members = append(home.members[:i], home.members[i+1:]...)
			d := map[string]any{"guild_id": GuildID, "user": r.member.User}
			s.broadcastLocked("GUILD_MEMBER_REMOVE", true, mustJSON(d), nil)
			return
		}
	}
}
