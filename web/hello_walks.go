package web

import (
	"sync"
	"time"

	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/live"
)

// The hello-world stepper: each browser tab walks its own hello-world bot
// (inspector/hello) against the sandbox, and the walk's frames go to a
// panel stream of their own (live.Hub.Attach), so the tab's panel can show
// exactly that bot. helloTabs remembers, per walk, the stream and which of
// its records each step was about, so a step shown again (after Back)
// selects the same frames.

// defaultHelloIdle matches the hello package's own default.
const defaultHelloIdle = 15 * time.Minute

// helloTab is one tab's walk as the web side sees it.
type helloTab struct {
	id     string
	walk   *hello.Walk
	stream *live.Stream
	detach func()

	mu       sync.Mutex
	lastUsed time.Time
	busy     int
	// frames holds, per step number, the indexes of the stream's records
	// that the step was about.
	frames map[int][]int64
}

// helloTabs is every tab's walk, ended after the idle timeout like the
// hello registry's own, so an abandoned tab's panel stream is let go too.
type helloTabs struct {
	walks *hello.Walks
	hub   *live.Hub
	idle  time.Duration

	mu   sync.Mutex
	tabs map[string]*helloTab
	stop chan struct{}
	done chan struct{}
}

func newHelloTabs(walks *hello.Walks, hub *live.Hub, idle time.Duration) *helloTabs {
	if idle <= 0 {
		idle = defaultHelloIdle
	}
	t := &helloTabs{walks: walks, hub: hub, idle: idle, tabs: map[string]*helloTab{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go t.sweepLoop()
	return t
}

// start begins a walk with a stream of its own.
func (t *helloTabs) start(opts hello.Options) (*helloTab, error) {
	info, sink, detach := t.hub.Attach("hello", "the hello-world bot", hello.Peer)
	stream, ok := t.hub.Stream(info.ID)
	if !ok {
		detach()
		return nil, errNoStream
	}
	id, walk, err := t.walks.Start(opts, sink)
	if err != nil {
		detach()
		return nil, err
	}
	tab := &helloTab{id: id, walk: walk, stream: stream, detach: detach, lastUsed: time.Now(), frames: map[int][]int64{}}
	t.mu.Lock()
	t.tabs[id] = tab
	t.mu.Unlock()
	return tab, nil
}

// get finds a tab's walk and marks it in use until release.
func (t *helloTabs) get(id string) (*helloTab, bool) {
	t.mu.Lock()
	tab, ok := t.tabs[id]
	t.mu.Unlock()
	if !ok {
		return nil, false
	}
	if _, open := t.walks.Get(id); !open {
		// The registry closed it (its own idle sweep): forget it here too.
		t.end(id)
		return nil, false
	}
	tab.mu.Lock()
	tab.busy++
	tab.lastUsed = time.Now()
	tab.mu.Unlock()
	return tab, true
}

func (tab *helloTab) release() {
	tab.mu.Lock()
	tab.busy--
	tab.lastUsed = time.Now()
	tab.mu.Unlock()
}

// end closes a walk and lets its stream go; unknown ids are ignored.
func (t *helloTabs) end(id string) bool {
	t.mu.Lock()
	tab, ok := t.tabs[id]
	delete(t.tabs, id)
	t.mu.Unlock()
	t.walks.End(id)
	if ok {
		tab.detach()
	}
	return ok
}

// count is how many walks are open.
func (t *helloTabs) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.tabs)
}

// close ends every walk and the sweeper.
func (t *helloTabs) close() {
	select {
	case <-t.stop:
		return
	default:
	}
	close(t.stop)
	<-t.done
	t.mu.Lock()
	ids := make([]string, 0, len(t.tabs))
	for id := range t.tabs {
		ids = append(ids, id)
	}
	t.mu.Unlock()
	for _, id := range ids {
		t.end(id)
	}
}

func (t *helloTabs) sweepLoop() {
	defer close(t.done)
	ticker := time.NewTicker(max(min(t.idle/4, 30*time.Second), 10*time.Millisecond))
	defer ticker.Stop()
	for {
		select {
		case <-t.stop:
			return
		case now := <-ticker.C:
			for _, id := range t.stale(now) {
				t.end(id)
			}
		}
	}
}

func (t *helloTabs) stale(now time.Time) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ids []string
	for id, tab := range t.tabs {
		tab.mu.Lock()
		if tab.busy == 0 && now.Sub(tab.lastUsed) > t.idle {
			ids = append(ids, id)
		}
		tab.mu.Unlock()
	}
	return ids
}

// stepFrames finds the records of [from, to) in the tab's stream that are
// the step's own frames (the stream also carries heartbeats meanwhile), and
// remembers them under the step's number. A step shown again without new
// frames answers what was remembered.
func (tab *helloTab) stepFrames(step hello.Step, from, to int64) []int64 {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	if step.N == 0 {
		return nil
	}
	var found []int64
	session := tab.stream.Session()
	for i := from; i < to; i++ {
		rec, ok := session.Get(i)
		if ok && isStepFrame(step.Frames, rec.Time, rec.Dir) {
			found = append(found, i)
		}
	}
	if len(found) == 0 {
		return tab.frames[step.N]
	}
	tab.frames[step.N] = found
	return found
}

// forget drops the remembered frames (the walk restarted).
func (tab *helloTab) forget() {
	tab.mu.Lock()
	tab.frames = map[int][]int64{}
	tab.mu.Unlock()
}

func isStepFrame(frames []gateway.WireFrame, at time.Time, dir gateway.Direction) bool {
	for _, f := range frames {
		if f.Dir == dir && f.Time.Equal(at) {
			return true
		}
	}
	return false
}

// next is the index the tab's stream gives its next record.
func (tab *helloTab) next() int64 {
	_, next := tab.stream.Session().Bounds()
	return next
}
