package inspector

import (
	"errors"
	"strings"
)

// maxTokenLength is far above a real bot token (about 72 characters) and
// keeps a pasted document from being taken for one.
const maxTokenLength = 256

// CheckTokenShape accepts what looks like a bot token: three non-empty
// dot-separated parts of base64url characters, optionally after "Bot ". The
// error is a sentence for the reader and never repeats the token.
func CheckTokenShape(token string) error {
	token = bareToken(token)
	switch {
	case token == "":
		return errors.New("no token given: paste the bot token from the Developer Portal's Bot page (Bot → Reset Token)")
	case len(token) > maxTokenLength:
		return errors.New("that is too long to be a bot token; copy it again from the Developer Portal's Bot page")
	case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' }):
		return errors.New("a bot token has no spaces or special characters; paste it again")
	}
	parts := strings.Split(token, ".")
	ok := len(parts) == 3
	for _, p := range parts {
		ok = ok && p != "" && strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
	}
	if !ok {
		return errors.New("that does not look like a bot token: it is three parts joined by dots, of letters, digits, '-' and '_'; copy it again from the Developer Portal's Bot page (not the client secret or public key)")
	}
	return nil
}
