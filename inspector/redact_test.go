package inspector

import (
	"encoding/json"
	"strings"
	"testing"

	"gatewaytour/inspector/gateway"
)

func TestTokenLearnedFromIdentifyIsScrubbedEverywhere(t *testing.T) {
	a := newAnnotator(&Secrets{})
	// discordgo sends "Bot <token>"; both spellings must go.
	ident := strings.Replace(fxIdentify, testToken, "Bot "+testToken, 1)
	r := a.annotate(frame("c", gateway.Send, t0, ident))
	if strings.Contains(string(r.Payload), testToken) {
		t.Fatalf("identify leaks: %s", r.Payload)
	}
	leak := strings.Replace(fxMessage, "hello <@1350037460222083072> & welcome", "my token is "+testToken, 1)
	m := a.annotate(frame("c", gateway.Recv, t0, leak))
	raw, _ := json.Marshal(m)
	if strings.Contains(string(raw), testToken) || !strings.Contains(m.Summary, RedactedToken) || !json.Valid(m.Payload) {
		t.Errorf("message leaks the learned token: %s", raw)
	}
}

func TestResumeTokenIsRedacted(t *testing.T) {
	a := newAnnotator(&Secrets{})
	r := a.annotate(frame("c", gateway.Send, t0, `{"op":6,"d":{"token":"`+testToken+`","session_id":"abc","seq":12}}`))
	if strings.Contains(string(r.Payload), testToken) || r.Summary != "resume session abc at s=12" {
		t.Errorf("resume: %s %q", r.Payload, r.Summary)
	}
}

func TestLearnedSecretScrubsTextErrorsAndCloseReasons(t *testing.T) {
	a := newAnnotator(&Secrets{})
	a.secrets.Learn(testToken)
	a.secrets.Learn("short")
	bad := a.annotate(frame("c", gateway.Send, t0, `{"op":2,"d":{"token":"`+testToken+`"`))
	if strings.Contains(string(bad.Payload), testToken) || bad.Error == "" {
		t.Errorf("undecodable identify leaks: %s", bad.Payload)
	}
	cl := a.annotate(gateway.WireFrame{Conn: "c", Dir: gateway.Recv, Time: t0, Close: &gateway.CloseFrame{Code: 4004, Reason: "bad token " + testToken}})
	if strings.Contains(cl.Close.Reason, testToken) {
		t.Errorf("close reason leaks: %q", cl.Close.Reason)
	}
	// Secrets shorter than minSecret are ignored rather than shredding text.
	m := a.annotate(frame("c", gateway.Recv, t0, `{"op":0,"t":"X","s":1,"d":{"content":"a short note"}}`))
	if !strings.Contains(string(m.Payload), "a short note") {
		t.Errorf("short secret applied: %s", m.Payload)
	}
}

func TestEscapedTokenSpellingIsScrubbed(t *testing.T) {
	a := newAnnotator(&Secrets{})
	secret := "abc/def<ghi>jkl"
	a.secrets.Learn(secret)
	r := a.annotate(frame("c", gateway.Recv, t0, `{"op":0,"t":"X","s":1,"d":{"a":"abc\/def\u003cghi\u003ejkl","b":"abc\/def<ghi>jkl"}}`))
	var v struct{ D struct{ A, B string } }
	if err := json.Unmarshal(r.Payload, &v); err != nil {
		t.Fatal(err)
	}
	if v.D.A != RedactedToken || v.D.B != RedactedToken {
		t.Errorf("escaped spellings kept the secret: %q %q (%s)", v.D.A, v.D.B, r.Payload)
	}
}
