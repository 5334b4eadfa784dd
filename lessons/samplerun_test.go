package lessons

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tools the lesson programs run with. discord.py is Debian's (the one
// CI installs with apt); discord.js is installed by .ci/run with npm into a
// cache outside the repository, and found through GATEWAYTOUR_NODE_MODULES.
const python = "/usr/bin/python3"

// need skips a test whose tool is missing, except in CI, where the tool's
// absence is a failure.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s is not available, so this lesson program is not run: %v", what, err)
}

func needDiscordPy(t *testing.T) {
	t.Helper()
	need(t, "discord.py ("+python+" with the discord and yarl modules, Debian's python3-discord)",
		exec.Command(python, "-c", "import discord, yarl").Run())
}

// goTool is the go command the test itself was built with.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	need(t, "the go command", exec.Command(p, "version").Run())
	return p
}

// nodeModules is the directory holding discord.js, as .ci/run installs it.
func nodeModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GATEWAYTOUR_NODE_MODULES")
	if dir == "" {
		cache := os.Getenv("XDG_CACHE_HOME")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache")
		}
		dir = filepath.Join(cache, "gatewaytour-npm", "node_modules")
	}
	_, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "discord.js", "package.json"))
	}
	need(t, "discord.js (node, and npm install discord.js@14 into "+dir+", as .ci/run does; or set GATEWAYTOUR_NODE_MODULES)", err)
	return dir
}

// goBuildMu keeps Go sample builds one at a time: the machine is small, and
// the builds share one cache anyway.
var goBuildMu sync.Mutex

// buildGo compiles a Go program inside this module (so it uses the module's
// discordgo) and returns the binary's path. The source lives in a testdata
// directory, which go build ./... never sees, and is removed afterwards.
func buildGo(t *testing.T, code string) string {
	t.Helper()
	goBuildMu.Lock()
	defer goBuildMu.Unlock()
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "sample-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "sample")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(t), "build", "-o", bin, "./"+filepath.ToSlash(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the program does not build: %v\n%s\n--- program ---\n%s", err, out, code)
	}
	return bin
}

// programCommand is how to run a sample of lang whose code is in file.
func programCommand(t *testing.T, lang, code string) *exec.Cmd {
	t.Helper()
	switch lang {
	case "python":
		needDiscordPy(t)
		file := filepath.Join(t.TempDir(), "sample.py")
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		return exec.Command(python, file)
	case "go":
		return exec.Command(buildGo(t, code))
	case "js":
		modules := nodeModules(t)
		file := filepath.Join(t.TempDir(), "sample.js")
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("node", file)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		return cmd
	}
	t.Fatalf("no way to run a %s program", lang)
	return nil
}

// TestLessonProgramsPrintWhatTheySay runs every program block and compares
// what it prints with the comments the lesson shows beside its prints.
func TestLessonProgramsPrintWhatTheySay(t *testing.T) {
	for _, s := range courseSamples(t) {
		if s.Kind != kindProgram {
			continue
		}
		t.Run(strings.TrimPrefix(s.where(), "lessons/"), func(t *testing.T) {
			want := expectedOutput(s)
			if len(want) == 0 {
				t.Fatalf("%s: a program block must show what it prints, as a comment after each print", s.where())
			}
			cmd := programCommand(t, s.Lang, s.Code)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: the program failed: %v\n%s", s.where(), err, stderrOf(err))
			}
			got := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: the program prints %q, the lesson says %q", s.where(), got, want)
			}
		})
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
