package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"gatewaytour/inspector/gateway"
)

// maxReplay is how many dispatches a session keeps, at least, for Resume. A
// client that fell further behind gets op 9 false and identifies again.
const maxReplay = 512

// session is what Identify creates and Resume picks up again: the intents,
// the sequence counter and the recent dispatches. It outlives its connection
// by Config.SessionTTL unless the client closed with 1000/1001.
type session struct {
	id         string
	intents    gateway.Intents
	shard      *[2]int
	peer       string
	seq        int64
	replay     []sentDispatch // at least the last maxReplay dispatches, oldest first
	conn       *conn          // nil while disconnected
	detachedAt time.Time
}

type sentDispatch struct {
	seq   int64
	frame []byte
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// dispatchFrame writes the op 0 envelope around an already-encoded d, so one
// encoding of d serves every session (only s differs between them).
func dispatchFrame(t string, seq int64, d []byte) []byte {
	b := make([]byte, 0, len(d)+len(t)+48)
	b = append(b, `{"op":0,"d":`...)
	b = append(b, d...)
	b = append(b, `,"s":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"t":"`...)
	b = append(b, t...)
	b = append(b, `"}`...)
	return b
}

// pushLocked numbers a dispatch for sess, remembers it for Resume and hands
// it to the session's connection, if it has one.
func (s *Server) pushLocked(sess *session, t string, d []byte) {
	sess.seq++
	frame := dispatchFrame(t, sess.seq, d)
	sess.replay = append(sess.replay, sentDispatch{sess.seq, frame})
	if len(sess.replay) >= 2*maxReplay { // trim in batches: one copy per maxReplay dispatches
		sess.replay = append(sess.replay[:0:0], sess.replay[len(sess.replay)-maxReplay:]...)
	}
	if sess.conn != nil {
		sess.conn.enqueue(frame)
	}
}

// broadcastLocked sends event t to every session whose intents admit it.
// stripped, when not nil, is d with the message content removed, for sessions
// without MESSAGE_CONTENT.
func (s *Server) broadcastLocked(t string, inGuild bool, d, stripped []byte) {
	s.feedLocked(t, d) // the members' view (feed.go)
	info, known := gateway.LookupEvent(t)
	now := s.now()
	for id, sess := range s.sessions {
		if s.expiredLocked(sess, now) {
			delete(s.sessions, id)
			continue
		}
		if known && !info.Allowed(sess.intents, inGuild) {
			continue
		}
		if inGuild && !ownsGuild(sess.shard, GuildID) {
			continue
		}
		if !inGuild && sess.shard != nil && sess.shard[0] != 0 {
			continue // DMs go to shard 0 only
		}
		data := d
		if stripped != nil && !sess.intents.Has(gateway.IntentMessageContent) {
			data = stripped
		}
		s.pushLocked(sess, t, data)
	}
}

func (s *Server) expiredLocked(sess *session, now time.Time) bool {
	return sess.conn == nil && now.Sub(sess.detachedAt) > s.cfg.SessionTTL
}

// ownsGuild applies Discord's routing rule shard_id = (guild_id >> 22) % num_shards.
func ownsGuild(shard *[2]int, guild gateway.Snowflake) bool {
	if shard == nil || shard[1] <= 1 {
		return true
	}
	return int((uint64(guild)>>22)%uint64(shard[1])) == shard[0]
}

// sessionStarts counts identifies as GET /gateway/bot reports them: 1000 per
// 24 hours.
type sessionStarts struct {
	windowStart time.Time
	used        int
}

const (
	sessionStartTotal  = 1000
	sessionStartWindow = 24 * time.Hour
)

func (st *sessionStarts) rollLocked(now time.Time) {
	if now.Sub(st.windowStart) >= sessionStartWindow {
		st.windowStart, st.used = now, 0
	}
}

func (st *sessionStarts) limitLocked(now time.Time) gateway.SessionStartLimit {
	st.rollLocked(now)
	left := sessionStartTotal - st.used
	if left < 0 {
		left = 0
	}
	reset := st.windowStart.Add(sessionStartWindow).Sub(now)
	return gateway.SessionStartLimit{Total: sessionStartTotal, Remaining: left, ResetAfter: int(reset.Milliseconds()), MaxConcurrency: 1}
}
