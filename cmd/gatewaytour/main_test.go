package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:8080": true,
		"127.0.0.2:80":   true,
		"localhost:8080": true,
		"[::1]:8080":     true,
		":8080":          false,
		"0.0.0.0:8080":   false,
		"[::]:8080":      false,
		"192.168.1.5:80": false,
		"example.com:80": false,
		"no port":        false,
	}
	for addr, want := range tests {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestBrowserURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "http://[::1]:9000/"},
	}
	for _, tt := range tests {
		if got := browserURL(tt.addr); got != tt.want {
			t.Errorf("browserURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestCommands(t *testing.T) {
	var out, errs strings.Builder
	if code := run([]string{"help"}, &out, &errs); code != 0 || !strings.Contains(out.String(), "Usage:") {
		t.Errorf("help: exit %d, output %q", code, out.String())
	}
	errs.Reset()
	if code := run([]string{"bogus"}, &out, &errs); code != 2 || !strings.Contains(errs.String(), `unknown command "bogus"`) {
		t.Errorf("bogus: exit %d, stderr %q", code, errs.String())
	}
	errs.Reset()
	if code := run([]string{"-no-such-flag"}, &out, &errs); code != 2 {
		t.Errorf("unknown flag: exit %d, stderr %q", code, errs.String())
	}
}

// TestServeAndShutDown starts the real server on a free loopback port,
// fetches a page, then ends the context as Ctrl-C would and expects a clean
// exit.
func TestServeAndShutDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errs strings.Builder
	exit := make(chan int, 1)
	go func() {
		exit <- serve(ctx, []string{"-addr", "127.0.0.1:0"}, outW, &errs)
		outW.Close()
	}()

	urls := make(chan string, 1)
	go func() {
		pattern := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
		scanner := bufio.NewScanner(outR)
		for scanner.Scan() {
			if u := pattern.FindString(scanner.Text()); u != "" {
				select { // the first one; the recipe lines after it name it too
				case urls <- u:
				default:
				}
			}
		}
		close(urls)
	}()
	var url string
	select {
	case url = <-urls:
	case code := <-exit:
		t.Fatalf("serve exited with %d before printing its URL; stderr: %s", code, errs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve printed no URL")
	}

	resp, err := http.Get(url + "healthz")
	if err != nil {
		t.Fatalf("GET healthz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("healthz: %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit code %d after shutdown; stderr: %s", code, errs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the context ended")
	}
	if strings.Contains(errs.String(), "WARNING") {
		t.Errorf("a loopback address printed the exposure warning: %s", errs.String())
	}
}
