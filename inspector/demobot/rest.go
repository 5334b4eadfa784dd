package demobot

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// userAgent names the demo bot to the sandbox, which files its REST calls
// in the demo bot's stream by this word.
const userAgent = "DiscordBot (demobot, 1.0) " + Peer

type rest struct {
	api   string
	token string
	http  *http.Client
}

func newREST(api, token string) *rest {
	return &rest{api: strings.TrimRight(api, "/"), token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// do sends one request; an answer of 400 or more is an error carrying
// Discord's {"code","message"}.
func (r *rest) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.api+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bot "+r.token)
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, strings.SplitN(path, "/", 4)[1], err) // never the path's token
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s answered %d: %s", method, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil && len(data) > 0 {
		return json.Unmarshal(data, out)
	}
	return nil
}

// appID is the application id a bot token starts with (base64 of the id).
func appID(token string) string {
	first, _, _ := strings.Cut(token, ".")
	for len(first)%4 != 0 {
		first += "="
	}
	id, err := base64.StdEncoding.DecodeString(first)
	if err != nil {
		return ""
	}
	return string(id)
}
