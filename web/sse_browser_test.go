package web

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/chromedp/chromedp"
)

// sseReplay runs the page's event-stream reader (static/sse.js) in
// Chromium against answers the test writes byte by byte: the page's fetch
// is replaced for the reader's own requests only, so chunks can be cut
// anywhere (inside a line, inside a UTF-8 character, between "\r" and
// "\n"), which a real server's stream only does by chance.
const sseReplay = `(async () => {
  const enc = (s) => new TextEncoder().encode(s);
  const bytes = (...parts) => parts.map((p) => (typeof p === "string" ? enc(p) : new Uint8Array(p)));
  const answers = [
    // 1: a retry delay, an event cut mid-line with CRLF endings and two
    // data lines, a comment, an event without a space after the colon that
    // keeps the previous id, an id-only event, then an event cut off by the
    // end of the stream (not delivered: the reader reconnects instead).
    bytes("retry: 5\n", "event: a\nid: 1\ndata: x", "y\r", "\ndata: second line\r\n\r\n", ": keep-alive\n\n",
      "event: b\ndata:no-space\n\nid: 7\n\n", "event: lost\nid: 8\ndata: half"),
    // 2: "é" is two bytes, cut between them; a field the format does not
    // know is ignored; an event whose name nobody hears is dropped.
    bytes("event: c\nfoo: bar\ndata: caf", [0xc3], [0xa9], "\n\n", "event: unheard\ndata: 1\n\n"),
  ];
  const asked = [];
  const realFetch = window.fetch;
  window.fetch = async (url, init) => {
    if (!String(url).startsWith("/replay")) return realFetch(url, init);
    asked.push(init.headers["Last-Event-ID"] ?? null);
    const parts = answers[asked.length - 1];
    if (!parts) return new Response("no such stream", { status: 404 });
    const body = new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
    return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
  };
  const got = [];
  const links = [];
  const heard = (name) => (data, id) => got.push([name, data, id]);
  await new Promise((done) => {
    window.GatewayTourSSE.follow("/replay", {
      events: { a: heard("a"), b: heard("b"), c: heard("c"), lost: heard("lost") },
      link: (l) => { links.push(l); if (l === "closed") done(); },
    });
  });
  window.fetch = realFetch;
  return JSON.stringify({ got, links, asked });
})()`

func TestEventStreamReaderInBrowser(t *testing.T) {
	p := newPanelServer(t, panelCourse(t))
	b := newBrowser(t)
	b.do(t, "open a lesson", chromedp.Navigate(p.ts.URL+"/lessons/first"))
	b.waitTrue(t, "the reader is loaded", `typeof window.GatewayTourSSE?.follow === "function"`)
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](sseReplay, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var replay struct {
		Got   [][]string `json:"got"`
		Links []string   `json:"links"`
		Asked []*string  `json:"asked"`
	}
	if err := json.Unmarshal([]byte(out), &replay); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	wantGot := [][]string{{"a", "xy\nsecond line", "1"}, {"b", "no-space", "1"}, {"c", "café", "7"}}
	if !reflect.DeepEqual(replay.Got, wantGot) {
		t.Errorf("events heard %q, want %q", replay.Got, wantGot)
	}
	wantLinks := []string{"open", "reconnecting", "open", "reconnecting", "closed"}
	if !reflect.DeepEqual(replay.Links, wantLinks) {
		t.Errorf("link states %q, want %q", replay.Links, wantLinks)
	}
	// The first request carries no Last-Event-ID; each reconnect carries
	// the id of the last whole event (7, not the cut-off event's 8).
	var asked []string
	for _, a := range replay.Asked {
		if a == nil {
			asked = append(asked, "none")
		} else {
			asked = append(asked, *a)
		}
	}
	if want := []string{"none", "7", "7"}; !reflect.DeepEqual(asked, want) {
		t.Errorf("Last-Event-ID sent %q, want %q", asked, want)
	}
}
