package client_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

func TestServerHeartbeatRequestIsAnsweredAtOnce(t *testing.T) {
	cfg := quickSandbox()
	cfg.HeartbeatInterval = 20 * time.Second // so the only beats are answers
	cfg.ServerHeartbeatEvery = 200 * time.Millisecond
	h := start(t, cfg, client.Config{}, nil)
	h.waitState(client.StateReady)
	req := h.waitFrame("server op 1", isOp(gateway.Recv, int(gateway.OpHeartbeat)))
	answer := h.waitFrame("client op 1", isOp(gateway.Send, int(gateway.OpHeartbeat)))
	if gap := answer.Time.Sub(req.Time); gap > 5*time.Second {
		t.Errorf("answered after %s", gap)
	}
	if !strings.HasPrefix(string(answer.Data), `{"op":1,"d":`) || strings.HasSuffix(string(answer.Data), `"d":null}`) {
		t.Errorf("a beat after READY carries the last s: %s", answer.Data)
	}
}

func TestMessagePastTheInflateCapIsReportedAndTheStreamGoesOn(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{MaxInflated: 2048, Intents: gateway.IntentGuilds}, nil)
	bad := h.waitFrame("undecodable frame", func(f gateway.WireFrame) bool { return f.Error != "" })
	if !strings.Contains(bad.Error, "exceeds the limit") || bad.WireSize == 0 {
		t.Errorf("frame %+v", bad)
	}
	h.waitFrame("an ACK after it", isOp(gateway.Recv, int(gateway.OpHeartbeatACK)))
	recs := h.records(func(r inspector.Record) bool { return r.Error != "" })
	if len(recs) == 0 || recs[0].OpName != "Undecodable frame" {
		t.Errorf("records %+v", recs)
	}
}

func TestSendGoesOutOnTheLiveConnection(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	h.waitState(client.StateReady)
	presence := map[string]any{"since": nil, "activities": []any{}, "status": "idle", "afk": false}
	if err := h.cl.Send(ctx, gateway.OpPresenceUpdate, presence); err != nil {
		t.Fatal(err)
	}
	f := h.waitFrame("presence update", isOp(gateway.Send, int(gateway.OpPresenceUpdate)))
	if !strings.Contains(string(f.Data), `"status":"idle"`) {
		t.Errorf("sent %s", f.Data)
	}
}

func TestStoppingClosesWith1000(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{}, nil)
	h.waitState(client.StateReady)
	h.cancel()
	f := h.waitFrame("client close", func(f gateway.WireFrame) bool { return f.Close != nil && f.Dir == gateway.Send })
	if f.Close.Code != gateway.CloseNormal {
		t.Errorf("close %+v", f.Close)
	}
	if s := h.waitState(client.StateStopped); s.Err == nil {
		t.Error("Run should report why it stopped")
	}
}
