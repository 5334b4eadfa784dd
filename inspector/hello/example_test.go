package hello_test

import (
	"context"
	"fmt"
	"time"

	"gatewaytour/inspector"
	"gatewaytour/inspector/gateway"
	"gatewaytour/inspector/hello"
)

// A server keeps one walk per browser tab: the tab's first request starts
// one, later requests find it by id, and tabs that go away are closed by
// the idle timeout (or at once with End).
func ExampleWalks() {
	session := inspector.NewSession(0)
	walks := hello.NewWalks(hello.Config{
		BaseURL: "http://127.0.0.1:8080", // where the sandbox is served
		Sink:    func(f gateway.WireFrame) int64 { return session.Ingest(f).Index },
	}, 15*time.Minute)
	defer walks.Close()

	id, w, err := walks.Start(hello.Options{}, nil, nil)
	if err != nil {
		return
	}
	step, err := w.Next(context.Background()) // performs step 1: GET /gateway/bot
	if err != nil {
		return
	}
	fmt.Println(id != "", step.N, step.Title, step.CodeLines["python"])

	// Later requests from the same tab:
	if w, ok := walks.Get(id); ok {
		_, _ = w.Back(context.Background())                                                    // shows the start again
		_, _ = w.RestartWith(context.Background(), hello.Options{WithoutMessageContent: true}) // the pitfall
	}
}
