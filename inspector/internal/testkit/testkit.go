// Package testkit holds the small helpers the inspector's tests share.
package testkit

import (
	"bytes"
	"sync"

	"gatewaytour/inspector/gateway"
)

// Buffer is an output a test can read while something else writes to it:
// a logger, a child process's stderr, a terminal view.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Frames collects every frame a sink is given, from any goroutine.
type Frames struct {
	mu     sync.Mutex
	frames []gateway.WireFrame
}

// Add is the sink.
func (k *Frames) Add(f gateway.WireFrame) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.frames = append(k.frames, f)
}

// Store is a sink that numbers frames as a session would: it returns the
// frame's position.
func (k *Frames) Store(f gateway.WireFrame) int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.frames = append(k.frames, f)
	return int64(len(k.frames) - 1)
}

// All copies out what was collected so far.
func (k *Frames) All() []gateway.WireFrame {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]gateway.WireFrame(nil), k.frames...)
}
