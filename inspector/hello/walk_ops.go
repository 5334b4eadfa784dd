package hello

import "context"

// A walk does one thing at a time: every Next, Back, Restart and Close is an
// operation that holds the walk from claim to release. Close and Restart
// first cut the step in progress short, then claim, and only then read
// which run to end, so a run that another operation started meanwhile is
// never left behind.

// operation is one Next, Restart or Close in progress. A Next that arrives
// while another Next runs joins it and gets the same step: a double click
// never skips a step or runs one twice.
type operation struct {
	isNext  bool
	done    chan struct{}
	step    Step
	err     error
	joiners int // Next calls that joined this one (guarded by Walk.mu)
}

// claim waits until no operation runs and makes a new one the running
// one. A Next finding a Next running gets that one back to join instead.
// It takes and leaves w.mu unlocked on every path; the operation it
// returns is what gives its caller the walk.
func (w *Walk) claim(ctx context.Context, isNext bool) (mine, joined *operation, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if w.closed {
			return nil, nil, ErrClosed
		}
		if w.busy == nil {
			w.busy = &operation{isNext: isNext, done: make(chan struct{})}
			return w.busy, nil, nil
		}
		running := w.busy
		if isNext && running.isNext {
			running.joiners++
			return nil, running, nil
		}
		w.mu.Unlock()
		select {
		case <-running.done:
			w.mu.Lock()
		case <-ctx.Done():
			w.mu.Lock()
			return nil, nil, ctx.Err()
		}
	}
}

// release ends op and wakes its waiters.
func (w *Walk) release(op *operation, step Step, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.releaseLocked(op, step, err)
}

// releaseLocked is release with w.mu held.
func (w *Walk) releaseLocked(op *operation, step Step, err error) {
	op.step, op.err = step, err
	w.busy = nil
	close(op.done)
}

// cutShort cancels the step in progress, if any, so that Close and
// RestartWith get the walk soon. Which run they then end is read again once
// they hold the walk: another restart may have replaced it meanwhile.
func (w *Walk) cutShort() {
	w.mu.Lock()
	r, hook := w.run, w.beforeClaim
	w.mu.Unlock()
	r.cancel()
	if hook != nil {
		hook()
	}
}

// currentRun is the run of the walk, read by the operation holding it.
func (w *Walk) currentRun() *run {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.run
}
