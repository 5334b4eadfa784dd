package inspector

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestLogLinesCarryNoToken(t *testing.T) {
	var s Secrets
	s.Learn("Bot " + testToken)
	var out bytes.Buffer
	log := slog.New(s.LogHandler(slog.NewJSONHandler(&out, nil))).With("header", "Bot "+testToken)
	log.Warn("dial failed for "+testToken, "err", errors.New("GET /x?token="+testToken), "code", 4004,
		slog.Group("req", "auth", testToken), "escaped", `{"t":"\u004d`+testToken[1:]+`"}`)
	if strings.Contains(out.String(), testToken) || strings.Contains(out.String(), testToken[1:]) {
		t.Fatalf("the log holds the token: %s", out.String())
	}
	if !strings.Contains(out.String(), `"code":4004`) || strings.Count(out.String(), RedactedToken) != 5 {
		t.Errorf("the log lost its shape: %s", out.String())
	}
}

func TestRedactTakesTheBotPrefixAlongAndIgnoresShortValues(t *testing.T) {
	if got := RedactToken("Authorization: Bot "+testToken, testToken); got != "Authorization: "+RedactedToken {
		t.Errorf("got %q", got)
	}
	if got := RedactToken("a short note", "short"); got != "a short note" {
		t.Errorf("a short value shredded text: %q", got)
	}
	if got := RedactToken(`"\u0042ot `+testToken+`"`, testToken); got != `"`+RedactedToken+`"` {
		t.Errorf("escaped prefix: %q", got)
	}
}

func TestTokenShape(t *testing.T) {
	for _, ok := range []string{testToken, "Bot " + testToken, " " + testToken + "\n"} {
		if err := CheckTokenShape(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "abc", "a.b", "a..c", "a.b.c.d", "a b.c.d", "é.b.c", strings.Repeat("a", 300) + ".b.c"} {
		err := CheckTokenShape(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		} else if len(bad) > 3 && strings.Contains(err.Error(), bad) {
			t.Errorf("the error repeats the value: %v", err)
		}
	}
}

func TestTokensAreReadUnderEveryKeySpelling(t *testing.T) {
	got := payloadTokens([]byte(`{"op":2,"d":{"tok\u0065n":"one","TOKEN":"two","token":"three","other":"x"}}`))
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("got %q", got)
	}
	if got := payloadTokens([]byte(`{"op":0,"d":{"token":"interaction"}}`)); got != nil {
		t.Errorf("a dispatch's token is not the bot's: %q", got)
	}
}

func TestSecretsHoldABoundedNumberOfTokens(t *testing.T) {
	var s Secrets
	for i := range maxTokens + 10 {
		s.Learn(fmt.Sprintf("token-number-%03d", i))
	}
	if n := len(s.known()); n != maxTokens {
		t.Fatalf("%d tokens held", n)
	}
	if got := s.RedactString("token-number-000 token-number-001 token-number-073"); got != RedactedToken+" token-number-001 "+RedactedToken {
		t.Errorf("the first and the newest are redacted, the oldest others let go: %q", got)
	}
}

// TestLearningWhileRedacting runs under -race: a token learned while
// another goroutine redacts must not disturb it.
func TestLearningWhileRedacting(t *testing.T) {
	var s Secrets
	s.Learn(testToken)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			s.Learn(fmt.Sprintf("another-token-%d", i))
		}
	}()
	for range 200 {
		if strings.Contains(s.RedactString("x "+testToken), testToken) {
			t.Fatal("the token came through")
		}
	}
	<-done
}
