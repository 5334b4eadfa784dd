package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// DiscordEpoch is 2015-01-01T00:00:00Z in Unix milliseconds: the zero point
// of the timestamp inside every snowflake.
const DiscordEpoch = 1420070400000

// Snowflake is a Discord id: a 64-bit number sent as a JSON string. It also
// accepts a bare JSON number, because some libraries send ids that way.
type Snowflake uint64

// ParseSnowflake reads a decimal id.
func ParseSnowflake(s string) (Snowflake, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("gateway: %q is not a snowflake", s)
	}
	return Snowflake(n), nil
}

func (id Snowflake) String() string { return strconv.FormatUint(uint64(id), 10) }

// Time is the moment the id was made, to the millisecond.
func (id Snowflake) Time() time.Time {
	return time.UnixMilli(int64(id>>22) + DiscordEpoch).UTC()
}

// Worker, Process and Increment are the low 22 bits that keep ids made in
// the same millisecond apart.
func (id Snowflake) Worker() int    { return int((id & 0x3E0000) >> 17) }
func (id Snowflake) Process() int   { return int((id & 0x1F000) >> 12) }
func (id Snowflake) Increment() int { return int(id & 0xFFF) }

// SnowflakeAt builds the smallest id for time t, as used for pagination.
func SnowflakeAt(t time.Time) Snowflake {
	return Snowflake(uint64(t.UnixMilli()-DiscordEpoch) << 22)
}

func (id Snowflake) MarshalJSON() ([]byte, error) {
	return []byte(`"` + id.String() + `"`), nil
}

func (id *Snowflake) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := ParseSnowflake(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// SnowflakeGenerator hands out increasing ids for the present moment, the
// way one Discord worker process does.
type SnowflakeGenerator struct {
	mu        sync.Mutex
	Worker    int
	Process   int
	lastMilli int64
	increment int
	now       func() time.Time
}

// Next returns a new id, never equal to or smaller than a previous one.
func (g *SnowflakeGenerator) Next() Snowflake {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now
	if g.now != nil {
		now = g.now
	}
	ms := now().UnixMilli() - DiscordEpoch
	if ms <= g.lastMilli {
		g.increment++
		if g.increment > 0xFFF {
			g.lastMilli++
			g.increment = 0
		}
		ms = g.lastMilli
	} else {
		g.lastMilli, g.increment = ms, 0
	}
	return Snowflake(uint64(ms)<<22 | uint64(g.Worker&0x1F)<<17 | uint64(g.Process&0x1F)<<12 | uint64(g.increment))
}
