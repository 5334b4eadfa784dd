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
