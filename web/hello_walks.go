package web

import (
	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/live"
)

// The hello-world stepper: each browser tab walks its own hello-world bot
// (inspector/hello) against the sandbox, and the walk's frames go to a
// panel stream of their own (live.Hub.Attach), so the tab's panel can show
// exactly that bot. hello.Walks owns the walks (ids, the idle sweep, the
// cap); the web side only opens each walk's stream and lets it go when the
// walk ends. A step names its records by the indexes the stream returned
// for its frames.

// helloTabs is the stepper as the routes see it.
type helloTabs struct {
	walks *hello.Walks
	hub   *live.Hub
}

// newHelloTabs serves walks from the registry; the registry's own idle
// timeout ends them, so the idle time given here is not used again.
func newHelloTabs(walks *hello.Walks, hub *live.Hub) *helloTabs {
	return &helloTabs{walks: walks, hub: hub}
}

// helloTab is one tab's walk and the stream its frames go to.
type helloTab struct {
	id     string
	walk   *hello.Walk
	stream string
}

// start begins a walk with a stream of its own, let go when the walk ends.
func (t *helloTabs) start(opts hello.Options) (*helloTab, error) {
	info, sink, detach := t.hub.Attach("hello", "the hello-world bot", hello.Peer)
	id, walk, err := t.walks.Start(opts, sink, detach)
	if err != nil {
		detach()
		return nil, err
	}
	return &helloTab{id: id, walk: walk, stream: info.ID}, nil
}

// get finds a tab's walk.
func (t *helloTabs) get(id string) (*helloTab, bool) {
	walk, ok := t.walks.Get(id)
	if !ok {
		return nil, false
	}
	return &helloTab{id: id, walk: walk}, true
}

// end closes a walk; unknown ids are ignored.
func (t *helloTabs) end(id string) bool { return t.walks.End(id) }

// count is how many walks are open.
func (t *helloTabs) count() int { return t.walks.Len() }

// close ends every walk.
func (t *helloTabs) close() { t.walks.Close() }
