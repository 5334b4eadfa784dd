package experiment

import (
	"context"
	"testing"

	"gatewaytour/inspector/sandbox"
)

func TestMissingPermissionsKicksNobody(t *testing.T) {
	w := newWorld(t)
	before := memberCount(w)
	res, err := w.eng.Run(context.Background(), "missing-permissions", "")
	if err != nil {
		t.Fatal(err)
	}
	checkOrder(t, res, []string{`→ 403 with JSON code 50013, "Missing Permissions"`})
	if after := memberCount(w); after != before {
		t.Fatalf("the guild had %d members and has %d after the experiment", before, after)
	}
}

func memberCount(w *world) int {
	for _, g := range w.sb.World().Guilds {
		if g.ID == sandbox.GuildID {
			return len(g.Members)
		}
	}
	return -1
}

func TestIdentifyConcurrencyWaitsOutTheWindow(t *testing.T) {
	w := newWorld(t)
	res, err := w.eng.Run(context.Background(), "identify-concurrency", "")
	if err != nil {
		t.Fatalf("%v; steps: %s", err, res.Summary)
	}
	checkOrder(t, res, []string{"first connection sends Identify", "READY on the first connection", "second connection sends Identify at once",
		"op 9 Invalid Session with d: false", "waited and sent Identify again, 5.", "READY on the second connection"})
	// Restored: bots sharing the token identify side by side again.
	for range 2 {
		res, err := w.eng.Run(context.Background(), "identify-twice", "")
		if err != nil {
			t.Fatalf("an Identify right after the experiment: %v; steps: %s", err, res.Summary)
		}
	}
}
