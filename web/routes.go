package web

import (
	"net/http"
	"strconv"
)

func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.serveStart)
	s.mux.HandleFunc("GET /lessons/{slug}", s.serveLesson)
	s.mux.HandleFunc("GET /search.json", s.serveSearch)
	s.mux.Handle("GET /static/", s.assets)
	s.mux.HandleFunc("GET /healthz", serveHealth)
	s.panelRoutes()
	s.helloRoutes()
	// Everything else, whatever the method, is the not-found page.
	s.mux.HandleFunc("/", s.serveNotFound)
}

// ServeHTTP makes the server an http.Handler; every response, mounted
// handlers' included, goes through the security middleware.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Mount adds a handler for a net/http ServeMux pattern ("/api/",
// "GET /gateway") on the same server, behind the same security headers and
// cross-origin check. It panics, as ServeMux.Handle does, when the pattern is
// invalid or conflicts with one already registered. It is safe to call while
// the server is serving.
func (s *Server) Mount(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}

// serveStart sends the reader to the first lesson. The ?from=start marker
// lets the browser script offer to continue where the reader left off; the
// script removes it from the address bar.
func (s *Server) serveStart(w http.ResponseWriter, r *http.Request) {
	first := s.course.Lessons[0]
	http.Redirect(w, r, lessonURL(first)+"?from=start", http.StatusSeeOther)
}

// serveLesson answers the whole page, or with ?partial=1 only the lesson
// column, which the browser swaps in without reloading the panel.
func (s *Server) serveLesson(w http.ResponseWriter, r *http.Request) {
	pages := s.pages
	if r.URL.Query().Get("partial") != "" {
		pages = s.partials
	}
	body, ok := pages[r.PathValue("slug")]
	if !ok {
		s.serveNotFound(w, r)
		return
	}
	writePage(w, r, http.StatusOK, body)
}

func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request) {
	writePage(w, r, http.StatusNotFound, s.notFound)
}

func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", revalidate)
	writeBody(w, r, http.StatusOK, "application/json", s.search)
}

func serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte("ok"))
}

func writePage(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	w.Header().Set("Cache-Control", revalidate)
	writeBody(w, r, status, "text/html; charset=utf-8", body)
}

func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
