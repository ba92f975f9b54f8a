// Package procdtest starts a real hero_procd for tests: the binary built
// from this repository, on a temporary socket and data directory. Cleanup
// stops it and kills, by pid, every process still carrying this daemon's
// job marker, so a test leaves nothing running.
//
// When the test binary runs under the race detector, the daemon is built
// with -race as well, and a race it reports fails the test.
//
// Under `bazel test` (TEST_SRCDIR set) the daemon tests skip: they start
// real processes and build the daemon with the host Go, and they run in the
// README's test command's `go test` step instead.
package procdtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary returns the path of a hero_procd built from this repository
// (once per test process), or skips under Bazel.
func Binary(t testing.TB) string {
	t.Helper()
	if os.Getenv("TEST_SRCDIR") != "" {
		t.Skip("hero_procd tests start real daemons and run in the go test step of tools/test, not under bazel test")
	}
	if p := os.Getenv("HERO_PROCD_BIN"); p != "" {
		return p
	}
	buildOnce.Do(func() {
		// One directory per user, the binary replaced by an atomic rename:
		// nothing accumulates, and packages testing in parallel each run a
		// whole binary.
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("procdtest-%d", os.Getuid()))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			buildErr = err
			return
		}
		name := "hero_procd"
		if raceEnabled {
			name += "-race"
		}
		binPath = filepath.Join(dir, name)
		tmp := fmt.Sprintf("%s.%d.tmp", binPath, os.Getpid())
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		args := []string{"build", "-o", tmp}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./procd/cmd/hero_procd")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(tmp)
			buildErr = fmt.Errorf("building hero_procd: %v\n%s", err, out)
			return
		}
		buildErr = os.Rename(tmp, binPath)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Daemon is a running hero_procd.
type Daemon struct {
	t       testing.TB
	Bin     string
	Socket  string
	DataDir string
	Args    []string // extra flags
	Pid     int

	cmd    *exec.Cmd
	exited chan struct{}
	out    *bytes.Buffer
	outMu  sync.Mutex
}

type syncWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// Start starts a daemon with extra flags and waits until it answers.
func Start(t testing.TB, args ...string) *Daemon {
	t.Helper()
	bin := Binary(t)
	sockDir, err := os.MkdirTemp("", "hp")
	if err != nil {
		t.Fatal(err)
	}
	d := &Daemon{t: t, Bin: bin, Socket: filepath.Join(sockDir, "rpc.sock"), DataDir: t.TempDir(), Args: args, out: &bytes.Buffer{}}
	t.Cleanup(func() {
		d.cleanup()
		os.RemoveAll(sockDir)
	})
	d.start()
	return d
}

func (d *Daemon) start() {
	d.t.Helper()
	args := append([]string{"--socket", d.Socket, "--data", d.DataDir}, d.Args...)
	cmd := exec.Command(d.Bin, args...)
	w := syncWriter{&d.outMu, d.out}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.Env = append(os.Environ(), "HERO_PROC_TEST_PARENT=1")
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.cmd, d.Pid = cmd, cmd.Process.Pid
	d.exited = make(chan struct{})
	go func(c *exec.Cmd, ch chan struct{}) { _ = c.Wait(); close(ch) }(cmd, d.exited)
	c := d.Client()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.SystemHealth(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-d.exited:
			d.t.Fatalf("hero_procd exited at start:\n%s", d.Output())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("hero_procd did not answer within 15s: %v\n%s", err, d.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Client returns a generated client of the daemon's socket.
func (d *Daemon) Client() *heroproc.Client { return heroproc.Dial(d.Socket) }

// Output returns what the daemon printed so far.
func (d *Daemon) Output() string {
	d.outMu.Lock()
	defer d.outMu.Unlock()
	return d.out.String()
}

// Running reports whether the daemon process still runs.
func (d *Daemon) Running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return d.cmd != nil
	}
}

// Stop sends SIGTERM (orderly shutdown: every service stopped) and waits
// up to timeout for the daemon to exit.
func (d *Daemon) Stop(timeout time.Duration) error {
	if !d.Running() {
		return nil
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
		return nil
	case <-time.After(timeout):
		_ = d.cmd.Process.Kill()
		<-d.exited
		return fmt.Errorf("hero_procd did not exit within %s of SIGTERM", timeout)
	}
}

// Kill kills the daemon with SIGKILL (its jobs keep running) and waits.
func (d *Daemon) Kill() {
	if !d.Running() {
		return
	}
	_ = d.cmd.Process.Kill()
	<-d.exited
}

// Restart starts a new daemon on the same socket and data directory.
func (d *Daemon) Restart() {
	d.t.Helper()
	d.start()
}

// Instance is the marker value of the daemon's jobs.
func (d *Daemon) Instance() string {
	b, _ := os.ReadFile(filepath.Join(d.DataDir, "instance"))
	return strings.TrimSpace(string(b))
}

// Marked lists live processes carrying this daemon's marker.
func (d *Daemon) Marked() []procinfo.Marked {
	inst := d.Instance()
	if inst == "" {
		return nil
	}
	var out []procinfo.Marked
	for _, m := range procinfo.FindMarked(inst) {
		if procinfo.Alive(m.Pid, m.Start) {
			out = append(out, m)
		}
	}
	return out
}

func (d *Daemon) cleanup() {
	if d.Running() {
		if err := d.Stop(30 * time.Second); err != nil {
			d.t.Errorf("%v\n%s", err, d.Output())
		}
	}
	if out := d.Output(); strings.Contains(out, "WARNING: DATA RACE") || strings.Contains(out, "panic:") {
		d.t.Errorf("hero_procd reported a data race or a panic:\n%s", out)
	}
	// Whatever still carries the marker was started by this daemon: kill
	// it by pid (checked against its start time).
	for i := 0; i < 100; i++ {
		left := d.Marked()
		if len(left) == 0 {
			return
		}
		for _, m := range left {
			if st, err := procinfo.StartTime(m.Pid); err == nil && st == m.Start {
				_ = syscall.Kill(m.Pid, syscall.SIGKILL)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.t.Errorf("processes of the test's daemon still running after cleanup: %v", d.Marked())
}
