// Package sandbox is a local Discord: a gateway (API v9/v10, JSON encoding,
// optional zlib-stream or zstd-stream) and the REST routes of its route table (routes.go),
// serving two guilds (a small one whose members chat now and then, and a
// large one libraries must chunk) on two shards. It enforces the real rules
// (bad token → 4004, privileged intent not enabled → 4014, permissions and
// the role hierarchy → 50013, Discord's body limits → 50035, …) so a bot
// that works here behaves the same against Discord, and it publishes every
// frame and REST exchange so the inspector can annotate them.
//
// Where Discord leaves a choice open, or the sandbox simplifies, it does so
// on purpose:
//
//   - encoding=etf, or any v other than 9 and 10, is closed with 4012 and a
//     reason that says the sandbox speaks JSON v9/v10: a code libraries do not
//     retry, since reconnecting the same way would fail forever. A missing v
//     is taken as 10, so a hand-typed URL works.
//   - compress=zlib-stream and compress=zstd-stream get binary frames of one
//     stream per connection, flushed after every message, as Discord sends
//     them (zstd: one frame that never ends, one message per websocket
//     frame); any other value gets plain text frames, which every library
//     accepts.
//   - A client whose send queue fills up (it stopped reading) is closed with
//     4000: the fault is the connection, not the session, so it may resume
//     and have the missed dispatches replayed. The write under way is left
//     to finish, so the close frame reaches a client that reads again.
//   - A silent client is closed with 4009, which ends its session, as
//     Discord documents: a Resume afterwards gets op 9 false. A session also
//     ends with the client's own close with 1000/1001, op 9 false, or
//     SessionTTL passing after any other drop. Expired sessions are forgotten
//     lazily, when sessions are next created or looked up: no timers.
//   - After op 7 the client has Config.ReconnectGrace to close; then the
//     sandbox closes with 4000, keeping the session for the Resume.
//   - A client frame that is not UTF-8 is closed with 4002 like any payload
//     that does not decode.
//   - GUILD_CREATE lists members as Discord does (without GUILD_PRESENCES
//     only the bot and members in voice), with the true member_count, so
//     libraries that want everyone request members (op 8) and get them in
//     chunks of 1000.
//   - Identify's max_concurrency (one per 5 s per bucket) is enforced only
//     when Config.MaxConcurrency is set, so many bots sharing the one token
//     can log in at once; 1000 session starts per day are counted.
//   - REST wants "Authorization: Bot <token>"; the gateway takes the token
//     with or without "Bot ", as discordgo users often send it that way.
package sandbox

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gatewaytour/inspector/gateway"
)

// Token is the sandbox bot's token. It has a real token's shape: its first
// part is the bot's id in unpadded base64, because some libraries read the
// application id from it before connecting. It is not a secret.
const Token = "MTM1MDAzNzQ2MDIyMjA4MzA3Mg.Gt0urS.sandbox-token_not-a-secret-use-freely"

// The fixed ids of the sandbox world. They are real snowflakes: their
// timestamps fall in March 2025, when the "guild" was "created".
const (
	BotID            gateway.Snowflake = 1350037460222083072
	ApplicationID    gateway.Snowflake = BotID // a modern app's id equals its bot user's id
	GuildID          gateway.Snowflake = 1350038244556931072
	CategoryID       gateway.Snowflake = 1350038244556931073
	GeneralChannelID gateway.Snowflake = 1350038244556931074
	BotCommandsID    gateway.Snowflake = 1350038244556931075
	VoiceChannelID   gateway.Snowflake = 1350038244556931076
	ModeratorRoleID  gateway.Snowflake = 1350038496215171072
	MemberRoleID     gateway.Snowflake = 1350038496215171073
	// DefaultMemberID is the human member who posts when no author is named.
	DefaultMemberID gateway.Snowflake = 1302331392000131072
	// DMChannelID is a direct-message channel between DefaultMemberID and the bot.
	DMChannelID gateway.Snowflake = 1350408182169731072

	// BotRoleID is the bot's own managed role in the home guild, below
	// Moderator and above Member: the bot can manage Member, not Moderator.
	BotRoleID       gateway.Snowflake = 1350038496215171074
	AnnouncementsID gateway.Snowflake = 1350045794304000000 // an announcement channel
	// StaffChannelID is hidden from @everyone and shown to Moderator by
	// overwrites: the bot cannot see it (50001 Missing Access).
	StaffChannelID gateway.Snowflake = 1350047052595200000
	// IntroThreadID is a public thread in #general.
	IntroThreadID gateway.Snowflake = 1352205022003200000

	// CommunityGuildID is a second, large guild (over 1,000 members, so
	// libraries chunk it in several GUILD_MEMBERS_CHUNKs). With two shards it
	// sits on shard 1 and GuildID on shard 0.
	CommunityGuildID    gateway.Snowflake = 1360675838365794304
	CommunityCategoryID gateway.Snowflake = 1360675838365794305
	CommunityGeneralID  gateway.Snowflake = 1360675838365794306
	CommunityVoiceID    gateway.Snowflake = 1360675838365794307
	CommunityBotRoleID  gateway.Snowflake = 1360675838365794308
	RegularRoleID       gateway.Snowflake = 1360675838365794309
)

// PrivilegedNone, as Config.EnabledPrivileged, enables no privileged intent
// (the zero value means "all three"). It is a bit that is not an intent.
const PrivilegedNone gateway.Intents = 1 << 63

// Config tunes the sandbox. The zero value is usable; see each field's default.
type Config struct {
	// HeartbeatInterval goes out in Hello. Default 41250 ms, the value real
	// captures show; it must stay under 60 s or discord.py times out.
	HeartbeatInterval time.Duration
	// ServerHeartbeatEvery is how often the sandbox sends op 1 to each
	// client, asking for an immediate heartbeat. Default 3 minutes: Discord
	// does this rarely, so a learner watching for a few minutes sees it once
	// without it crowding the ordinary heartbeats. Negative turns it off.
	ServerHeartbeatEvery time.Duration
	// EnabledPrivileged is what the app has "enabled in the portal". Zero
	// means all three privileged intents; PrivilegedNone means none.
	EnabledPrivileged gateway.Intents
	// Activity runs the scripted chatter while a bot is connected.
	Activity bool
	// ActivityEvery is the mean pause between scripted events. Default 8 s,
	// slow enough for a reader to follow each frame.
	ActivityEvery time.Duration
	// HeartbeatGrace is how long past heartbeat_interval a silent client is
	// kept before it is closed with 4009. Default 15 s.
	HeartbeatGrace time.Duration
	// ReconnectGrace is how long, after op 7, the sandbox waits for the
	// client to close before closing the connection itself with 4000
	// (resumable), as Discord does. Default 5 s.
	ReconnectGrace time.Duration
	// SessionTTL is how long a session stays resumable after its connection
	// dropped. Default 3 minutes ("a few minutes" on Discord).
	SessionTTL time.Duration
	// MaxConcurrency, when above 0, enforces Discord's identify limit: one
	// Identify per 5 seconds in each bucket shard_id % MaxConcurrency, an
	// Identify over it answered with op 9 (d false), and GET /gateway/bot
	// reports it. Zero reports max_concurrency 1 without enforcing it, so
	// the inspector, the hello-world walk and a learner's bots, which all
	// share the sandbox's one token, can log in side by side.
	MaxConcurrency int
	// Now replaces the clock (rate limits, timestamps, session expiry).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 41250 * time.Millisecond
	}
	if c.ServerHeartbeatEvery == 0 {
		c.ServerHeartbeatEvery = 3 * time.Minute
	}
	if c.EnabledPrivileged == 0 {
		c.EnabledPrivileged = gateway.PrivilegedIntents
	}
	c.EnabledPrivileged &= gateway.PrivilegedIntents
	if c.ActivityEvery <= 0 {
		c.ActivityEvery = 8 * time.Second
	}
	if c.HeartbeatGrace <= 0 {
		c.HeartbeatGrace = 15 * time.Second
	}
	if c.ReconnectGrace <= 0 {
		c.ReconnectGrace = defaultReconnectGrace
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 3 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Server is one sandbox: its world, sessions, connections and observers.
type Server struct {
	cfg Config
	ids *gateway.SnowflakeGenerator

	mu       sync.Mutex // guards everything below and the per-conn session fields
	world    *world
	sessions map[string]*session
	conns    map[string]*conn
	connSeq  int
	live     int // connections attached to a session: the activity loop runs while > 0
	activity *activityLoop
	starts   sessionStarts
	// memberRequests is when each session last asked for a guild's whole
	// member list (op 8), for Discord's one-per-30-seconds limit.
	memberRequests map[memberRequestKey]time.Time
	// identifies is when each max_concurrency bucket last identified.
	identifies map[int]time.Time
	closed     bool

	limits *restLimiter
	apps   *appState // commands and interactions (commands.go, interactions.go), made on first use
	obs    observers
	exp    experimentControls // run-time knobs for the lessons' experiments
	feed   feedHub            // the members' live view (feed.go)

	activityEvents  atomic.Int64 // scripted events generated, for tests
	activityWorkers atomic.Int64 // activity goroutines alive, for tests
	pumps           sync.WaitGroup
}

// New builds a sandbox. It starts no goroutine or timer until a client
// connects.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:      cfg,
		ids:      &gateway.SnowflakeGenerator{Worker: 1, Process: 2},
		sessions: map[string]*session{},
		conns:    map[string]*conn{},

		memberRequests: map[memberRequestKey]time.Time{},
		identifies:     map[int]time.Time{},
	}
	s.world = newWorld(cfg.Now())
	s.limits = newRESTLimiter(cfg.Now)
	s.starts.windowStart = cfg.Now()
	return s
}

// Handler serves REST under /api/v9/, /api/v10/ and /api/, the gateway at
// /gateway (and /gateway/, since discordgo appends a slash) and the control
// endpoints under /sandbox/.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.Handle("/api/", s.restHandler())
	mux.Handle("/sandbox/", s.controlHandler())
	return mux
}

// Close drops every connection and stops the scripted activity.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.stopActivityLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(gateway.CloseGoingAway, "the sandbox is shutting down")
	}
	s.pumps.Wait()
}

func (s *Server) now() time.Time { return s.cfg.Now() }
