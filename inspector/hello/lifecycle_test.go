package hello

import "testing"

// slipIn makes the next Close or RestartWith wait while another restart
// and two steps (a new websocket) take the walk first.
func slipIn(t *testing.T, w *Walk) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.beforeClaim = func() {
		w.mu.Lock()
		w.beforeClaim = nil
		w.mu.Unlock()
		if _, err := restart(t, w); err != nil {
			t.Errorf("restart: %v", err)
		}
		mustNext(t, w, 1)
		mustNext(t, w, 2)
	}
}

// TestEndingEndsTheRunThatIsCurrentWhenItGetsTheWalk: a tab restarts and
// walks on while its Close (or another Restart) is waiting for the walk
// (the restart and the steps slip in between). The waiting call must end
// the connection that exists when it finally holds the walk, not the one
// it saw first.
func TestEndingEndsTheRunThatIsCurrentWhenItGetsTheWalk(t *testing.T) {
	for name, end := range map[string]func(*Walk) error{
		"close":   func(w *Walk) error { return w.Close() },
		"restart": func(w *Walk) error { _, err := restart(t, w); return err },
	} {
		t.Run(name, func(t *testing.T) {
			s, ts := startSandbox(t, quietSandbox())
			w, _ := newWalk(t, ts, s, Options{})
			mustNext(t, w, 1)
			mustNext(t, w, 2)
			slipIn(t, w)
			if err := end(w); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "every connection of the walk to close", countConns(s)(0))
			if name == "restart" && w.Performed() != 0 {
				t.Fatalf("%d steps still count as performed", w.Performed())
			}
		})
	}
}
