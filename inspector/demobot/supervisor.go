package demobot

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"gatewaytour/inspector/client"
	"gatewaytour/inspector/sandbox"
)

// OtherBots counts the bots connected to sb that are neither the demo bot
// nor the panel's own connection: the learner's, or a lesson's walk.
func OtherBots(sb *sandbox.Server) func() int {
	return func() int {
		n := 0
		for _, c := range sb.Connections() {
			if c.Peer != Peer && c.Peer != client.Peer {
				n++
			}
		}
		return n
	}
}

// Supervisor keeps the demo bot connected while it is wanted: it is on
// unless the reader turns it off, and it steps away whenever another bot is
// connected to the sandbox (the learner's own bot then has the guild to
// itself, and no command is answered twice), coming back once that bot
// has gone.
type Supervisor struct {
	API, Token string
	// Others counts the bots on the sandbox that are neither the demo bot
	// nor the panel's own connection.
	Others func() int
	Logger *slog.Logger
	// Every is how often the supervisor looks (default 1 s).
	Every time.Duration

	mu      sync.Mutex
	off     bool
	cancel  context.CancelFunc
	stopped chan struct{}
}

// Status is GET and POST /sandbox/demobot's answer.
type Status struct {
	Enabled bool `json:"enabled"`
	Running bool `json:"running"`
	Others  int  `json:"other_bots"`
}

// Run supervises until ctx ends, then stops the bot.
func (s *Supervisor) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		s.reconcile(ctx)
		select {
		case <-ctx.Done():
			s.stop()
			return
		case <-tick.C:
		}
	}
}

func (s *Supervisor) reconcile(ctx context.Context) {
	want := !s.enabledOff() && s.Others() == 0 && ctx.Err() == nil
	s.mu.Lock()
	running := s.cancel != nil
	s.mu.Unlock()
	switch {
	case want && !running:
		s.start(ctx)
	case !want && running:
		s.stop()
	}
}

func (s *Supervisor) enabledOff() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.off
}

func (s *Supervisor) start(ctx context.Context) {
	run, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.mu.Lock()
	s.cancel, s.stopped = cancel, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		if err := New(s.API, s.Token, s.Logger).Run(run); err != nil && run.Err() == nil && s.Logger != nil {
			s.Logger.Warn("the demo bot stopped", "err", err)
		}
		s.mu.Lock()
		if s.stopped == done {
			s.cancel, s.stopped = nil, nil // ended by itself: the next look starts it again
		}
		s.mu.Unlock()
	}()
}

func (s *Supervisor) stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.stopped
	s.cancel, s.stopped = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Status says whether the demo bot is wanted and connected.
func (s *Supervisor) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Status{Enabled: !s.off, Running: s.cancel != nil, Others: s.Others()}
}

// SetEnabled turns the demo bot on or off; the change takes effect at the
// supervisor's next look.
func (s *Supervisor) SetEnabled(on bool) {
	s.mu.Lock()
	s.off = !on
	s.mu.Unlock()
}

// Handler serves GET and POST /sandbox/demobot ({"enabled":bool}) for the
// guild view's toggle. Like the rest of /sandbox/, it refuses requests whose
// Origin names another site.
func (s *Supervisor) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			if u, err := url.Parse(o); err != nil || !strings.EqualFold(u.Host, r.Host) {
				http.Error(w, `{"message":"403: cross-origin requests may not drive the sandbox","code":0}`, http.StatusForbidden)
				return
			}
		}
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var body struct {
				Enabled *bool `json:"enabled"`
			}
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&body); err != nil || body.Enabled == nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"message":"Invalid Form Body: send {\"enabled\": true or false}","code":50035}` + "\n"))
				return
			}
			s.SetEnabled(*body.Enabled)
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, `{"message":"405: Method Not Allowed","code":0}`, http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Status())
	})
}
