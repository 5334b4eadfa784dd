package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func postExperiment(t *testing.T, p *panelServer, csrf, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.ts.URL+"/experiments/run", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set(csrfHeader, csrf)
	}
	resp, err := p.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{"error": string(raw)}
	}
	return resp.StatusCode, out
}

func TestExperimentRouteAnswers(t *testing.T) {
	p := startExperimentServer(t)
	csrf := p.csrfToken(t)
	if err := p.hub.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	if code, _ := postExperiment(t, p, "", `{"name":"reconnect"}`); code != http.StatusForbidden {
		t.Fatalf("without the CSRF token: %d", code)
	}
	if code, out := postExperiment(t, p, csrf, `{"name":"no-such"}`); code != http.StatusBadRequest || !strings.Contains(out["error"].(string), "zombie") {
		t.Fatalf("unknown experiment: %d %v", code, out)
	}
	if code, out := postExperiment(t, p, csrf, `{"name":"reconnect","stream":"sandbox-99"}`); code != http.StatusBadRequest || !strings.Contains(out["error"].(string), "no stream") {
		t.Fatalf("a bot that is not there: %d %v", code, out)
	}
	if code, _ := postExperiment(t, p, csrf, `not json`); code != http.StatusBadRequest {
		t.Fatalf("bad body: %d", code)
	}
	// Wait for the inspector to log in, then press twice at once: one runs,
	// the other is told to wait.
	waitIdentified(t, p)
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = postExperiment(t, p, csrf, `{"name":"invalid-session"}`)
		}()
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
		t.Fatalf("two presses at once answered %v, want one 200 and one 409", codes)
	}
	waitIdentified(t, p)
	code, out := postExperiment(t, p, csrf, `{"name":"heartbeat-request","stream":"inspector"}`)
	if code != 200 || out["target"] != "the inspector's own connection" || len(out["steps"].([]any)) != 3 {
		t.Fatalf("heartbeat-request: %d %v", code, out)
	}
}

func waitIdentified(t *testing.T, p *panelServer) {
	t.Helper()
	s, _ := p.hub.Stream("inspector")
	for i := 0; i < 1000; i++ {
		if s.Info().State.Kind == "identified" {
			return
		}
		sleepBriefly()
	}
	t.Fatalf("the inspector never logged in: %+v", s.Info().State)
}

func sleepBriefly() { time.Sleep(20 * time.Millisecond) }
