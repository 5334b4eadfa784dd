package experiment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

// restCaller makes REST calls as the sandbox bot and records each exchange
// in an experiment stream of its own, as the panel shows a bot's REST calls.
type restCaller struct {
	r    *run
	sink func(gateway.WireFrame)
	conn string
}

func (r *run) openREST(label string) *restCaller {
	id, sink := r.useProbeStream(label)
	return &restCaller{r: r, sink: sink, conn: id}
}

// do sends one request to the in-process sandbox, records the exchange and
// returns the record it became.
func (c *restCaller) do(method, path, route string, body any) (inspector.Record, gateway.RESTExchange, error) {
	var req []byte
	if body != nil {
		req, _ = json.Marshal(body)
	}
	hr := httptest.NewRequest(method, "/api/v10"+path, bytes.NewReader(req))
	hr.Header.Set("Authorization", "Bot "+sandbox.Token)
	hr.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.r.e.sb.Handler().ServeHTTP(rec, hr)
	limits := map[string]string{}
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset-After", "X-RateLimit-Bucket", "X-RateLimit-Scope", "Retry-After"} {
		if v := rec.Header().Get(k); v != "" {
			limits[k] = v
		}
	}
	ex := gateway.RESTExchange{HTTP: method + " /api/v10" + path, Route: method + " " + route, Status: rec.Code, RateLimit: limits, Request: req, Body: bytes.TrimSpace(rec.Body.Bytes())}
	c.sink(ex.Frame(c.conn, probePeer, time.Now()))
	_, got, err := c.r.w.next(c.r.ctx, "the REST exchange", func(r inspector.Record) bool { return r.OpName == "REST" })
	return got, ex, err
}

// discordError reads Discord's {"code","message"} error body.
func discordError(ex gateway.RESTExchange) (code int, message string, retryAfter float64) {
	var e struct {
		Code       int     `json:"code"`
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
	}
	_ = json.Unmarshal(ex.Body, &e)
	return e.Code, e.Message, e.RetryAfter
}

func limitText(ex gateway.RESTExchange) string {
	l := ex.RateLimit
	if l["X-RateLimit-Remaining"] == "" {
		return ""
	}
	return fmt.Sprintf("X-RateLimit-Remaining %s of %s, resets after %s s (bucket %s)", l["X-RateLimit-Remaining"], l["X-RateLimit-Limit"], l["X-RateLimit-Reset-After"], l["X-RateLimit-Bucket"])
}

// maxRateLimitPosts bounds the rate-limit experiment: the bucket holds 5
// messages per 5 s, so a 429 comes within 6 posts, or sooner if a press a
// moment ago used some up.
const maxRateLimitPosts = 8

func runRateLimit(r *run) error {
	c := r.openREST("REST rate limit (429)")
	path := fmt.Sprintf("/channels/%d/messages", sandbox.BotCommandsID)
	var posted []string
	defer func() { // leave the channel as it was found
		for _, id := range posted {
			_, _ = r.e.call(http.MethodDelete, "/api/v10"+path+"/"+id, "Bot "+sandbox.Token, nil)
		}
	}()
	for i := 1; i <= maxRateLimitPosts; i++ {
		rec, ex, err := c.do(http.MethodPost, path, "/channels/{channel_id}/messages", map[string]any{"content": fmt.Sprintf("rate-limit experiment, message %d", i)})
		if err != nil {
			return err
		}
		if ex.Status == http.StatusTooManyRequests {
			_, msg, retry := discordError(ex)
			r.step(c.conn, rec.Index, "429 Too Many Requests: %q, retry_after %.3f s in the body, Retry-After %s and X-RateLimit-Scope %s in the headers", msg, retry, ex.RateLimit["Retry-After"], ex.RateLimit["X-RateLimit-Scope"])
			return nil
		}
		if ex.Status != http.StatusOK {
			return fmt.Errorf("POST %s answered %d: %s", path, ex.Status, ex.Body)
		}
		var m struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(ex.Body, &m)
		posted = append(posted, m.ID)
		r.step(c.conn, rec.Index, "POST message %d → 200: %s", i, limitText(ex))
	}
	return fmt.Errorf("%d posts in a row got no 429", maxRateLimitPosts)
}

// restError is an experiment of one call that Discord refuses.
func restError(label, method, path, route string, wantCode int, explain string) func(*run) error {
	return func(r *run) error {
		c := r.openREST(label)
		rec, ex, err := c.do(method, path, route, nil)
		if err != nil {
			return err
		}
		code, msg, _ := discordError(ex)
		if code != wantCode {
			return fmt.Errorf("%s %s answered %d with code %d, not %d", method, path, ex.Status, code, wantCode)
		}
		r.step(c.conn, rec.Index, "%s %s → %d with JSON code %d, %q: %s", method, strings.TrimPrefix(ex.HTTP, method+" "), ex.Status, code, msg, explain)
		return nil
	}
}

var runUnknownMessage = restError("unknown message (10008)", http.MethodGet,
	fmt.Sprintf("/channels/%d/messages/%d", sandbox.GeneralChannelID, sandbox.GeneralChannelID), "/channels/{channel_id}/messages/{message_id}", gateway.ErrUnknownMessage,
	"no message has that id in #general (an id of a deleted message answers the same)")

// runMissingPermissions asks to kick ada, who owns the sandbox guild: the bot
// has Kick Members, but nobody outranks the owner, so the sandbox refuses it
// as Discord does, and no member is ever removed.
var runMissingPermissions = restError("missing permissions (50013)", http.MethodDelete,
	fmt.Sprintf("/guilds/%d/members/%d", sandbox.GuildID, sandbox.DefaultMemberID), "/guilds/{guild_id}/members/{user_id}", gateway.ErrMissingPermissions,
	"the bot has Kick Members, but ada owns the guild and nobody's roles rank above the owner's; check the permission and the role hierarchy before calling")
