package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gatewaytour/inspector/gateway"
)

// The knobs below exist for the lessons' experiments: each makes one protocol
// event happen on demand, quickly enough to watch, with nothing the real
// Discord could not also do to a bot. They are served under /sandbox/ beside
// the other controls:
//
//	GET  /sandbox/portal  → {"guild_members":bool,"guild_presences":bool,"message_content":bool}
//	PUT  /sandbox/portal  {"message_content":false,…}  (fields left out keep their value)
//	POST /sandbox/hello-interval {"interval_ms":2000}  (the next connection's Hello)
//	POST /sandbox/connections/{id}/heartbeat-request   (op 1 from the server, now)
//	POST /sandbox/connections/{id}/drop {"missed":3}   (cut TCP, 3 events happen meanwhile)

// experimentControls is the sandbox state the experiments change at run time.
type experimentControls struct {
	// privileged overrides Config.EnabledPrivileged once the portal switches
	// are flipped; 0 means "as configured".
	privileged atomic.Uint64

	mu sync.Mutex
	// helloOffer is a one-shot heartbeat_interval for the next connection,
	// valid until helloOfferUntil: Hello goes out before the client says who
	// it is, so the offer cannot be addressed to a session.
	helloOffer      time.Duration
	helloOfferUntil time.Time

	// enforcing counts the experiments that turned Identify's
	// max_concurrency limit on; guarded by Server.mu, which Identify holds.
	enforcing int
}

// Bounds of the knobs: a heartbeat_interval a library can keep up with and
// that still stands for Discord's, and a handful of missed events.
const (
	MinHelloInterval = 500 * time.Millisecond
	MaxHelloInterval = 60 * time.Second
	MaxMissedEvents  = 10
	helloOfferValid  = 5 * time.Second
)

// EnabledPrivileged is what the app has switched on "in the portal" now.
func (s *Server) EnabledPrivileged() gateway.Intents {
	if v := s.exp.privileged.Load(); v != 0 {
		return gateway.Intents(v) & gateway.PrivilegedIntents
	}
	return s.cfg.EnabledPrivileged
}

// SetEnabledPrivileged flips the portal switches. As on Discord, sessions
// already running keep their intents; the next Identify is checked against
// the new switches (and refused with 4014 if it asks for one switched off).
func (s *Server) SetEnabledPrivileged(enabled gateway.Intents) {
	enabled &= gateway.PrivilegedIntents
	if enabled == 0 {
		enabled = PrivilegedNone
	}
	s.exp.privileged.Store(uint64(enabled))
}

// OfferHeartbeatInterval makes the next connection's Hello carry interval
// (within a few seconds; later the offer lapses). Experiments use it so a
// zombie connection is noticed in seconds, not in 80.
func (s *Server) OfferHeartbeatInterval(interval time.Duration) error {
	if interval < MinHelloInterval || interval > MaxHelloInterval {
		return fmt.Errorf("interval_ms must be between %d and %d", MinHelloInterval.Milliseconds(), MaxHelloInterval.Milliseconds())
	}
	s.exp.mu.Lock()
	s.exp.helloOffer, s.exp.helloOfferUntil = interval, time.Now().Add(helloOfferValid)
	s.exp.mu.Unlock()
	return nil
}

// helloIntervalFor picks the heartbeat_interval of c's Hello, taking up a
// pending offer, and remembers it for c's read deadline.
func (s *Server) helloIntervalFor(c *conn) time.Duration {
	interval := s.cfg.HeartbeatInterval
	s.exp.mu.Lock()
	if s.exp.helloOffer > 0 {
		if time.Now().Before(s.exp.helloOfferUntil) {
			interval = s.exp.helloOffer
		}
		s.exp.helloOffer = 0
	}
	s.exp.mu.Unlock()
	c.helloEvery.Store(int64(interval))
	return interval
}

// heartbeatDeadline is how long c may stay silent: its Hello's interval and
// the grace. A connection given a short interval by an experiment gets a
// grace no longer than that interval, so a silent client meets 4009 in
// seconds, as the experiment promises.
func (c *conn) heartbeatDeadline() time.Duration {
	interval, grace := c.srv.cfg.HeartbeatInterval, c.srv.cfg.HeartbeatGrace
	if d := time.Duration(c.helloEvery.Load()); d > 0 && d != interval {
		interval, grace = d, min(grace, d)
	}
	return interval + grace
}

// maxConcurrencyLocked is the max_concurrency Identify obeys now: the
// configured one, else 1 while an experiment enforces it, else 0 (none).
func (s *Server) maxConcurrencyLocked() int {
	if s.cfg.MaxConcurrency > 0 {
		return s.cfg.MaxConcurrency
	}
	if s.exp.enforcing > 0 {
		return 1
	}
	return 0
}

// EnforceIdentifyConcurrency turns on Discord's identify limit (one Identify
// per 5 s, max_concurrency 1) until restore is called, so an experiment can
// show the op 9 a second Identify gets. The sandbox leaves it off by default
// because every bot on it shares one token; when Config.MaxConcurrency
// already enforces it, nothing changes.
func (s *Server) EnforceIdentifyConcurrency() (restore func()) {
	s.mu.Lock()
	if s.exp.enforcing == 0 && s.cfg.MaxConcurrency <= 0 {
		// Identifies made while the limit was off were not counted, so the
		// window starts empty rather than from a stale earlier run.
		clear(s.identifies)
	}
	s.exp.enforcing++
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.exp.enforcing--
			s.mu.Unlock()
		})
	}
}

// RequestHeartbeat sends op 1 to a connection now: the server asking for a
// beat, which the client must answer at once.
func (s *Server) RequestHeartbeat(connID string) error {
	c, err := s.connByID(connID)
	if err != nil {
		return err
	}
	c.enqueue(heartbeatRequestFrame)
	return nil
}

// ErrNoSession is returned by DropConnection for a connection that has not
// identified: it has no session to resume, so the experiment would show nothing.
var ErrNoSession = errors.New("sandbox: the connection has no session yet")

// DropConnection cuts a connection's TCP link without a close frame, as a
// network failure would, after missed messages were posted in #general while
// it was detached: they wait in the session's replay buffer, so a Resume must
// bring back exactly those, with their sequence numbers.
func (s *Server) DropConnection(connID string, missed int) error {
	if missed < 0 || missed > MaxMissedEvents {
		return fmt.Errorf("missed must be between 0 and %d", MaxMissedEvents)
	}
	s.mu.Lock()
	c, ok := s.conns[connID]
	if !ok {
		s.mu.Unlock()
		return ErrNoConnection
	}
	if c.sess == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	s.detachLocked(c)
	for i := 1; i <= missed; i++ {
		text := fmt.Sprintf("said while the bot's connection was down (%d of %d)", i, missed)
		if _, err := s.postLocked(draft{channelID: GeneralChannelID, author: DefaultMemberID, content: text}); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.mu.Unlock()
	if c.ws != nil {
		_ = c.ws.UnderlyingConn().Close()
	}
	return nil
}

// portalSwitches is the JSON shape of the three privileged-intent switches.
type portalSwitches struct {
	GuildMembers   *bool `json:"guild_members"`
	GuildPresences *bool `json:"guild_presences"`
	MessageContent *bool `json:"message_content"`
}

// set turns intent on or off in enabled when on says so.
func set(enabled gateway.Intents, on *bool, intent gateway.Intents) gateway.Intents {
	switch {
	case on == nil:
		return enabled
	case *on:
		return enabled | intent
	default:
		return enabled &^ intent
	}
}

func switchesOf(enabled gateway.Intents) portalSwitches {
	m, p, c := enabled.Has(gateway.IntentGuildMembers), enabled.Has(gateway.IntentGuildPresences), enabled.Has(gateway.IntentMessageContent)
	return portalSwitches{GuildMembers: &m, GuildPresences: &p, MessageContent: &c}
}

// serveExperimentControl answers the routes above; false for any other path.
func (s *Server) serveExperimentControl(w http.ResponseWriter, r *http.Request, path string) bool {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/portal" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, switchesOf(s.EnabledPrivileged()))
	case path == "/portal" && r.Method == http.MethodPut:
		var body portalSwitches
		if !decodeControl(w, r, &body) {
			return true
		}
		enabled := set(s.EnabledPrivileged(), body.GuildMembers, gateway.IntentGuildMembers)
		enabled = set(enabled, body.GuildPresences, gateway.IntentGuildPresences)
		enabled = set(enabled, body.MessageContent, gateway.IntentMessageContent)
		s.SetEnabledPrivileged(enabled)
		writeJSON(w, http.StatusOK, switchesOf(s.EnabledPrivileged()))
	case path == "/hello-interval" && r.Method == http.MethodPost:
		var body struct {
			IntervalMS int64 `json:"interval_ms"`
		}
		if !decodeControl(w, r, &body) {
			return true
		}
		if err := s.OfferHeartbeatInterval(time.Duration(body.IntervalMS) * time.Millisecond); err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Message: err.Error(), Code: 0})
			return true
		}
		w.WriteHeader(http.StatusNoContent)
	case len(seg) == 3 && seg[0] == "connections" && r.Method == http.MethodPost && (seg[2] == "heartbeat-request" || seg[2] == "drop"):
		var body struct {
			Missed *int `json:"missed"`
		}
		if r.ContentLength != 0 && !decodeControl(w, r, &body) {
			return true
		}
		var err error
		if seg[2] == "heartbeat-request" {
			err = s.RequestHeartbeat(seg[1])
		} else {
			missed := 3
			if body.Missed != nil {
				missed = *body.Missed
			}
			err = s.DropConnection(seg[1], missed)
		}
		switch {
		case errors.Is(err, ErrNoConnection):
			writeJSON(w, http.StatusNotFound, apiError{Message: "Unknown connection", Code: 0})
		case err != nil:
			writeJSON(w, http.StatusBadRequest, apiError{Message: strings.TrimPrefix(err.Error(), "sandbox: "), Code: 0})
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	default:
		return false
	}
	return true
}

// decodeControl reads a small JSON body, answering 400 itself when it is not one.
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, errInvalidJSON)
		return false
	}
	return true
}
