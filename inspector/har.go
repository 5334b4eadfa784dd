package inspector

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gatewaytour/inspector/gateway"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) with the
// extension Chrome's DevTools writes for websockets: an entry whose
// _resourceType is "websocket" carries its frames in _webSocketMessages,
// each {type: "send"|"receive", time: Unix seconds, opcode: 1 text |
// 2 binary (data in base64), data}. Exported and imported files use the
// same shapes, so a file written here opens in DevTools and back here.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime   string       `json:"startedDateTime"`
	Time              float64      `json:"time"`
	Request           harRequest   `json:"request"`
	Response          harResponse  `json:"response"`
	Cache             struct{}     `json:"cache"`
	Timings           harTimings   `json:"timings"`
	ResourceType      string       `json:"_resourceType,omitempty"`
	WebSocketMessages []harMessage `json:"_webSocketMessages,omitempty"`
}

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *harPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     harContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

type harMessage struct {
	Type   string  `json:"type"` // "send" or "receive"
	Time   float64 `json:"time"` // seconds since the Unix epoch
	Opcode int     `json:"opcode"`
	Data   string  `json:"data"`
}

// Websocket opcodes as HAR files name them (RFC 6455 §5.2).
const (
	wsText   = 1
	wsBinary = 2
	wsClose  = 8
)

// HARTarget says where the exported traffic went, since a record keeps
// only the path of a REST call and not the gateway's URL.
type HARTarget struct {
	// GatewayURL is the websocket URL every connection of the stream used,
	// e.g. "wss://gateway.discord.gg/?v=10&encoding=json".
	GatewayURL string
	// APIBase is put before a REST call's path, e.g. "https://discord.com".
	APIBase string
	// Creator names the program in the file, e.g. "gatewaytour".
	Creator, Version string
}

// ExportHAR writes every record the session holds as one HAR 1.2 file: a
// websocket entry per connection with its frames as _webSocketMessages
// (text frames as their decoded JSON, with tokens already redacted; a
// close as opcode 8 with "code reason"), and an entry per REST call.
// Annotations are not part of HAR; they are worked out again on import.
func (s *Session) ExportHAR(w io.Writer, target HARTarget) error {
	var entries []*harEntry
	sockets := map[string]*harEntry{}
	started := map[*harEntry]time.Time{}
	_ = s.each(func(r Record) error {
		if r.OpName == "REST" && r.Op == nil {
			entries = append(entries, restEntry(r, target.APIBase))
			return nil
		}
		e := sockets[r.Source]
		if e == nil {
			e = socketEntry(r.Time, target.GatewayURL)
			sockets[r.Source] = e
			started[e] = r.Time
			entries = append(entries, e)
		}
		e.WebSocketMessages = append(e.WebSocketMessages, messageOf(r))
		e.Time = max(e.Time, float64(r.Time.Sub(started[e]).Microseconds())/1000)
		return nil
	})
	file := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: target.Creator, Version: target.Version}, Entries: []harEntry{}}}
	for _, e := range entries {
		file.Log.Entries = append(file.Log.Entries, *e)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(file); err != nil {
		return fmt.Errorf("inspector: export HAR: %w", err)
	}
	return bw.Flush()
}

const harTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func emptyLists() ([]harNameValue, []harNameValue) { return []harNameValue{}, []harNameValue{} }

func socketEntry(start time.Time, url string) *harEntry {
	cookies, headers := emptyLists()
	return &harEntry{
		StartedDateTime: start.UTC().Format(harTimeLayout),
		Request:         harRequest{Method: "GET", URL: url, HTTPVersion: "HTTP/1.1", Cookies: cookies, Headers: headers, QueryString: queryOf(url), HeadersSize: -1},
		Response:        harResponse{Status: 101, StatusText: "Switching Protocols", HTTPVersion: "HTTP/1.1", Cookies: cookies, Headers: headers, HeadersSize: -1},
		ResourceType:    "websocket",
	}
}

func messageOf(r Record) harMessage {
	m := harMessage{Type: "receive", Time: float64(r.Time.UnixMicro()) / 1e6, Opcode: wsText}
	if r.Dir == gateway.Send {
		m.Type = "send"
	}
	switch {
	case r.Close != nil:
		m.Opcode = wsClose
		m.Data = strings.TrimSpace(strconv.Itoa(int(r.Close.Code)) + " " + r.Close.Reason)
	case len(r.Payload) > 0 && r.Payload[0] == '"' && r.Error != "":
		// An undecodable frame keeps its text as a JSON string.
		_ = json.Unmarshal(r.Payload, &m.Data)
	default:
		m.Data = string(r.Payload)
	}
	return m
}

func restEntry(r Record, base string) *harEntry {
	var ex gateway.RESTExchange
	_ = json.Unmarshal(r.Payload, &ex)
	method, path, _ := strings.Cut(ex.HTTP, " ")
	url := path
	if strings.HasPrefix(path, "/") {
		url = strings.TrimSuffix(base, "/") + path
	}
	cookies, headers := emptyLists()
	e := &harEntry{
		StartedDateTime: r.Time.UTC().Format(harTimeLayout),
		Request:         harRequest{Method: method, URL: url, HTTPVersion: "HTTP/1.1", Cookies: cookies, Headers: headers, QueryString: queryOf(url), HeadersSize: -1, BodySize: len(ex.Request)},
		Response: harResponse{Status: ex.Status, HTTPVersion: "HTTP/1.1", Cookies: cookies, Headers: headers, HeadersSize: -1, BodySize: len(ex.Body),
			Content: harContent{Size: len(ex.Body), MimeType: "application/json", Text: string(ex.Body)}},
		ResourceType: "fetch",
	}
	if len(ex.Request) > 0 {
		e.Request.PostData = &harPostData{MimeType: "application/json", Text: string(ex.Request)}
	}
	return e
}

// queryOf lists a URL's query as HAR wants it (names and values as written).
func queryOf(url string) []harNameValue {
	out := []harNameValue{}
	_, query, ok := strings.Cut(url, "?")
	if !ok {
		return out
	}
	for part := range strings.SplitSeq(query, "&") {
		name, value, _ := strings.Cut(part, "=")
		if name != "" {
			out = append(out, harNameValue{Name: name, Value: value})
		}
	}
	return out
}
