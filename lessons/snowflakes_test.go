package lessons

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"gatewaytour/inspector/gateway"
)

// Every example id in a lesson must be a snowflake a reader could decode:
// a 64-bit number whose clock falls between the Discord epoch and the near
// future, and whose clock agrees with any time the lesson prints beside it.

// snowflakeShaped finds the numbers long enough to be ids (Discord's ids
// have had 17 digits or more since 2016).
var snowflakeShaped = regexp.MustCompile(`(^|[^0-9.])([0-9]{17,20})($|[^0-9])`)

// proseTime is how the lessons write an id's moment in prose:
// 2025-03-14 09:26:53.000 (UTC, milliseconds optional).
var proseTime = regexp.MustCompile(`\b(20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?)\b`)

// snowflakeProblems checks one lesson file.
func snowflakeProblems(file string, src []byte, now time.Time) []string {
	var problems []string
	report := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: ", file, line)+fmt.Sprintf(format, args...))
	}
	lineAt := func(offset int) int { return 1 + bytes.Count(src[:offset], []byte("\n")) }
	latest := now.AddDate(1, 0, 0)

	for _, m := range snowflakeShaped.FindAllSubmatchIndex(src, -1) {
		raw := string(src[m[4]:m[5]])
		id, err := gateway.ParseSnowflake(raw)
		switch {
		case err != nil:
			report(lineAt(m[4]), "%s is not a 64-bit snowflake: %v", raw, err)
		case id>>22 == 0 || id.Time().After(latest):
			report(lineAt(m[4]), "%s decodes to %s, outside 2015 to a year from now: not a plausible id", raw, id.Time().UTC().Format(time.RFC3339))
		}
	}

	// In prose, a time belongs to the nearest id before it in the same
	// paragraph, as in "the id 1350037460222083072 was made at 2025-03-14
	// 09:26:53.000 UTC".
	fences := fencedBlocks(file, src)
	inFence := fenceLines(src)
	offset := 0
	for _, para := range bytes.Split(src, []byte("\n\n")) {
		start := offset
		offset += len(para) + 2
		if inFence[lineAt(start)] {
			continue
		}
		ids := snowflakeShaped.FindAllSubmatchIndex(para, -1)
		for _, tm := range proseTime.FindAllSubmatchIndex(para, -1) {
			var id string
			for _, m := range ids {
				if m[4] < tm[2] {
					id = string(para[m[4]:m[5]])
				}
			}
			printed := string(para[tm[2]:tm[3]])
			if id == "" {
				continue
			}
			checkTime(func(format string, args ...any) { report(lineAt(start+tm[2]), format, args...) }, id, printed, "2006-01-02 15:04:05")
		}
	}

	// In JSON examples, an object's timestamp is its id's moment.
	for _, f := range fences {
		if f.Lang != "json" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(f.Code), &v); err != nil {
			report(f.Line, "the json example does not parse: %v", err)
			continue
		}
		walkJSON(v, func(obj map[string]any) {
			id, _ := obj["id"].(string)
			ts, _ := obj["timestamp"].(string)
			if id != "" && ts != "" {
				checkTime(func(format string, args ...any) { report(f.Line, format, args...) }, id, ts, time.RFC3339Nano)
			}
		})
	}
	return problems
}

// checkTime reports when the id's clock and the printed time differ by a
// millisecond or more. A printed time without milliseconds matches the
// whole second.
func checkTime(report func(string, ...any), rawID, printed, layout string) {
	id, err := gateway.ParseSnowflake(rawID)
	if err != nil {
		return // reported as a malformed id already
	}
	at, err := time.Parse(layout, printed)
	if err != nil {
		report("cannot read the time %q beside id %s: %v", printed, rawID, err)
		return
	}
	got := id.Time().UTC()
	if !strings.Contains(printed, ".") {
		got = got.Truncate(time.Second)
	}
	if !got.Equal(at.UTC()) {
		report("id %s was made at %s, but the lesson prints %s beside it", rawID, id.Time().UTC().Format("2006-01-02 15:04:05.000"), printed)
	}
}

func walkJSON(v any, visit func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		visit(v)
		for _, child := range v {
			walkJSON(child, visit)
		}
	case []any:
		for _, child := range v {
			walkJSON(child, visit)
		}
	}
}

// fenceLines marks the lines that belong to a fenced block (fences included).
func fenceLines(src []byte) map[int]bool {
	marked := map[int]bool{}
	inside := false
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			marked[i+1] = true
			inside = !inside
			continue
		}
		marked[i+1] = inside
	}
	return marked
}

func TestLessonIDsAreRealSnowflakes(t *testing.T) {
	names, err := fs.Glob(embedded, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range names {
		src, err := fs.ReadFile(embedded, name)
		if err != nil {
			t.Fatal(err)
		}
		checked += len(snowflakeShaped.FindAll(src, -1))
		for _, p := range snowflakeProblems("lessons/"+name, src, time.Now()) {
			t.Error(p)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d ids found in the course; the check is not looking", checked)
	}
}

func TestSnowflakeProblemsAreCaught(t *testing.T) {
	src := "Intro.\n\n" +
		"The id `1350037460222083072` was made at 2025-03-14 09:26:54.000 UTC.\n\n" + // a second off
		"An id from the far future: `9000000000000000000`.\n\n" +
		"Too big: `99999999999999999999`.\n\n" +
		"```json\n{\"id\": \"1574540097863417856\", \"timestamp\": \"2026-11-23T21:40:12.872000+00:00\"}\n```\n\n" +
		"```json\n{\"id\": \n```\n\n" +
		"Fine: `1350037460222083072` at 2025-03-14 09:26:53 and ```1574540097863417856```.\n"
	got := snowflakeProblems("lessons/99-x.md", []byte(src), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	want := []string{
		"lessons/99-x.md:5: 9000000000000000000 decodes to",
		"lessons/99-x.md:7: 99999999999999999999 is not a 64-bit snowflake",
		"lessons/99-x.md:3: id 1350037460222083072 was made at 2025-03-14 09:26:53.000, but the lesson prints 2025-03-14 09:26:54.000",
		"lessons/99-x.md:9: id 1574540097863417856 was made at 2026-11-23 21:40:12.871, but the lesson prints 2026-11-23T21:40:12.872000+00:00",
		"lessons/99-x.md:13: the json example does not parse",
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}
