package inspector

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// Bounds on a HAR import, beyond the size of the file the caller allows.
const (
	// harMaxFrames is far more than an hour of a busy bot.
	harMaxFrames = 1_000_000
	// harMaxMessage bounds one inflated message (a GUILD_CREATE of a huge
	// guild is a few megabytes) and harMaxDecoded all of them together, so
	// a small file of compressed frames cannot inflate without end.
	harMaxMessage = 64 << 20
	harMaxDecoded = 256 << 20
)

// ErrNotHAR is returned for input that is JSON but not a HAR file.
var ErrNotHAR = errors.New("not a HAR file: it has no log.entries")

// LooksLikeHAR reports whether the start of a file is a HAR: a JSON object
// whose first key is "log" (how DevTools and every other HAR writer start;
// an NDJSON record starts with "index").
func LooksLikeHAR(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	head = bytes.TrimLeft(head[1:], " \t\r\n")
	return bytes.HasPrefix(head, []byte(`"log"`))
}

// ImportHAR reads a HAR file (from Chrome's DevTools or ExportHAR) and
// annotates its gateway traffic as if it were live: each websocket entry
// is one connection, its text frames read as they are and its binary
// frames inflated per the URL's compress= (zlib-stream, zstd-stream);
// requests to a Discord-style /api/ path become REST records. Other
// entries (pages, scripts, images) are left out. Tokens in Identify and
// Resume, and any "token" a REST answer carries (a web client's login),
// are redacted everywhere, even in records before the frame that carried
// them.
func ImportHAR(r io.Reader) ([]Record, error) {
	var file harFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&file); err != nil {
		if strings.Contains(err.Error(), "exceeded max depth") {
			// encoding/json stops at 10,000 levels, far past any real file.
			return nil, errors.New("not a HAR file: it is nested deeper than any HAR file is")
		}
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if file.Log.Entries == nil {
		return nil, ErrNotHAR
	}
	frames, secrets, err := harFrames(file.Log.Entries)
	if err != nil {
		return nil, err
	}
	// The one ingest path, in a session of the file's own: the tokens the
	// file carries are learned first, so no record holds one.
	session := NewSession(max(len(frames), 1))
	for _, token := range secrets {
		session.Secrets().Learn(token)
	}
	for _, f := range frames {
		session.Ingest(f)
	}
	return session.Records(0, len(frames)), nil
}

// harFrames turns the entries into frames in time order.
func harFrames(entries []harEntry) (frames []gateway.WireFrame, secrets []string, err error) {
	decoded := 0
	count := len(entries)
	for _, e := range entries {
		count += len(e.WebSocketMessages)
	}
	if count > harMaxFrames {
		return nil, nil, fmt.Errorf("the HAR holds more than %d frames and requests", harMaxFrames)
	}
	for n, e := range entries {
		if e.ResourceType == "websocket" || len(e.WebSocketMessages) > 0 {
			conn := "har-" + strconv.Itoa(n+1)
			fs, size, err := socketFrames(conn, e, harMaxDecoded-decoded)
			if err != nil {
				return nil, nil, fmt.Errorf("entry %d (%s): %w", n+1, shortURL(e.Request.URL), err)
			}
			decoded += size
			frames = append(frames, fs...)
			continue
		}
		if f, ok := restFrame(e, &secrets); ok {
			frames = append(frames, f)
		}
	}
	if len(frames) == 0 {
		return nil, nil, errors.New("the HAR holds no websocket frames and no /api/ requests")
	}
	// Stable, so frames of one connection with the same time keep their order.
	slices.SortStableFunc(frames, func(a, b gateway.WireFrame) int { return a.Time.Compare(b.Time) })
	return frames, append(secrets, harSecrets(frames)...), nil
}

// inflater is what the zlib-stream and zstd-stream readers have in common.
type inflater interface {
	Feed(frame []byte) (msg []byte, complete bool, err error)
}

// socketFrames reads one websocket entry's messages; budget bounds the
// bytes its binary frames may inflate to.
func socketFrames(conn string, e harEntry, budget int) ([]gateway.WireFrame, int, error) {
	q := queryValues(e.Request.URL)
	compress := q.Get("compress")
	etf := q.Get("encoding") == "etf"
	var inflate inflater
	pending := 0 // wire bytes of a message split over several frames
	decoded := 0
	frames := make([]gateway.WireFrame, 0, len(e.WebSocketMessages))
	for _, m := range e.WebSocketMessages {
		f := gateway.WireFrame{Conn: conn, Time: unixSeconds(m.Time), Dir: gateway.Recv}
		if m.Type == "send" {
			f.Dir = gateway.Send
		}
		switch m.Opcode {
		case wsText:
			f.Data = []byte(m.Data)
		case wsClose:
			f.Close = parseClose(m.Data)
		case wsBinary:
			raw, err := base64.StdEncoding.DecodeString(m.Data)
			if err != nil {
				f.Error = "a binary frame whose data is not base64"
				break
			}
			if etf {
				f.Error, f.WireSize = "an ETF-encoded frame (encoding=etf): the panel reads JSON frames only", len(raw)
				break
			}
			if inflate == nil {
				var err error
				if inflate, err = newInflater(compress, raw); err != nil {
					f.Error, f.WireSize = err.Error(), len(raw)
					break
				}
			}
			msg, complete, err := inflate.Feed(raw)
			pending += len(raw)
			if !complete && err == nil {
				continue // the rest of the message is in the next frame
			}
			f.WireSize, pending = pending, 0
			if err != nil {
				f.Error = err.Error()
				break
			}
			if decoded += len(msg); decoded > budget {
				return nil, 0, fmt.Errorf("its compressed frames inflate past %d MB in all", harMaxDecoded>>20)
			}
			f.Data = msg
		default:
			f.Error = fmt.Sprintf("a websocket frame with opcode %d, which the gateway does not use", m.Opcode)
		}
		if f.WireSize == 0 && f.Close == nil {
			f.WireSize = len(f.Data)
		}
		frames = append(frames, f)
	}
	return frames, decoded, nil
}

// zstdMagic starts every zstd frame (RFC 8878 §3.1.1).
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// newInflater picks the decompressor for a connection: the URL's compress=
// when it has one, else what the first binary frame looks like.
func newInflater(compress string, first []byte) (inflater, error) {
	if compress == "" {
		switch {
		case bytes.HasPrefix(first, zstdMagic):
			compress = "zstd-stream"
		case len(first) >= 2 && first[0]&0x0f == 8 && (uint16(first[0])<<8|uint16(first[1]))%31 == 0:
			compress = "zlib-stream"
		}
	}
	switch compress {
	case "zlib-stream":
		return gateway.NewZlibStreamReader(harMaxMessage, harMaxMessage), nil
	case "zstd-stream":
		return newZstdInflater()
	case "":
		return nil, errors.New("a binary frame on a connection without compress= in its URL, and not zlib or zstd data")
	}
	return nil, fmt.Errorf("a binary frame compressed as %q, which the panel does not know", compress)
}

// parseClose reads "4000 reason" (how ExportHAR writes a close).
func parseClose(data string) *gateway.CloseFrame {
	code, reason, _ := strings.Cut(data, " ")
	n, err := strconv.Atoi(code)
	if err != nil || n < 0 || n > 65535 {
		return &gateway.CloseFrame{Code: 1005, Reason: data}
	}
	return &gateway.CloseFrame{Code: gateway.CloseCode(n), Reason: reason}
}

// restFrame keeps requests to the HTTP API (a path with /api/ in it).
func restFrame(e harEntry, secrets *[]string) (gateway.WireFrame, bool) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || !strings.Contains(u.Path, "/api/") || e.Request.Method == "" {
		return gateway.WireFrame{}, false
	}
	ex := gateway.RESTExchange{HTTP: e.Request.Method + " " + u.RequestURI(), Status: e.Response.Status}
	if e.Request.PostData != nil {
		ex.Request = json.RawMessage(e.Request.PostData.Text)
	}
	body := e.Response.Content.Text
	if e.Response.Content.Encoding == "base64" {
		if b, err := base64.StdEncoding.DecodeString(body); err == nil {
			body = string(b)
		}
	}
	if body != "" {
		ex.Body = json.RawMessage(body)
	}
	ex.Request, ex.Body = redactJSON(ex.Request, secrets), redactJSON(ex.Body, secrets)
	t, _ := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	return ex.Frame("har-rest", "", t), true
}

// harSecrets finds the tokens Identify and Resume carry, so they are
// redacted even in records before the frame that carried them.
func harSecrets(frames []gateway.WireFrame) []string {
	var out []string
	for _, f := range frames {
		var probe struct {
			Op *gateway.Opcode `json:"op"`
			D  struct {
				Token string `json:"token"`
			} `json:"d"`
		}
		if f.Close != nil || f.REST != nil || !bytes.Contains(f.Data, []byte(`"token"`)) || json.Unmarshal(f.Data, &probe) != nil {
			continue
		}
		if probe.Op != nil && (*probe.Op == gateway.OpIdentify || *probe.Op == gateway.OpResume) && probe.D.Token != "" {
			out = append(out, probe.D.Token)
		}
	}
	return out
}

// secretKeys are the keys whose values a web client's REST traffic must
// never show: a login's password and the token it answers with.
var secretKeys = map[string]bool{"token": true, "password": true, "new_password": true}

// redactJSON replaces the values of secretKeys anywhere in body, adding
// the string ones to secrets (so the same token is redacted in the
// gateway frames too). A body that is not JSON is kept as it is.
func redactJSON(body json.RawMessage, secrets *[]string) json.RawMessage {
	if len(body) == 0 || !bytes.Contains(body, []byte("token")) && !bytes.Contains(body, []byte("password")) {
		return body
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if secretKeys[k] {
					if s, ok := x.(string); ok && s != "" {
						*secrets = append(*secrets, s)
						v[k] = RedactedToken
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return body
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func unixSeconds(s float64) time.Time {
	if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 || s > 1e11 {
		return time.Unix(0, 0).UTC()
	}
	// DevTools writes microseconds at most; rounding there undoes the float.
	return time.UnixMicro(int64(math.Round(s * 1e6))).UTC()
}

func queryValues(raw string) url.Values {
	u, err := url.Parse(raw)
	if err != nil {
		return url.Values{}
	}
	return u.Query()
}

func shortURL(u string) string {
	if len(u) > 80 {
		return u[:80] + "…"
	}
	return u
}
