package sandbox

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestZstdStreamDecodesWithLibzstd reads the sandbox's zstd-stream with the
// reference zstd library (Python's zstandard, which discord.py 2.7 uses when
// it is installed), one decompression object per connection and one message
// per websocket frame, as discord.py does.
func TestZstdStreamDecodesWithLibzstd(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import zstandard, aiohttp").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf(".ci/run installs python3-zstandard, yet /usr/bin/python3 cannot import it: %v", err)
		}
		t.Skipf("needs /usr/bin/python3 with zstandard and aiohttp (Debian: python3-zstandard python3-aiohttp): %v", err)
	}
	_, ts := startSandbox(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/python3", "testdata/zstd_client.py", wsURL(ts), Token).CombinedOutput()
	if err != nil {
		t.Fatalf("the zstandard client failed: %v\n%s", err, out)
	}
	want := "OP 10 None\nOP 0 READY\nOP 0 GUILD_CREATE\n"
	if string(out) != want {
		t.Fatalf("the zstandard client printed\n%s\nwant\n%s", out, want)
	}
}
