package proxy

import (
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// bombUpstream is a gateway whose zstd-stream sends Hello and then one
// small frame that expands past the proxy's 64 MiB limit.
func bombUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	var up *httptest.Server
	up = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v10/gateway" {
			_, _ = w.Write([]byte(`{"url":"ws` + strings.TrimPrefix(up.URL, "http") + `/ws"}`))
			return
		}
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		hello, _ := gateway.NewZstdStreamWriter().Compress([]byte(`{"op":10,"d":{"heartbeat_interval":41250},"s":null,"t":null}`))
		_ = ws.WriteMessage(websocket.BinaryMessage, hello)
		// The same frame continues with RLE blocks of 128 KiB each: 4 bytes
		// apiece on the wire, 80 MiB once decoded.
		var bomb []byte
		for i := 0; i < 640; i++ {
			var hdr [4]byte
			binary.LittleEndian.PutUint32(hdr[:], uint32(128<<10)<<3|1<<1)
			bomb = append(bomb, hdr[0], hdr[1], hdr[2], '{')
		}
		_ = ws.WriteMessage(websocket.BinaryMessage, bomb)
		_, _, _ = ws.ReadMessage() // until the proxy hangs up
	}))
	t.Cleanup(up.Close)
	return up
}

// TestZstdBombFromUpstreamEndsTheBotsConnection: the proxy refuses to
// decode past its limit, says so in the sink, and closes the bot's
// connection with the resumable 4000, since it can pass nothing more on.
func TestZstdBombFromUpstreamEndsTheBotsConnection(t *testing.T) {
	// The bomb decodes to 80 MiB; a 4 MiB bound shows the same refusal
	// without spending seconds under the race detector decoding to 64 MiB.
	defer func(n int) { maxInflatedMessage = n }(maxInflatedMessage)
	maxInflatedMessage = 4 << 20
	k := &collector{}
	p, err := New(Config{Upstream: bombUpstream(t).URL, Sink: k.Add})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p.Handler())
	t.Cleanup(front.Close)
	c := dialProxy(t, "ws"+strings.TrimPrefix(front.URL, "http")+"/gateway?v=10&encoding=json&compress=zstd-stream")
	if p, _, err := c.next(); err != nil || p.Op != gateway.OpHello {
		t.Fatalf("first frame = %v, %v", p.Op, err)
	}
	_, _, err = c.next()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != int(gateway.CloseUnknownError) {
		t.Fatalf("after the bomb: %v, want close 4000", err)
	}
	bomb, ok := k.find(func(f gateway.WireFrame, _ gateway.Payload) bool { return f.Error != "" })
	if !ok || !strings.Contains(bomb.Error, "zstd-stream") || !strings.Contains(bomb.Error, "limit") || len(bomb.Data) != 0 {
		t.Fatalf("the sink's record of the bomb: %+v (found %v)", bomb, ok)
	}
}
