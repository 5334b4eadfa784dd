package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// clientState turns one of the client's state changes into the inspector
// stream's State.
func (h *Hub) clientState(c *connection, s client.State) {
	if c.retired.Load() || h.holdState(c, s) {
		return
	}
	h.applyState(c, s)
}

// applyState writes one of the current client's state changes into the
// stream's State.
func (h *Hub) applyState(c *connection, s client.State) {
	where := targetName(c.target)
	h.inspector.updateState(func(st *State) bool {
		st.Target, st.Intents = c.target, c.intents.Names()
		switch s.Kind {
		case client.StateConnecting:
			st.Kind, st.Detail = StateConnecting, "Connecting to "+where+"."
		case client.StateIdentifying:
			st.Kind, st.Detail = StateConnecting, "Connected: Hello arrived and Identify went out; waiting for READY."
		case client.StateReady:
			st.Kind, st.SessionID = StateIdentified, s.SessionID
			st.Detail = "Logged in: READY arrived and the session is live."
		case client.StateResuming:
			st.Kind, st.SessionID = StateResuming, s.SessionID
			st.Detail = "Reconnecting to resume the session, so no event is lost."
		case client.StateResumed:
			st.Kind = StateIdentified
			st.Detail = "Resumed: RESUMED arrived and the missed events were replayed."
		case client.StateClosed:
			st.Kind, st.Close = StateClosed, c.closeFor(s)
			st.Detail = closeSentence(st.Close)
		case client.StateWaiting:
			st.Kind = StateClosed
			st.Detail = fmt.Sprintf("Connection lost; reconnecting in %s.", s.Wait.Round(100*time.Millisecond))
		case client.StateStopped:
			var ce *client.CloseError
			switch {
			case errors.As(s.Err, &ce):
				st.Kind, st.SessionID = StateClosed, ""
				if st.Close == nil || st.Close.Code != ce.Code {
					st.Close = c.closeFor(client.State{Code: ce.Code})
				}
				st.Detail = "Stopped: " + closeSentence(st.Close) + " Retrying would fail the same way."
			default:
				st.Kind, st.SessionID = StateStopped, ""
				st.Detail = "Stopped."
				if s.Err != nil && !errors.Is(s.Err, context.Canceled) {
					st.Detail = "Stopped: " + c.scrub(s.Err.Error())
					if why, ok := unreachable(s.Err, h.targetHost(c.target)); ok {
						st.Detail = "Stopped: " + why
					}
				}
			}
		default:
			return false
		}
		return true
	})
}

// closeFor explains a close: from the close frame the server sent when it
// matches (it carries the server's reason), else from the code alone.
func (c *connection) closeFor(s client.State) *inspector.Close {
	c.mu.Lock()
	last := c.lastClose
	c.mu.Unlock()
	if last != nil && last.Code == s.Code {
		cl := *last
		return &cl
	}
	info := gateway.LookupClose(s.Code)
	return &inspector.Close{Code: s.Code, Name: info.Name, Meaning: info.Meaning, CanResume: info.CanResume, Reconnect: info.Reconnect, Fix: info.Fix}
}

// closeSentence says what a close means and, when reconnecting cannot
// help, what to fix.
func closeSentence(cl *inspector.Close) string {
	if cl == nil {
		return "The connection closed."
	}
	s := fmt.Sprintf("Closed with %d", cl.Code)
	if cl.Name != "" {
		s += " (" + cl.Name + ")"
	}
	s += "."
	if cl.Meaning != "" {
		s += " " + strings.TrimSpace(cl.Meaning)
	}
	if !cl.Reconnect && cl.Fix != "" {
		s += " Fix: " + strings.TrimSpace(cl.Fix)
	}
	return s
}

// publicGatewayURL asks GET /gateway, which needs no token, where the
// gateway is.
func publicGatewayURL(ctx context.Context, restBase string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(restBase, "/")+"/gateway", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/gatewaytour, 1) gatewaytour-inspector")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("could not ask where the gateway is (GET /gateway): %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var g struct {
		URL string `json:"url"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &g) != nil || g.URL == "" {
		return "", fmt.Errorf("GET /gateway answered HTTP %d without a gateway url", resp.StatusCode)
	}
	return g.URL, nil
}
