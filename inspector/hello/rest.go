package hello

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"gatewaytour/inspector/gateway"
)

// maxRESTBody bounds what the walk reads of one REST answer.
const maxRESTBody = 1 << 20

// restCall makes one authenticated REST request and reports it to the sink
// as a RESTExchange (without headers, so the token never leaves the
// request). The frame's time is when the request went out.
func (r *run) restCall(ctx context.Context, method, path string, body any) (gateway.WireFrame, int, []byte, error) {
	var reqBody []byte
	if body != nil {
		var err error
		if reqBody, err = json.Marshal(body); err != nil {
			return gateway.WireFrame{}, 0, nil, err
		}
	}
	u, err := url.Parse(r.cfg.restBase() + path)
	if err != nil {
		return gateway.WireFrame{}, 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(reqBody))
	if err != nil {
		return gateway.WireFrame{}, 0, nil, err
	}
	req.Header.Set("Authorization", "Bot "+r.cfg.Token)
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/gatewaytour, 1) hello-world walk")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sent := time.Now()
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return gateway.WireFrame{}, 0, nil, fmt.Errorf("%s %s: %w", method, u.Path, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxRESTBody))
	if err != nil {
		return gateway.WireFrame{}, 0, nil, fmt.Errorf("%s %s: reading the answer: %w", method, u.Path, err)
	}
	ex := gateway.RESTExchange{HTTP: method + " " + u.RequestURI(), Status: resp.StatusCode, Request: reqBody, Body: answer}
	f := ex.Frame(r.connID, Peer, sent)
	r.emit(f)
	return f, resp.StatusCode, answer, nil
}

// postAsMember makes the simulated member type content, through the
// sandbox's Go API when the walk has it, else its control endpoint. This is
// the world acting, not the bot, so nothing is emitted for it.
func (r *run) postAsMember(ctx context.Context, content string) (gateway.Snowflake, error) {
	if r.cfg.Sandbox != nil {
		msg, err := r.cfg.Sandbox.Post(r.cfg.ChannelID, r.cfg.MemberID, content)
		return msg.ID, err
	}
	body, _ := json.Marshal(map[string]any{"channel_id": r.cfg.ChannelID, "author_id": r.cfg.MemberID, "content": content})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.cfg.BaseURL+"/sandbox/messages", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("posting as the member: %w", err)
	}
	defer resp.Body.Close()
	var msg gateway.Message
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxRESTBody)).Decode(&msg); err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("posting as the member: status %d", resp.StatusCode)
	}
	return msg.ID, nil
}
