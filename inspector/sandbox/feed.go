package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"gatewaytour/inspector/gateway"
)

// The feed is what a person's Discord client would receive: the world's
// dispatches as they happen, for a page that shows the guild as a member
// sees it. It is not a bot's gateway: no intents, no sequence numbers, no
// resume. A channel's history is the actor API's GET /sandbox/messages.
// A viewer that falls behind is told so and dropped; it reconnects
// and starts again from a fresh snapshot, which is cheaper than replaying.
//
//	GET  /sandbox/events?user_id=…            text/event-stream: "snapshot", then "dispatch" events,
//	                                          and "interaction" (the invoker's only: answered, deferred, failed)
//	POST /sandbox/presence                    {"user_id","status"}: PRESENCE_UPDATE
//	PATCH, DELETE /sandbox/messages/{id}      the member edits or deletes (actor_edit.go)

const (
	maxFeedViewers   = 8                // pages open at once; the ninth is refused with 503
	feedBuffer       = 1024             // dispatches a viewer may have waiting before it is dropped
	feedWriteTimeout = 10 * time.Second // a viewer that cannot take a write in this long is gone
	feedPing         = 25 * time.Second // keeps proxies and idle timers from closing a quiet stream
)

type feedViewer struct {
	user gateway.Snowflake
	ch   chan []byte
	lost chan struct{} // closed when the buffer overflowed
}

type feedHub struct {
	mu      sync.Mutex
	viewers map[*feedViewer]struct{}
}

// feedLocked offers a dispatch to every viewer who can see where it
// happened. It never blocks: the world's lock is held.
func (s *Server) feedLocked(t string, d []byte) {
	hub := &s.feed
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if len(hub.viewers) == 0 {
		return
	}
	var where struct {
		ChannelID gateway.Snowflake `json:"channel_id"`
		GuildID   gateway.Snowflake `json:"guild_id"`
	}
	_ = json.Unmarshal(d, &where)
	frame := feedEvent("dispatch", map[string]any{"t": t, "d": json.RawMessage(d)})
	for v := range hub.viewers {
		if !s.feedVisibleLocked(v.user, where.ChannelID, where.GuildID) {
			continue
		}
		v.offer(frame)
	}
}

// offer queues a frame without waiting; a full buffer marks the viewer lost.
func (v *feedViewer) offer(frame []byte) {
	select {
	case v.ch <- frame:
	default:
		select {
		case <-v.lost:
		default:
			close(v.lost)
		}
	}
}

// feedVisibleLocked is whether the member would be told about an event in
// the channel: a guild channel needs View Channel, a DM must be theirs.
func (s *Server) feedVisibleLocked(user, channel, guild gateway.Snowflake) bool {
	if channel == 0 {
		return guild == 0 || s.world.guildByID(guild) == nil || s.world.guildByID(guild).member(user) != nil
	}
	c, g := s.world.findChannel(channel)
	switch {
	case c == nil:
		return true // already gone (CHANNEL_DELETE): nothing left to hide
	case g != nil:
		return g.member(user) != nil && s.world.permissionsIn(channel, user).Has(gateway.PermViewChannel)
	}
	for _, r := range c.ch.Recipients {
		if r.ID == user {
			return true
		}
	}
	return false
}

// feedInteraction tells the invoker's viewers how an interaction they
// started stands once its 3 seconds are settled: the bot's response (a
// deferral is "thinking"), its ephemeral reply, or "The application did
// not respond". Nobody else is told: ephemeral replies are the invoker's.
func (s *Server) feedInteraction(user gateway.Snowflake, v InteractionView) {
	hub := &s.feed
	hub.mu.Lock()
	defer hub.mu.Unlock()
	frame := feedEvent("interaction", v)
	for viewer := range hub.viewers {
		if viewer.user != user {
			continue
		}
		viewer.offer(frame)
	}
}

func feedEvent(name string, v any) []byte {
	b := []byte("event: " + name + "\ndata: ")
	b = append(b, mustJSON(v)...)
	return append(b, "\n\n"...)
}

// FeedSnapshot is the feed's first event: the world as a member's client
// is given it at login (full guilds, the DMs, who is who).
type FeedSnapshot struct {
	You    gateway.Snowflake `json:"you"`
	Bot    gateway.User      `json:"bot"`
	Guilds []gateway.Guild   `json:"guilds"`
	DMs    []gateway.Channel `json:"dms"`
	Bots   int               `json:"bots_connected"`
}

func (s *Server) feedSnapshotLocked(user gateway.Snowflake) FeedSnapshot {
	snap := FeedSnapshot{You: user, Bot: botUser(), Guilds: []gateway.Guild{}, DMs: []gateway.Channel{}, Bots: s.live}
	for _, g := range s.world.guilds {
		if g.member(user) == nil {
			continue
		}
		guild := g.guildCreate(gateway.IntentGuildPresences|gateway.IntentGuildMembers, 1<<30)
		// A member's client lists only the channels the member may view.
		visible := guild.Channels[:0:0]
		for _, ch := range guild.Channels {
			if s.world.permissionsIn(ch.ID, user).Has(gateway.PermViewChannel) {
				visible = append(visible, ch)
			}
		}
		guild.Channels = visible
		snap.Guilds = append(snap.Guilds, guild)
	}
	for _, d := range append([]*channelState{s.world.dm}, s.world.dms...) {
		for _, r := range d.ch.Recipients {
			if r.ID == user {
				snap.DMs = append(snap.DMs, d.render(nil))
			}
		}
	}
	return snap
}

// serveFeed answers the feed's routes; false for any other path.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, path string) bool {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/events" && r.Method == http.MethodGet:
		s.feedStream(w, r)
	case path == "/presence" && r.Method == http.MethodPost:
		s.actorPresence(w, r)
	case len(seg) == 2 && seg[0] == "messages" && (r.Method == http.MethodPatch || r.Method == http.MethodDelete):
		s.actorEdit(w, r, seg[1], r.Method == http.MethodDelete) // actor_edit.go
	default:
		return false
	}
	return true
}

func feedUser(r *http.Request) (gateway.Snowflake, *postError) {
	raw := r.URL.Query().Get("user_id")
	if raw == "" {
		return DefaultMemberID, nil
	}
	id, err := gateway.ParseSnowflake(raw)
	if err != nil {
		return 0, actorErr(http.StatusBadRequest, 50035, "user_id must be a snowflake")
	}
	return id, nil
}

func (s *Server) feedStream(w http.ResponseWriter, r *http.Request) {
	user, pe := feedUser(r)
	if pe != nil {
		writeErr(w, pe)
		return
	}
	hub := &s.feed
	v := &feedViewer{user: user, ch: make(chan []byte, feedBuffer), lost: make(chan struct{})}
	s.mu.Lock()
	hub.mu.Lock()
	if hub.viewers == nil {
		hub.viewers = map[*feedViewer]struct{}{}
	}
	full := len(hub.viewers) >= maxFeedViewers
	if !full {
		hub.viewers[v] = struct{}{}
	}
	hub.mu.Unlock()
	var snap FeedSnapshot
	if !full {
		snap = s.feedSnapshotLocked(user) // taken under the same lock as joining: nothing falls between
	}
	s.mu.Unlock()
	if full {
		writeJSON(w, http.StatusServiceUnavailable, apiError{Message: "the sandbox feed has " + strconv.Itoa(maxFeedViewers) + " viewers already: close another tab", Code: 0})
		return
	}
	defer func() {
		hub.mu.Lock()
		delete(hub.viewers, v)
		hub.mu.Unlock()
	}()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(feedWriteTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(feedEvent("snapshot", snap)) {
		return
	}
	ping := time.NewTicker(feedPing)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-v.lost:
			write(feedEvent("lost", map[string]string{"reason": "the page fell behind the world; reconnecting starts from a fresh snapshot"}))
			return
		case b := <-v.ch:
			if !write(b) {
				return
			}
		case <-ping.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		}
	}
}
