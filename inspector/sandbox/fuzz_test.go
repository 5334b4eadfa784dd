package sandbox

import (
	"testing"

	"gatewaytour/inspector/gateway"
)

// fuzzCloseCodes are the closes a client frame may legitimately earn.
var fuzzCloseCodes = map[gateway.CloseCode]bool{
	gateway.CloseUnknownError: true, gateway.CloseUnknownOpcode: true, gateway.CloseDecodeError: true,
	gateway.CloseNotAuthenticated: true, gateway.CloseAuthenticationFailed: true, gateway.CloseAlreadyAuthenticated: true,
	gateway.CloseInvalidSeq: true, gateway.CloseRateLimited: true, gateway.CloseInvalidShard: true,
	gateway.CloseInvalidIntents: true, gateway.CloseDisallowedIntents: true,
}

// serverOps are the opcodes the sandbox may answer with.
var serverOps = map[gateway.Opcode]bool{
	gateway.OpDispatch: true, gateway.OpHeartbeat: true, gateway.OpReconnect: true,
	gateway.OpInvalidSession: true, gateway.OpHeartbeatACK: true,
}

// FuzzClientFrame feeds arbitrary bytes to the client-frame handler, on a
// fresh connection or one that has identified. It must never panic, and must
// end either in answers that are valid payloads or in a documented close.
func FuzzClientFrame(f *testing.F) {
	f.Add([]byte(`{"op":1,"d":null}`), false)
	f.Add([]byte(`{"op":2,"d":{"token":"`+Token+`","intents":513,"properties":{"os":"linux"}}}`), false)
	f.Add([]byte(`{"op":8,"d":{"guild_id":`+GuildID.String()+`,"query":"","limit":0,"nonce":"n"}}`), true)
	f.Add([]byte(`{"op":6,"d":{"token":"`+Token+`","session_id":"x","seq":3}}`), false)
	s := New(testConfig())
	defer s.Close()
	f.Fuzz(func(t *testing.T, frame []byte, identified bool) {
		c := s.newConn(nil, "")
		c.gatewayURL = "ws://127.0.0.1/gateway"
		defer s.connEnded(c, true)
		if identified {
			id := mustJSON(map[string]any{"op": 2, "d": identifyWith(gateway.AllIntents)})
			if code, reason := c.handleFrame(id); code != 0 {
				t.Fatalf("valid identify closed %d %s", code, reason)
			}
			for len(c.send) > 0 {
				<-c.send
			}
		}
		code, reason := c.judge(frame)
		if code != 0 {
			if !fuzzCloseCodes[code] || reason == "" {
				t.Fatalf("frame %q closed with undocumented %d %q", frame, code, reason)
			}
			return
		}
		for len(c.send) > 0 {
			out := <-c.send
			p, err := gateway.DecodePayload(out)
			if err != nil || !serverOps[p.Op] {
				t.Fatalf("frame %q answered with %q (%v)", frame, out, err)
			}
			if p.Op == gateway.OpDispatch && (p.S == nil || p.T == nil) {
				t.Fatalf("dispatch without s/t: %q", out)
			}
		}
	})
}
