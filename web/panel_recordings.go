package web

import (
	"bufio"
	"errors"
	"net/http"
	"strings"

	"gatewaytour/inspector"
	"gatewaytour/inspector/live"
)

// serveRecording loads a recording as a new stream: an NDJSON export, or a
// HAR file (from Chrome's DevTools or this panel), told apart by content. The body is the
// file; ?name= is the file's name, shown as the stream's label. The file is
// read as it arrives and refused at the first bound it passes (size, frames,
// a line's length, the number of recordings kept; see live's Max*), with an
// answer that stays short however large or broken the file.
func (s *Server) serveRecording(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	if r.ContentLength > live.MaxRecordingBytes {
		refuseTooLarge(w, r, live.ErrRecordingTooLarge) // before reading a byte of it
		return
	}
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name == "" {
		name = "recording"
	}
	body := bufio.NewReaderSize(http.MaxBytesReader(w, r.Body, live.MaxRecordingBytes), 4096)
	head, _ := body.Peek(512)
	importer, kind := h.ImportRecording, "a recording"
	if inspector.LooksLikeHAR(head) {
		importer, kind = h.ImportHAR, "a HAR file"
	}
	info, err := importer(body, truncate(name, 80))
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		writeJSON(w, r, http.StatusOK, info)
	case errors.As(err, &tooBig):
		refuseTooLarge(w, r, live.ErrRecordingTooLarge)
	case errors.Is(err, live.ErrRecordingTooLarge) || errors.Is(err, live.ErrRecordingTooLong):
		refuseTooLarge(w, r, err)
	case errors.Is(err, live.ErrTooManyRecordings):
		writeError(w, r, http.StatusConflict, "%v", err)
	case errors.Is(err, live.ErrClosed):
		writeError(w, r, http.StatusServiceUnavailable, "%v", err)
	default:
		if kind == "a HAR file" {
			writeError(w, r, http.StatusBadRequest, "could not open the HAR file: %s", truncate(err.Error(), 400))
			return
		}
		writeError(w, r, http.StatusBadRequest, "not %s this panel can read: %s", kind, truncate(err.Error(), 400))
	}
}

// refuseTooLarge answers 413 and has the server close the connection
// rather than read the rest of the body.
func refuseTooLarge(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("Connection", "close")
	writeError(w, r, http.StatusRequestEntityTooLarge, "%v", err)
}

// serveRemoveStream is DELETE /panel/streams/{id}: it removes a recording
// and answers 204. Live streams cannot be removed (409), an unknown id is
// 404; viewers of the removed stream see their event stream end.
func (s *Server) serveRemoveStream(w http.ResponseWriter, r *http.Request) {
	if !s.allowWrite(w, r) {
		return
	}
	h, ok := s.hub(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	switch err := h.RemoveRecording(id); {
	case err == nil:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	case errors.Is(err, live.ErrNoSuchStream):
		writeError(w, r, http.StatusNotFound, "there is no stream %q; GET /panel/streams lists them", truncate(id, 80))
	case errors.Is(err, live.ErrNotARecording):
		writeError(w, r, http.StatusConflict, "%q is a live stream: %v", truncate(id, 80), err)
	default:
		writeError(w, r, http.StatusInternalServerError, "%v", err)
	}
}
