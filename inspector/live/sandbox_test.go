package live

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/sandbox"
)

func TestEnsureSandboxFirstVisitShowsTheHandshake(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	if got := h.Streams(); len(got) != 1 || got[0].ID != "inspector" || got[0].State.Kind != StateIdle {
		t.Fatalf("before any visit: streams %+v, want one idle inspector stream", got)
	}

	// Many first visits at once connect once.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := h.EnsureSandbox(); err != nil {
				t.Errorf("EnsureSandbox: %v", err)
			}
		})
	}
	wg.Wait()
	s, ok := h.Stream("inspector")
	if !ok {
		t.Fatal("no inspector stream")
	}
	sess := s.Session()
	waitRecord(t, sess, 0, "Hello", isOp(gateway.OpHello, gateway.Recv))
	identify := waitRecord(t, sess, 0, "Identify", isOp(gateway.OpIdentify, gateway.Send))
	if strings.Contains(string(identify.Payload), sandbox.Token) || !strings.Contains(string(identify.Payload), inspector.RedactedToken) {
		t.Errorf("Identify payload should carry the redaction marker instead of the token: %s", identify.Payload)
	}
	waitRecord(t, sess, 0, "READY", isEvent("READY"))
	waitRecord(t, sess, 0, "GUILD_CREATE", isEvent("GUILD_CREATE"))

	st := waitState(t, s, StateIdentified)
	if st.Target != TargetSandbox || st.SessionID == "" || !slices.Contains(st.Intents, "GUILD_MEMBERS") {
		t.Errorf("state %+v: want target sandbox, a session id and every intent", st)
	}
	var ours int
	for _, c := range sb.Connections() {
		if c.Peer == client.Peer {
			ours++
		}
	}
	if ours != 1 {
		t.Errorf("the sandbox sees %d inspector connections, want exactly 1", ours)
	}
	// A later visit changes nothing.
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	if again := s.Info().State; again.SessionID != st.SessionID || again.Kind != StateIdentified {
		t.Errorf("a second visit reconnected: state %+v, was %+v", again, st)
	}
	// The inspector's own connection is not shown twice.
	if ids := streamIDs(h); !slices.Equal(ids, []string{"inspector"}) {
		t.Errorf("streams %v, want only the inspector's", ids)
	}
	for _, r := range sess.Records(0, 0) {
		if !strings.HasPrefix(r.Source, "inspector") {
			t.Errorf("record %d in the inspector stream came from %q", r.Index, r.Source)
		}
	}
}

func TestEnsureSandboxWithoutSandboxFails(t *testing.T) {
	h, _ := newHub(t, nil, nil)
	if err := h.EnsureSandbox(); err == nil {
		t.Fatal("EnsureSandbox without a sandbox should fail")
	}
	sb, _ := serveSandbox(t, quietSandbox())
	h2, _ := newHub(t, sb, nil)
	if err := h2.EnsureSandbox(); err == nil || !strings.Contains(err.Error(), "address") {
		t.Fatalf("EnsureSandbox before the REST base is known: %v, want an error about the address", err)
	}
}

func TestAnotherBotGetsItsOwnStream(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	changes, cancel := h.WatchStreams()
	defer cancel()
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	waitState(t, in, StateIdentified)

	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	drain(changes)
	bot.identify("discord.py", gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	bot.expect("READY", func(p gateway.Payload) bool { return p.T != nil && *p.T == "READY" })

	var bs *Stream
	waitFor(t, "a discord.py stream", func() bool {
		for _, info := range h.Streams() {
			if info.Kind == KindSandboxBot && info.Label == "discord.py on the sandbox" {
				bs, _ = h.Stream(info.ID)
				return true
			}
		}
		return false
	})
	select {
	case <-changes:
	default:
		t.Error("WatchStreams did not fire for the new stream")
	}
	st := waitState(t, bs, StateIdentified)
	if st.SessionID == "" || !slices.Equal(st.Intents, []string{"GUILDS", "GUILD_MESSAGES", "MESSAGE_CONTENT"}) {
		t.Errorf("bot state %+v: want its session id and the intents it asked for", st)
	}
	// Its handshake is all there, though the Hello arrived before the bot
	// said who it was. (The sandbox publishes a frame it sends once it is
	// written, so the Identify may be listed before the Hello it answers.)
	recs := bs.Session().Records(0, 3)
	if len(recs) < 3 || !slices.ContainsFunc(recs, isOp(gateway.OpHello, gateway.Recv)) || !slices.ContainsFunc(recs, isOp(gateway.OpIdentify, gateway.Send)) {
		t.Fatalf("bot stream starts %+v, want its Hello and Identify", recs)
	}

	if _, err := sb.Post(sandbox.GeneralChannelID, sandbox.DefaultMemberID, "hello, bots"); err != nil {
		t.Fatal(err)
	}
	isHello := func(r inspector.Record) bool {
		return isEvent("MESSAGE_CREATE")(r) && strings.Contains(string(r.Payload), "hello, bots")
	}
	mine := waitRecord(t, bs.Session(), 0, "the bot's MESSAGE_CREATE", isHello)
	theirs := waitRecord(t, in.Session(), 0, "the inspector's MESSAGE_CREATE", isHello)
	if mine.Source != bs.Info().ID || !strings.HasPrefix(theirs.Source, "inspector") {
		t.Errorf("sources: bot stream %q, inspector stream %q", mine.Source, theirs.Source)
	}
	for _, r := range in.Session().Records(0, 0) {
		if r.Peer == "discord.py" || r.Source == bs.Info().ID {
			t.Errorf("the inspector stream holds the bot's frame %d (%s)", r.Index, r.OpName)
		}
	}

	bot.close(1000)
	st = waitState(t, bs, StateClosed)
	if st.Close == nil || st.Close.Code != 1000 {
		t.Errorf("closed state %+v: want the bot's 1000", st)
	}
}

func TestAnonymousBotIsNamedOnceItIdentifies(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	var id string
	waitFor(t, "a stream for the silent bot", func() bool {
		for _, info := range h.Streams() {
			if info.Kind == KindSandboxBot {
				id = info.ID
				return info.Label == "a bot on the sandbox ("+info.ID+")" && info.Next > 0
			}
		}
		return false
	})
	bs, _ := h.Stream(id)
	bot.identify("DiscordGo v0.29.0", gateway.IntentGuilds)
	waitState(t, bs, StateIdentified)
	if got := bs.Info().Label; got != "DiscordGo v0.29.0 on the sandbox" {
		t.Errorf("label after Identify = %q", got)
	}
	if n := len(h.Streams()); n != 2 {
		t.Errorf("%d streams, want the inspector's and the bot's: %v", n, streamIDs(h))
	}
}

func drain(ch <-chan struct{}) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func TestBotThatLeavesBeforeIdentifyIsStillShown(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	bot.close(1000)
	var info StreamInfo
	waitFor(t, "a closed stream for the anonymous bot", func() bool {
		for _, i := range h.Streams() {
			if i.Kind == KindSandboxBot && i.State.Kind == StateClosed {
				info = i
				return true
			}
		}
		return false
	})
	if info.Label != "a bot on the sandbox ("+info.ID+")" || info.State.Close == nil || info.State.Close.Code != 1000 {
		t.Errorf("stream %+v: want the anonymous label and the 1000 close", info)
	}
}

func TestWatchStreamsHearsStateChanges(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	changes, cancel := h.WatchStreams()
	defer cancel()
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	// Every state the watcher is told about can be read back; it ends up
	// hearing the inspector identified without polling.
	for seen := false; !seen; {
		select {
		case <-changes:
			seen = h.Streams()[0].State.Kind == StateIdentified
		case <-time.After(deadline):
			t.Fatal("no notification that the inspector identified")
		}
	}
	drain(changes)
	if err := h.Disconnect(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(deadline):
		t.Fatal("no notification for the disconnect")
	}
	cancel()
	cancel() // twice is harmless
	if err := h.ConnectSandbox(gateway.IntentGuilds); err != nil {
		t.Fatal(err)
	}
	waitState(t, h.inspector, StateIdentified)
	select {
	case <-changes:
		t.Error("a cancelled watcher was still notified")
	default:
	}
}

func TestInspectorResumeIsFollowedAndNotDuplicated(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	if err := h.EnsureSandbox(); err != nil {
		t.Fatal(err)
	}
	in, _ := h.Stream("inspector")
	first := waitState(t, in, StateIdentified)
	var connID string
	for _, c := range sb.Connections() {
		if c.Peer == client.Peer {
			connID = c.ID
		}
	}
	if err := sb.Reconnect(connID); err != nil {
		t.Fatal(err)
	}
	// The client resumes the session. (Notifications are coalesced, so
	// the brief "resuming" state may pass unseen; TestClientStatesMap
	// covers it.)
	waitRecord(t, in.Session(), 0, "Resume", isOp(gateway.OpResume, gateway.Send))
	waitRecord(t, in.Session(), 0, "RESUMED", isEvent("RESUMED"))
	waitFor(t, "the resumed state", func() bool { return strings.HasPrefix(in.Info().State.Detail, "Resumed") })
	if st := in.Info().State; st.SessionID != first.SessionID || st.Close == nil {
		t.Errorf("after resuming: %+v, want session %s and the last close kept", st, first.SessionID)
	}
	// The sandbox's observer is first in, first out: once another bot,
	// connected after the resume, has its stream, the resumed
	// connection's frames have all been sorted.
	bot := dialRawBot(t, ts)
	bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
	bot.identify("discord.py", gateway.IntentGuilds)
	waitFor(t, "the later bot's stream", func() bool {
		s, ok := h.Stream(bot.connID(t, sb))
		return ok && s.Info().State.Kind == StateIdentified
	})
	if ids := streamIDs(h); len(ids) != 2 {
		t.Errorf("streams %v: the inspector's resumed connection showed up as another bot", ids)
	}
}

func TestOnlyRecentClosedBotStreamsAreKept(t *testing.T) {
	sb, ts := serveSandbox(t, quietSandbox())
	h, _ := newHub(t, sb, ts)
	for range maxClosedBots + 3 {
		bot := dialRawBot(t, ts)
		bot.expect("Hello", func(p gateway.Payload) bool { return p.Op == gateway.OpHello })
		bot.close(1000)
		bot.waitEnded()
	}
	// The sandbox publishes each close after its handshake, so closes
	// may be sorted in any order; wait for all of them to be published
	// (no connection left) and for the last connection's stream.
	last := fmt.Sprintf("sandbox-%d", maxClosedBots+3) // ids count up from sandbox-1
	waitFor(t, "every bot's close", func() bool {
		_, ok := h.Stream(last)
		return ok && len(sb.Connections()) == 0
	})
	// Whatever the order, the 32 closed streams kept are all there is.
	waitFor(t, "the closes to be sorted", func() bool {
		closed := 0
		for _, info := range h.Streams() {
			if info.Kind == KindSandboxBot && info.State.Kind == StateClosed {
				closed++
			}
		}
		return closed == maxClosedBots
	})
	if ids := streamIDs(h); len(ids) != 1+maxClosedBots {
		t.Errorf("%d streams %v: want the inspector's and the %d most recent closed bots", len(ids), ids, maxClosedBots)
	}
}
