package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// This file is the shared set-up for the tests that drive a real Chromium:
// the lesson page's test here, the live panel's later.

const chromiumPath = "/usr/bin/chromium"

// browserDeadline bounds a whole browser test, generous for a loaded
// 2-core machine.
const browserDeadline = 90 * time.Second

// browserSession is one headless Chromium tab plus everything the page
// wrote to its console.
type browserSession struct {
	ctx      context.Context
	cancel   context.CancelFunc // closes a tab opened with newTab
	mu       sync.Mutex
	problems []string
}

// newBrowser starts a fresh headless Chromium with an empty profile and
// opens a tab. Without Chromium the test is skipped, except in CI
// (CI=true), where a missing browser is a failure.
func newBrowser(t *testing.T) *browserSession {
	t.Helper()
	return newBrowserWithin(t, browserDeadline)
}

// newBrowserWithin is newBrowser for a test that needs longer than
// browserDeadline.
func newBrowserWithin(t *testing.T, within time.Duration) *browserSession {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("skipping the browser test: %s is not installed", chromiumPath)
	}
	profile := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 900),
	)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelDeadline := context.WithTimeout(ctx, within)
	// Cleanups run last-in first-out: the browser exits before the profile
	// directory is removed.
	t.Cleanup(func() {
		cancelDeadline()
		cancelTab()
		cancelAlloc()
	})
	b := &browserSession{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b.watchConsole(t)
	return b
}

// watchConsole records console errors, uncaught exceptions, error log
// entries and Content-Security-Policy violations. The violation listener is
// injected through DevTools, which the page's own policy does not restrict.
func (b *browserSession) watchConsole(t *testing.T) {
	t.Helper()
	const reportViolations = `document.addEventListener("securitypolicyviolation", (e) =>
		console.error("CSP violation: " + e.violatedDirective + " " + (e.blockedURI || "inline")));`
	if _, err := chromedp.Call(b.ctx, cdppage.AddScriptToEvaluateOnNewDocument,
		cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: reportViolations}); err != nil {
		t.Fatalf("install the CSP listener: %v", err)
	}
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, m.String()+" ("+m.URL+")")
				b.mu.Unlock()
			}
		}
	}()
}

// quietDevTools turns off the DevTools domains chromedp enables for its
// own use (network, DOM, CSS, log): with them on, the browser reports every
// streamed event and DOM change to the test, work no reader's browser does,
// so a measurement would count it. Only evaluation is left to use.
func (b *browserSession) quietDevTools(t *testing.T) {
	t.Helper()
	for _, command := range []cdp.Command[cdp.Empty, cdp.Empty]{network.Disable, css.Disable, dom.Disable, cdplog.Disable} {
		if _, err := chromedp.Call(b.ctx, command, cdp.Empty{}); err != nil {
			t.Fatalf("%s: %v", command.Method, err)
		}
	}
}

// newTab opens a second tab in the same browser, with its own console
// watch; close closes it the way a reader closes a tab.
func (b *browserSession) newTab(t *testing.T) *browserSession {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &browserSession{ctx: ctx, cancel: cancel}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tab.watchConsole(t)
	return tab
}

func (b *browserSession) close(t *testing.T) {
	t.Helper()
	if b.cancel == nil {
		t.Fatal("close is for tabs opened with newTab")
	}
	b.cancel()
}

// consoleProblems is what the page reported so far.
func (b *browserSession) consoleProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// waitForProblem polls until a recorded problem contains substr.
func (b *browserSession) waitForProblem(substr string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for _, p := range b.consoleProblems() {
			if strings.Contains(p, substr) {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// do runs steps and fails the test with what was being done.
func (b *browserSession) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func evalIn[T any](t *testing.T, b *browserSession, expression string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// waitTrue polls a JavaScript expression until it is truthy. It evaluates
// afresh each time, because a navigation destroys the page's JavaScript
// context under a long-running poll; errors while a page loads are retried.
func (b *browserSession) waitTrue(t *testing.T, what, expression string) {
	t.Helper()
	b.waitTrueWithin(t, 20*time.Second, what, expression)
}

// waitTrueWithin is waitTrue for something that may take longer than 20 s.
func (b *browserSession) waitTrueWithin(t *testing.T, within time.Duration, what, expression string) {
	t.Helper()
	deadline := time.Now().Add(within)
	var lastErr error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+expression+")"))
		if err == nil && ok {
			return
		}
		lastErr = err
		if b.ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting until %s (%s): gave up; last error: %v", what, expression, lastErr)
}

// prefersColorScheme makes the page see the system preference "light" or
// "dark", as a reader's operating system setting would.
func prefersColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// keyWithoutText presses and releases a key without the separate "char"
// event that chromedp.KeyEvent also sends. A page that handles the key on
// keydown and moves the focus into a text field would otherwise see the
// character typed there, which a real keyboard does not do once keydown is
// cancelled.
func keyWithoutText(key, code string, keyCode int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// screenshot saves the visible page to testdata/artifacts/NAME.png (ignored
// by git) for a person to look at.
func (b *browserSession) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := filepath.Join("testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
