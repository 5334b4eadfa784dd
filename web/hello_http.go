package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"gatewaytour/inspector/hello"
)

// The stepper's routes, same-origin and CSRF-checked like the panel's
// writes:
//
//	POST /hello/walks               {"without_message_content":bool,"slash":bool}? → {"walk","stream","step"}
//	POST /hello/walks/{id}/next     → step
//	POST /hello/walks/{id}/back     → step
//	POST /hello/walks/{id}/restart  {"without_message_content":bool} → step
//	POST /hello/walks/{id}/end      → {}
//
// A step is hello.Step as JSON plus the stream's record indexes it is about
// and where the walk stands.

const maxHelloBody = 1 << 10

func (s *Server) helloRoutes() {
	s.mux.HandleFunc("POST /hello/walks", s.serveHelloStart)
	s.mux.HandleFunc("POST /hello/walks/{id}/next", s.serveHelloStep)
	s.mux.HandleFunc("POST /hello/walks/{id}/back", s.serveHelloStep)
	s.mux.HandleFunc("POST /hello/walks/{id}/restart", s.serveHelloStep)
	s.mux.HandleFunc("POST /hello/walks/{id}/end", s.serveHelloEnd)
}

// helloOptions is the body of start and restart.
type helloOptions struct {
	WithoutMessageContent bool `json:"without_message_content"`
	// Slash walks the modern hello-world (a slash command, intents 0).
	Slash bool `json:"slash"`
}

// helloStep is what every step route answers.
type helloStep struct {
	hello.Step
	// Frames are the indexes, in the walk's stream, of the step's records.
	Frames    []int64 `json:"frames"`
	Performed int     `json:"performed"`
	Total     int     `json:"total"`
	// Finished says Next was pressed after the last step.
	Finished              bool   `json:"finished,omitempty"`
	WithoutMessageContent bool   `json:"without_message_content"`
	Slash                 bool   `json:"slash"`
	Error                 string `json:"error,omitempty"`
}

type helloStarted struct {
	Walk   string    `json:"walk"`
	Stream string    `json:"stream"`
	Step   helloStep `json:"step"`
}

// helloReady answers 503 when the server runs without the stepper.
func (s *Server) helloReady(w http.ResponseWriter, r *http.Request) bool {
	if s.hello == nil {
		writeError(w, r, http.StatusServiceUnavailable, "this server runs without the hello-world stepper")
		return false
	}
	return true
}

// readHelloOptions reads an optional JSON body; an empty one is the default.
func readHelloOptions(w http.ResponseWriter, r *http.Request) (helloOptions, bool) {
	var opts helloOptions
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHelloBody))
	if err != nil {
		writeError(w, r, http.StatusRequestEntityTooLarge, "the request body is too large")
		return opts, false
	}
	if len(body) == 0 {
		return opts, true
	}
	if !requireJSON(w, r) {
		return opts, false
	}
	if err := json.Unmarshal(body, &opts); err != nil {
		writeError(w, r, http.StatusBadRequest, `the body must be a JSON object like {"without_message_content": true}`)
		return opts, false
	}
	return opts, true
}

func (s *Server) serveHelloStart(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) || !s.helloReady(w, r) {
		return
	}
	opts, ok := readHelloOptions(w, r)
	if !ok {
		return
	}
	tab, err := s.hello.start(hello.Options{WithoutMessageContent: opts.WithoutMessageContent && !opts.Slash, Slash: opts.Slash})
	if errors.Is(err, hello.ErrTooManyWalks) {
		w.Header().Set("Retry-After", "60")
		writeError(w, r, http.StatusServiceUnavailable, "could not start a walk: %s", strings.TrimPrefix(err.Error(), "hello: "))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "could not start a walk: %v", err)
		return
	}
	writeJSON(w, r, http.StatusOK, helloStarted{Walk: tab.id, Stream: tab.stream, Step: describeStep(tab, tab.walk.Current())})
}

func (s *Server) serveHelloStep(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) || !s.helloReady(w, r) {
		return
	}
	action := lastSegment(r.URL.Path)
	var opts helloOptions
	if action == "restart" {
		var ok bool
		if opts, ok = readHelloOptions(w, r); !ok {
			return
		}
	}
	tab, ok := s.hello.get(r.PathValue("id"))
	if !ok {
		writeError(w, r, http.StatusNotFound, "there is no such walk (it ended, or the tab was idle too long); start a new one")
		return
	}
	var step hello.Step
	var err error
	ctx := r.Context()
	switch action {
	case "next":
		step, err = tab.walk.Next(ctx)
	case "back":
		step, err = tab.walk.Back(ctx)
	case "restart":
		// A restart keeps the walk's kind; only the classic one has the toggle.
		slash := tab.walk.Options().Slash
		step, err = tab.walk.RestartWith(ctx, hello.Options{WithoutMessageContent: opts.WithoutMessageContent && !slash, Slash: slash})
	}
	answer := describeStep(tab, step)
	switch {
	case err == nil, errors.Is(err, hello.ErrAtStart):
		// Back at the start is harmless: the answer is the start again.
		writeJSON(w, r, http.StatusOK, answer)
	case errors.Is(err, hello.ErrFinished):
		answer.Finished = true
		writeJSON(w, r, http.StatusOK, answer)
	case errors.Is(err, hello.ErrClosed):
		writeError(w, r, http.StatusNotFound, "the walk has ended; start a new one")
	case errors.Is(err, context.Canceled):
		// The tab went away mid-step; nobody reads the answer.
		writeError(w, r, http.StatusRequestTimeout, "the request was cancelled")
	default:
		answer.Error = err.Error()
		writeJSON(w, r, http.StatusBadGateway, answer)
	}
}

func (s *Server) serveHelloEnd(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) || !s.helloReady(w, r) {
		return
	}
	if !s.hello.end(r.PathValue("id")) {
		writeError(w, r, http.StatusNotFound, "there is no such walk")
		return
	}
	writeJSON(w, r, http.StatusOK, struct{}{})
}

func describeStep(tab *helloTab, step hello.Step) helloStep {
	frames := step.Records
	if frames == nil {
		frames = []int64{}
	}
	opts := tab.walk.Options()
	return helloStep{Step: step, Frames: frames, Performed: tab.walk.Performed(), Total: tab.walk.Total(),
		WithoutMessageContent: opts.WithoutMessageContent, Slash: opts.Slash}
}

func lastSegment(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}
