package sandbox

import (
	"testing"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

func TestObserversSeeBothDirectionsAndCloses(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(256)
	defer cancel()
	c, _ := login(t, ts, gateway.IntentGuilds)
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4000, "going to resume"))
	bad := dial(t, ts, "?v=10")
	bad.expect(gateway.OpHello, "")
	bad.sendRaw(`{"op":2,"d":{"token":"wrong","intents":1,"properties":{}}}`)
	bad.expectClose(gateway.CloseAuthenticationFailed)

	var sawIdentify, sawReady, sawClientClose, sawServerClose bool
	for {
		f := nextFrame(t, frames)
		switch {
		case f.Close != nil && f.Dir == gateway.Send && f.Close.Code == 4000:
			sawClientClose = f.Conn != ""
		case f.Close != nil && f.Dir == gateway.Recv && f.Close.Code == gateway.CloseAuthenticationFailed:
			sawServerClose = f.Close.Reason != ""
		case f.Data != nil:
			p, err := gateway.DecodePayload(f.Data)
			if err != nil {
				t.Fatalf("observer frame is not a payload: %q", f.Data)
			}
			if f.WireSize != len(f.Data) {
				t.Errorf("uncompressed frame: wire size %d != text %d", f.WireSize, len(f.Data))
			}
			if p.Op == gateway.OpIdentify && f.Dir == gateway.Send && f.Peer == "sandbox-test" {
				sawIdentify = true
			}
			if p.T != nil && *p.T == "READY" && f.Dir == gateway.Recv {
				sawReady = f.Peer == "sandbox-test"
			}
		}
		if sawIdentify && sawReady && sawClientClose && sawServerClose {
			return
		}
	}
}

func TestSlowObserverLosesFramesButNeverBlocks(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	_, cancel := s.Observe(1) // never read
	defer cancel()
	c, _ := login(t, ts, gateway.IntentGuilds|gateway.IntentGuildMessages|gateway.IntentMessageContent)
	for i := 0; i < 20; i++ {
		_, _ = s.Post(GeneralChannelID, DefaultMemberID, "hi")
		c.expectDispatch("MESSAGE_CREATE") // the client keeps getting its frames
	}
	if s.Dropped() == 0 {
		t.Fatal("a full observer lost no frames")
	}
	cancel()
	cancel() // idempotent
}

// An observer must see each server frame before the client's answer to it,
// or a panel would show Identify before the Hello it answers.
func TestObserversSeeQuestionsBeforeAnswers(t *testing.T) {
	s, ts := startSandbox(t, testConfig())
	frames, cancel := s.Observe(1024)
	defer cancel()
	for range 20 {
		c := dial(t, ts, "?v=10")
		c.expect(gateway.OpHello, "")
		c.send(gateway.OpHeartbeat, nil)
		c.expect(gateway.OpHeartbeatACK, "")
		_ = c.ws.Close()
	}
	last := map[string]gateway.Opcode{}
	seen := 0
	for seen < 20*3 {
		f := nextFrame(t, frames)
		if f.Data == nil {
			continue
		}
		p, err := gateway.DecodePayload(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		want := map[gateway.Opcode]gateway.Opcode{gateway.OpHello: -1, gateway.OpHeartbeat: gateway.OpHello, gateway.OpHeartbeatACK: gateway.OpHeartbeat}[p.Op]
		if prev, ok := last[f.Conn]; (ok || want != -1) && prev != want {
			t.Fatalf("%s: %s observed after %s", f.Conn, p.Op, prev)
		}
		last[f.Conn] = p.Op
		seen++
	}
}
