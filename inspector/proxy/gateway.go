package proxy

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"gatewaytour/inspector/gateway"
)

// closeLinger is how long a relay waits, after passing a close on, for the
// other side's answering close before hanging up both connections.
const closeLinger = 2 * time.Second

// serveGateway dials the upstream gateway with the bot's query and relays
// frames both ways until either side ends.
func (p *Proxy) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !websocket.IsWebSocketUpgrade(r) {
		http.Error(w, "the gateway speaks websocket; dial ws://"+r.Host+r.URL.Path, http.StatusBadRequest)
		return
	}
	target, status := p.upstreamFor(r)
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	target.RawQuery = r.URL.RawQuery
	up, _, err := p.cfg.Dialer.DialContext(r.Context(), target.String(), nil)
	if err != nil {
		p.cfg.Logger.Warn("cannot dial the upstream gateway", "url", target.Redacted(), "err", err)
		http.Error(w, "the proxy could not reach the upstream gateway", http.StatusBadGateway)
		return
	}
	down, err := p.upgrader.Upgrade(w, r, nil)
	if err != nil {
		_ = up.Close()
		return
	}
	rl := &relay{p: p, id: "proxy-" + strconv.FormatInt(p.connSeq.Add(1), 10), up: up, down: down,
		compress: r.URL.Query().Get("compress"), self: "ws://" + r.Host}
	empty := ""
	rl.peer.Store(&empty)
	rl.run()
}

// upstreamFor picks the upstream gateway: the one /gateway names, or a
// resume_gateway_url the proxy rewrote earlier. status is non-zero when
// there is none.
func (p *Proxy) upstreamFor(r *http.Request) (*url.URL, int) {
	raw := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, "/gateway/resume/"); ok {
		id, err := strconv.Atoi(rest)
		if u, known := p.resumeTarget(id); err == nil && known {
			raw = u
		} else {
			return nil, http.StatusNotFound
		}
	} else if r.URL.Path == "/gateway" || r.URL.Path == "/gateway/" {
		u, err := p.upstreamGateway(r)
		if err != nil {
			p.cfg.Logger.Warn("cannot learn the upstream gateway", "err", err)
			return nil, http.StatusBadGateway
		}
		raw = u
	} else {
		return nil, http.StatusNotFound
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
		return nil, http.StatusBadGateway
	}
	return u, 0
}

// upstreamGateway asks the upstream's GET /api/v10/gateway once and
// remembers the answer, as Discord asks clients to.
func (p *Proxy) upstreamGateway(r *http.Request) (string, error) {
	p.mu.Lock()
	known := p.gatewayURL
	p.mu.Unlock()
	if known != "" {
		return known, nil
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, p.cfg.Upstream+"/api/v10/gateway", nil)
	if err != nil {
		return "", err
	}
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var answer struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&answer); err != nil || answer.URL == "" {
		return "", errNoGateway
	}
	p.mu.Lock()
	p.gatewayURL = answer.URL
	p.mu.Unlock()
	return answer.URL, nil
}

// relay is one bot connection and its upstream twin.
type relay struct {
	p        *Proxy
	id       string
	peer     atomic.Pointer[string]
	up, down *websocket.Conn
	compress string // the bot's compress parameter: zlib-stream, zstd-stream or none
	self     string // the proxy's ws:// origin as the bot reached it

	endOnce sync.Once
	ended   atomic.Bool // one side has ended; the other's hang-up is the proxy's own doing
}

func (rl *relay) run() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rl.upstreamToBot() }()
	go func() { defer wg.Done(); rl.botToUpstream() }()
	wg.Wait()
	_ = rl.up.Close()
	_ = rl.down.Close()
}

// ending gives the other side a moment to answer a close, then hangs up.
func (rl *relay) ending() {
	rl.endOnce.Do(func() {
		time.AfterFunc(closeLinger, func() {
			_ = rl.up.Close()
			_ = rl.down.Close()
		})
	})
}

func (rl *relay) frame(dir gateway.Direction, data []byte, size int) gateway.WireFrame {
	return gateway.WireFrame{Conn: rl.id, Peer: *rl.peer.Load(), Time: time.Now(), Dir: dir, Data: data, WireSize: size}
}

// passClose forwards a read error from one side to the other as the same
// close (or a hang-up when there was no close frame) and reports it.
func (rl *relay) passClose(err error, to *websocket.Conn, dir gateway.Direction) {
	f := rl.frame(dir, nil, 0)
	var ce *websocket.CloseError
	// 1006 and 1015 are what gorilla reports for a connection that died
	// without a close frame; they may never be sent, so the other side
	// gets a hang-up too.
	if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure && ce.Code != websocket.CloseTLSHandshake {
		f.Close, f.WireSize = &gateway.CloseFrame{Code: gateway.CloseCode(ce.Code), Reason: ce.Text}, 2+len(ce.Text)
		msg := websocket.FormatCloseMessage(ce.Code, ce.Text)
		if ce.Code == websocket.CloseNoStatusReceived {
			msg = websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		}
		_ = to.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	} else {
		if rl.ended.Load() {
			return // the proxy hung up this side itself, after the other side ended
		}
		f.Close = &gateway.CloseFrame{Code: 1006, Reason: "connection dropped without a close frame"}
		rl.ended.Store(true)
		_ = to.Close()
	}
	rl.p.emit(f)
	rl.ending()
}

// botToUpstream copies the bot's frames untouched and reports them,
// learning the token from Identify and Resume so no view ever shows it.
func (rl *relay) botToUpstream() {
	for {
		kind, data, err := rl.down.ReadMessage()
		if err != nil {
			rl.passClose(err, rl.up, gateway.Send)
			return
		}
		rl.noteClient(data)
		// Report before forwarding: once a frame is on its way, the answer
		// may come back at once, and views must show the question first.
		f := rl.frame(gateway.Send, data, len(data))
		if kind == websocket.BinaryMessage {
			f.Error = "binary frame from the client (ETF or compressed): forwarded, not decoded"
		}
		rl.p.emit(f)
		if err := rl.up.WriteMessage(kind, data); err != nil {
			_ = rl.down.Close()
			return
		}
	}
}

// noteClient learns the token (whatever the spelling of its key) and the
// client's name from Identify/Resume.
func (rl *relay) noteClient(data []byte) {
	rl.p.secrets.LearnFrom(data)
	var probe struct {
		Op gateway.Opcode `json:"op"`
		D  struct {
			Properties gateway.IdentifyProperties `json:"properties"`
		} `json:"d"`
	}
	if json.Unmarshal(data, &probe) != nil || (probe.Op != gateway.OpIdentify && probe.Op != gateway.OpResume) {
		return
	}
	if b := probe.D.Properties.Browser; b != "" {
		rl.peer.Store(&b)
	}
}

// maxInflatedMessage bounds one decoded gateway message (and its compressed
// form): a GUILD_CREATE of a very large guild stays well under it. A variable
// so that tests can show the bound without decoding 64 MiB.
var maxInflatedMessage = 64 << 20

// upstreamToBot relays the gateway's frames. Text frames and zlib-stream
// messages pass untouched until READY, whose resume_gateway_url must point
// at the proxy; a zlib-stream connection is then carried on with the
// proxy's own deflate stream, since changing one message changes every
// compressed byte after it. A zstd-stream connection is one zstd frame that
// another encoder cannot continue, so the proxy decodes it and sends the bot
// its own zstd stream of the same messages from the first one on.
func (rl *relay) upstreamToBot() {
	inflate := gateway.NewStreamReader(rl.compress, maxInflatedMessage, maxInflatedMessage)
	var own compressor // the proxy's own stream to the bot, once it has one
	if rl.compress == gateway.CompressZstdStream {
		own = gateway.NewZstdStreamWriter()
	}
	var pending [][]byte // original frames of a compressed message not yet complete
	for {
		kind, data, err := rl.up.ReadMessage()
		if err != nil {
			rl.passClose(err, rl.down, gateway.Recv)
			return
		}
		if kind == websocket.TextMessage || inflate == nil {
			out := data
			if kind == websocket.TextMessage {
				out = rl.rewriteReady(data)
			}
			f := rl.frame(gateway.Recv, out, len(out))
			if kind != websocket.TextMessage {
				f.Error = "binary frame without transport compression: forwarded, not decoded"
			}
			rl.p.emit(f)
			if rl.down.WriteMessage(kind, out) != nil {
				_ = rl.up.Close()
				return
			}
			continue
		}
		pending = append(pending, data)
		msg, complete, err := inflate.Feed(data)
		if !complete && err == nil {
			continue
		}
		frames := pending
		pending = nil
		shown, size := msg, 0
		switch {
		case err == nil:
			rewritten := rl.rewriteReady(msg)
			if own == nil && !bytes.Equal(rewritten, msg) {
				own = newDeflater()
			}
			if own != nil {
				out, cerr := own.Compress(rewritten)
				if cerr != nil {
					_ = rl.down.Close()
					return
				}
				shown, frames = rewritten, [][]byte{out}
			}
		case own != nil:
			// The proxy's own stream cannot carry a message it could not
			// read; the bot never gets it, and the sink says why.
			frames = nil
		}
		for _, fr := range frames {
			size += len(fr)
		}
		f := rl.frame(gateway.Recv, shown, size)
		if err != nil {
			f.Error = rl.compress + ": " + strings.TrimPrefix(err.Error(), "gateway: "+rl.compress+": ")
		}
		rl.p.emit(f)
		if err != nil && !complete && own != nil {
			// Nothing more of the upstream's stream can be read, so nothing
			// more can be passed on: end the bot's connection, resumably.
			rl.endUnreadable()
			return
		}
		for _, fr := range frames {
			if rl.down.WriteMessage(websocket.BinaryMessage, fr) != nil {
				_ = rl.up.Close()
				return
			}
		}
	}
}

// endUnreadable closes both sides once the upstream's compressed stream can
// no longer be decoded, telling the bot with 4000 so that it resumes.
func (rl *relay) endUnreadable() {
	const reason = "the proxy cannot decode the gateway's compressed stream any further"
	f := rl.frame(gateway.Recv, nil, 2+len(reason))
	f.Close = &gateway.CloseFrame{Code: gateway.CloseUnknownError, Reason: reason}
	rl.p.emit(f)
	rl.ended.Store(true)
	_ = rl.down.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(int(gateway.CloseUnknownError), reason), time.Now().Add(time.Second))
	_ = rl.up.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(int(gateway.CloseUnknownError), reason), time.Now().Add(time.Second))
	rl.ending()
}

// compressor is the proxy's own stream to the bot.
type compressor interface {
	Compress(msg []byte) ([]byte, error)
}

// rewriteReady points READY's resume_gateway_url at the proxy; any other
// message comes back as it was.
func (rl *relay) rewriteReady(msg []byte) []byte {
	if !bytes.Contains(msg, []byte(`"READY"`)) {
		return msg
	}
	p, err := gateway.DecodePayload(msg)
	if err != nil || p.Op != gateway.OpDispatch || p.T == nil || *p.T != "READY" {
		return msg
	}
	var d map[string]json.RawMessage
	var resume string
	if json.Unmarshal(p.D, &d) != nil || json.Unmarshal(d["resume_gateway_url"], &resume) != nil || resume == "" {
		return msg
	}
	d["resume_gateway_url"], _ = json.Marshal(rl.self + rl.p.resumePath(resume))
	if p.D, err = json.Marshal(d); err != nil {
		return msg
	}
	out, err := json.Marshal(p)
	if err != nil {
		return msg
	}
	return out
}

// deflater continues a zlib-stream with the proxy's own raw deflate
// blocks: the bot's inflater keeps its context, and a fresh compressor only
// ever refers back to bytes it wrote itself, which are the newest bytes in
// the bot's window too.
type deflater struct {
	buf bytes.Buffer
	w   *flate.Writer
}

func newDeflater() *deflater {
	d := &deflater{}
	d.w, _ = flate.NewWriter(&d.buf, flate.DefaultCompression)
	return d
}

func (d *deflater) Compress(msg []byte) ([]byte, error) {
	if _, err := d.w.Write(msg); err != nil {
		return nil, err
	}
	if err := d.w.Flush(); err != nil {
		return nil, err
	}
	out := bytes.Clone(d.buf.Bytes())
	d.buf.Reset()
	return out, nil
}
