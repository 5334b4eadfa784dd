package sandbox

import (
	"fmt"
	"net/http"
)

// fieldErrs collects the complaints of one validation pass, so a body with
// several problems is answered with all of them in one 50035 tree.
type fieldErrs []fieldError

func (f *fieldErrs) add(path []string, code, message string) {
	*f = append(*f, fieldError{path: path, code: code, message: message})
}

func (f fieldErrs) empty() bool { return len(f) == 0 }

func (f fieldErrs) err() *postError { return formErrors(f...) }

// at extends a path: at(path, "options", 3) is path + ["options", "3"].
func at(path []string, segs ...any) []string {
	out := make([]string, 0, len(path)+len(segs))
	out = append(out, path...)
	for _, s := range segs {
		out = append(out, fmt.Sprint(s))
	}
	return out
}

func writeErr(w http.ResponseWriter, pe *postError) { writeJSON(w, pe.status, pe.apiError) }
