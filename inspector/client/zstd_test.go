package client_test

import (
	"strings"
	"testing"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/gateway"
)

// TestZstdStreamSessionResumes logs in over zstd-stream, as discord.py 2.7
// does, and resumes after op 7 on a new connection with a new stream.
func TestZstdStreamSessionResumes(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{Compress: client.CompressZstdStream, Intents: gateway.IntentGuilds}, nil)
	first := h.waitState(client.StateReady)
	gc := h.waitFrame("GUILD_CREATE", isDispatch("GUILD_CREATE"))
	if gc.Error != "" || gc.WireSize == 0 || gc.WireSize >= len(gc.Data) {
		t.Errorf("GUILD_CREATE over zstd-stream: error %q, wire %d bytes for %d decoded", gc.Error, gc.WireSize, len(gc.Data))
	}
	if conns := h.sb.Connections(); len(conns) != 1 || conns[0].Compression != gateway.CompressZstdStream {
		t.Fatalf("sandbox sees %+v", conns)
	}
	if err := h.sb.Reconnect(h.sandboxConn()); err != nil {
		t.Fatal(err)
	}
	if s := h.waitState(client.StateResumed); s.SessionID != first.SessionID || s.Conn != "inspector-2" {
		t.Errorf("after op 7: %+v", s)
	}
	h.waitFrame("an ACK on the new stream", func(f gateway.WireFrame) bool {
		return f.Conn == "inspector-2" && isOp(gateway.Recv, int(gateway.OpHeartbeatACK))(f)
	})
}

// TestZstdMessagePastTheCapEndsTheConnection: a zstd stream cannot be read
// past a refused message, so the record says why and the client leaves the
// connection with a close that keeps the session.
func TestZstdMessagePastTheCapEndsTheConnection(t *testing.T) {
	h := start(t, quickSandbox(), client.Config{Compress: client.CompressZstdStream, MaxInflated: 2048, Intents: gateway.IntentGuilds}, nil)
	bad := h.waitFrame("undecodable frame", func(f gateway.WireFrame) bool { return f.Error != "" })
	if !strings.Contains(bad.Error, "zstd-stream") || !strings.Contains(bad.Error, "exceeds the limit") || bad.WireSize == 0 {
		t.Errorf("frame %+v", bad)
	}
	closed := h.waitState(client.StateClosed)
	if !closed.ByClient || closed.Code == gateway.CloseNormal {
		t.Errorf("close after the refused message %+v", closed)
	}
}
