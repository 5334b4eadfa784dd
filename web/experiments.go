package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"gatewaytour/inspector/experiment"
)

// ServeExperiments turns on the lessons' experiment buttons: a press posts
//
//	POST /experiments/run {"name":"zombie","stream":"inspector"}
//
// and is answered, once the experiment is over (within experiment.Deadline),
// with the steps it observed: each the stream and index of a record and a
// sentence built from it, which the page selects and explains in order. A
// failed experiment answers 422 with the steps it did see and the error; a
// press while another experiment runs on the same target answers 409.
// Without this call the buttons' route answers 404 and the page says the
// experiments need the sandbox.
func (s *Server) ServeExperiments(eng *experiment.Engine) {
	s.Mount("POST /experiments/run", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.allowWrite(w, r) || !requireJSON(w, r) {
			return
		}
		var req struct {
			Name   string `json:"name"`
			Stream string `json:"stream"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&req); err != nil {
			writeError(w, r, http.StatusBadRequest, "the request is not a JSON object with name and stream")
			return
		}
		res, err := eng.Run(r.Context(), req.Name, req.Stream)
		var busy *experiment.ErrBusy
		switch {
		case err == nil:
			writeJSON(w, r, http.StatusOK, res)
		case errors.As(err, &busy):
			writeError(w, r, http.StatusConflict, "%s", err.Error())
		case res.Experiment == "": // refused before it began: a name or target problem
			writeError(w, r, http.StatusBadRequest, "%s", err.Error())
		default:
			writeJSON(w, r, http.StatusUnprocessableEntity, failedExperiment{Result: res, Error: err.Error()})
		}
	}))
}

// failedExperiment is an experiment that did not see everything it expected.
type failedExperiment struct {
	experiment.Result
	Error string `json:"error"`
}
