package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// feedClient reads /sandbox/events as the page's EventSource does.
type feedClient struct {
	events chan [2]string // event name, data
	cancel func()
}

func openFeed(t *testing.T, ts *httptest.Server, query string) (*feedClient, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/sandbox/events"+query, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	fc := &feedClient{events: make(chan [2]string, 256), cancel: func() { cancel(); resp.Body.Close() }}
	t.Cleanup(fc.cancel)
	if resp.StatusCode != 200 {
		return fc, resp
	}
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 8<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				fc.events <- [2]string{name, line[len("data: "):]}
			}
		}
		close(fc.events)
	}()
	return fc, resp
}

// nextDispatch waits for dispatch t on the feed and returns its d.
func (fc *feedClient) nextDispatch(t *testing.T, event string) map[string]any {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-fc.events:
			if !ok {
				t.Fatalf("the feed ended while waiting for %s", event)
			}
			if ev[0] != "dispatch" {
				continue
			}
			var d struct {
				T string         `json:"t"`
				D map[string]any `json:"d"`
			}
			if err := json.Unmarshal([]byte(ev[1]), &d); err != nil {
				t.Fatal(err)
			}
			if d.T == event {
				return d.D
			}
		case <-deadline:
			t.Fatalf("no %s on the feed", event)
		}
	}
}

func TestFeedSnapshotThenWorldDispatches(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	fc, resp := openFeed(t, ts, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("feed = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	first := <-fc.events
	var snap FeedSnapshot
	if first[0] != "snapshot" || json.Unmarshal([]byte(first[1]), &snap) != nil {
		t.Fatalf("first event = %v", first)
	}
	if snap.You != DefaultMemberID || len(snap.Guilds) != 2 || len(snap.DMs) == 0 || snap.Guilds[0].MemberCount != len(snap.Guilds[0].Members) {
		t.Fatalf("snapshot: you %v, %d guilds, %d dms", snap.You, len(snap.Guilds), len(snap.DMs))
	}
	// No bot needs to be connected: the member sees their own message.
	posted := act(t, ts, "POST", "/messages", `{"content":"**hello** feed"}`)
	if got := fc.nextDispatch(t, "MESSAGE_CREATE"); got["id"] != posted.body["id"] || got["content"] != "**hello** feed" {
		t.Fatalf("MESSAGE_CREATE on the feed = %v, posted %v", got, posted.body)
	}
	if res := act(t, ts, "POST", "/presence", `{"status":"dnd"}`); res.status != 200 {
		t.Fatalf("presence = %d %v", res.status, res.body)
	}
	if got := fc.nextDispatch(t, "PRESENCE_UPDATE"); got["status"] != "dnd" || dig(got, "user", "id") != DefaultMemberID.String() {
		t.Fatalf("PRESENCE_UPDATE = %v", got)
	}
	if res := act(t, ts, "POST", "/presence", `{"status":"away"}`); res.status != 400 || res.body["code"] != 50035.0 {
		t.Fatalf("a made-up status = %d %v, want 400 50035", res.status, res.body)
	}
}

func TestFeedHidesChannelsTheMemberCannotSee(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	// A newcomer has only @everyone: the staff channel is hidden from them.
	joined := act(t, ts, "POST", "/members", `{"username":"newcomer"}`)
	id, _ := dig(joined.body, "user", "id").(string)
	if id == "" {
		t.Fatalf("join = %d %v", joined.status, joined.body)
	}
	fc, _ := openFeed(t, ts, "?user_id="+id)
	act(t, ts, "POST", "/messages", `{"channel_id":"`+StaffChannelID.String()+`","content":"staff only"}`)
	act(t, ts, "POST", "/messages", `{"content":"for everyone"}`)
	if got := fc.nextDispatch(t, "MESSAGE_CREATE"); got["content"] != "for everyone" {
		t.Fatalf("the newcomer's feed carried %v first", got["content"])
	}
}

func TestFeedViewersAreCappedAndOtherOriginsRefused(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	for i := 0; i < maxFeedViewers; i++ {
		if _, resp := openFeed(t, ts, ""); resp.StatusCode != 200 {
			t.Fatalf("viewer %d = %d", i+1, resp.StatusCode)
		}
	}
	if _, resp := openFeed(t, ts, ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("viewer %d = %d, want 503", maxFeedViewers+1, resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/sandbox/events", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("another origin's feed = %d, want 403", resp.StatusCode)
	}
}

func TestFeedTellsOnlyTheInvokerHowTheirInteractionEnded(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	bot := botWithCommands(t, ts)
	mine, _ := openFeed(t, ts, "")
	graces, _ := openFeed(t, ts, "?user_id="+grace)
	res := interactAsync(t, ts, `{"type":"command","name":"greet","options":{"word":"hi"}}`)
	_, id, token := receivedInteraction(t, bot)
	if status, body := callback(t, ts, id, token, "", `{"type":4,"data":{"content":"only you","flags":64}}`); status != 204 {
		t.Fatalf("callback = %d %v", status, body)
	}
	<-res
	ev := nextEvent(t, mine, "interaction")
	if dig(ev, "id") != id || dig(ev, "response", "ephemeral") != true || dig(ev, "response", "message", "content") != "only you" {
		t.Fatalf("the invoker's interaction event = %v", ev)
	}
	act(t, ts, "POST", "/messages", `{"content":"after"}`)
	for {
		e := <-graces.events
		if e[0] == "interaction" {
			t.Fatalf("another member was told about the interaction: %s", e[1])
		}
		if e[0] == "dispatch" && strings.Contains(e[1], `"after"`) {
			break
		}
	}
}

// nextEvent waits for the next event of that name on the feed.
func nextEvent(t *testing.T, fc *feedClient, name string) map[string]any {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-fc.events:
			if ev[0] == name {
				var out map[string]any
				if err := json.Unmarshal([]byte(ev[1]), &out); err != nil {
					t.Fatal(err)
				}
				return out
			}
		case <-deadline:
			t.Fatalf("no %s event on the feed", name)
		}
	}
}

// TestFeedSnapshotListsOnlyChannelsTheMemberMayView: #staff-only hides from
// @everyone and shows to Moderators, so ada (a Moderator) sees it in her
// snapshot and grace (a Member) does not, as their clients would.
func TestFeedSnapshotListsOnlyChannelsTheMemberMayView(t *testing.T) {
	_, ts := startSandbox(t, testConfig())
	has := func(user string) bool {
		fc, _ := openFeed(t, ts, user)
		first := <-fc.events
		var snap FeedSnapshot
		if first[0] != "snapshot" || json.Unmarshal([]byte(first[1]), &snap) != nil {
			t.Fatalf("first event = %v", first)
		}
		for _, g := range snap.Guilds {
			for _, ch := range g.Channels {
				if ch.ID == StaffChannelID {
					return true
				}
			}
		}
		return false
	}
	if !has("") {
		t.Error("ada, a Moderator, does not see #staff-only")
	}
	if has("?user_id=1315649146060931072") {
		t.Error("grace, a Member, sees #staff-only")
	}
}
