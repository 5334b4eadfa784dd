// Package web serves the course in the browser: the lesson pages, the search
// index, the static assets, the live frame panel beside every lesson (its
// Server-Sent Events stream and connect, recording and export routes, all
// same-origin only), and a hook to mount the sandbox on the same server.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/a-h/templ"

	"gatewaytour/inspector/hello"
	"gatewaytour/inspector/live"
	"gatewaytour/lessons"
)

// DefaultProduct is the name shown in the header and the page titles.
const DefaultProduct = "gatewaytour"

// Config is what the server needs. Course is required.
type Config struct {
	Course  *lessons.Course
	Product string // shown in the header and titles; DefaultProduct when empty
	// Live is the hub of frame streams the panel shows. Without it the
	// panel's routes answer 503 and the lessons still work.
	Live *live.Hub
	// Logger receives the panel's warnings; never a token. Optional.
	Logger *slog.Logger
	// Hello runs the hello-world lesson's stepper, one walk per tab, each
	// with a panel stream of its own (so it needs Live too). Without it the
	// stepper's routes answer 503 and the lesson shows no stepper.
	Hello *hello.Walks

	// eventWriteTimeout overrides the event stream's per-write deadline
	// (tests shorten it); zero means eventWriteTimeout.
	eventWriteTimeout time.Duration
}

// Server is the web room's http.Handler. Every page is rendered once in New;
// a request only copies bytes.
type Server struct {
	mux      *http.ServeMux
	handler  http.Handler
	course   *lessons.Course
	pages    map[string][]byte // lesson slug → rendered page
	partials map[string][]byte // lesson slug → the lesson column alone
	notFound []byte
	search   []byte
	assets   assetTable
	live     *live.Hub
	hello    *helloTabs
	log      *slog.Logger
	csrf     string
	// eventWriteTimeout is Config.eventWriteTimeout.
	eventWriteTimeout time.Duration
	// streamsDone ends every live event stream (CloseStreams).
	streamsDone chan struct{}
	closeOnce   sync.Once
}

// New renders every page of the course and returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.Course == nil || len(cfg.Course.Lessons) == 0 {
		return nil, errors.New("web: the course has no lessons")
	}
	if cfg.Product == "" {
		cfg.Product = DefaultProduct
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	csrf, err := newCSRFToken()
	if err != nil {
		return nil, err
	}
	s := &Server{
		mux:      http.NewServeMux(),
		course:   cfg.Course,
		pages:    make(map[string][]byte, len(cfg.Course.Lessons)),
		partials: make(map[string][]byte, len(cfg.Course.Lessons)),
		search:   cfg.Course.SearchIndex(),
		assets:   assets,
		live:     cfg.Live,
		log:      cfg.Logger,
		csrf:     csrf,

		streamsDone: make(chan struct{}),

		eventWriteTimeout: cfg.eventWriteTimeout,
	}
	if cfg.Hello != nil && cfg.Live != nil {
		s.hello = newHelloTabs(cfg.Hello, cfg.Live)
	}
	c := chrome{Product: cfg.Product, Assets: assets.links(), Lessons: cfg.Course.Lessons, CSRF: csrf, HasLive: cfg.Live != nil, HasHello: s.hello != nil, Panel: newPanelData()}
	if err := s.renderPages(c); err != nil {
		return nil, err
	}
	s.routes()
	s.handler = secure(s.mux)
	return s, nil
}

// CloseStreams ends every open live event stream and every hello-world
// walk, so a graceful shutdown
// need not wait for browser tabs that would otherwise listen forever.
func (s *Server) CloseStreams() {
	s.closeOnce.Do(func() {
		close(s.streamsDone)
		if s.hello != nil {
			s.hello.close()
		}
	})
}

func (s *Server) renderPages(c chrome) error {
	total := len(s.course.Lessons)
	for i, l := range s.course.Lessons {
		prev, next := s.course.Neighbours(l.Slug)
		v := lessonView{Lesson: l, Number: i + 1, Total: total, Prev: prev, Next: next}
		body, err := render(lessonPage(c, v))
		if err != nil {
			return fmt.Errorf("web: render lesson %q: %w", l.Slug, err)
		}
		s.pages[l.Slug] = body
		if s.partials[l.Slug], err = render(lessonMain(c, v)); err != nil {
			return fmt.Errorf("web: render lesson %q alone: %w", l.Slug, err)
		}
	}
	body, err := render(notFoundPage(c))
	if err != nil {
		return fmt.Errorf("web: render not-found page: %w", err)
	}
	s.notFound = body
	return nil
}

func render(c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
