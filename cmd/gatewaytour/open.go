package main

import (
	"os/exec"
	"runtime"
)

// openBrowser asks the desktop to open url in the default browser. It does
// not wait for the browser to exit.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	// Reap the launcher in the background so it does not linger as a zombie.
	go func() { _ = cmd.Wait() }()
	return nil
}
