package shim

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lhumina-code/rules_oschema/procd/procinfo"
)

// DefaultMaxLine bounds one log record's content.
const DefaultMaxLine = 16 << 10

// maxConfig bounds the config read from stdin.
const maxConfig = 16 << 20

// Main runs the shim: it reads a Config from stdin and returns the
// process's exit code. Errors before the job starts are written to the
// attempt's Status (reason "spawn") when its directory is known.
func Main() int {
	b, err := io.ReadAll(io.LimitReader(os.Stdin, maxConfig))
	if err != nil {
		fmt.Fprintln(os.Stderr, "shim: reading config:", err)
		return 2
	}
	var cfg Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "shim: decoding config:", err)
		return 2
	}
	if err := Run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "shim:", err)
		return 1
	}
	return 0
}

// Run runs one attempt as described by cfg and returns once its Status
// is written.
func Run(cfg Config) error {
	if cfg.AttemptDir == "" {
		return errors.New("config has no attempt_dir")
	}
	if cfg.MaxLine <= 0 {
		cfg.MaxLine = DefaultMaxLine
	}
	if cfg.StopSignal == 0 {
		cfg.StopSignal = int(syscall.SIGTERM)
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = Duration(10 * time.Second)
	}
	paths := Paths{cfg.AttemptDir}
	// Orphaned descendants (double forks) are re-parented to the shim,
	// which reaps them: no zombie outlives the job.
	_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	signal.Ignore(syscall.SIGPIPE)
	stopc := make(chan os.Signal, 4)
	signal.Notify(stopc, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)

	logf, err := os.OpenFile(paths.Log(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	w := &writer{f: logf, buf: bufio.NewWriterSize(logf, 64<<10), seq: cfg.SeqStart - 1, masks: cfg.Masks}

	st := &Status{}
	spawnFail := func(err error) error {
		w.system(fmt.Sprintf("cannot start %q: %v", strings.Join(cfg.Argv, " "), err))
		w.flush(true)
		st.Reason, st.Error = ReasonSpawn, err.Error()
		return finish(paths, st, w)
	}
	if len(cfg.Argv) == 0 {
		return spawnFail(errors.New("empty command"))
	}
	path, err := lookPath(cfg.Argv[0], envValue(cfg.Env, "PATH"), cfg.Dir)
	if err != nil {
		return spawnFail(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return spawnFail(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return spawnFail(err)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return spawnFail(err)
	}
	proc, err := os.StartProcess(path, cfg.Argv, &os.ProcAttr{
		Dir:   cfg.Dir,
		Env:   cfg.Env,
		Files: []*os.File{devnull, outW, errW},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	outW.Close()
	errW.Close()
	devnull.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return spawnFail(err)
	}
	pid := proc.Pid
	pidStart, _ := procinfo.StartTime(pid)
	if err := writeJSONAtomic(paths.Started(), &Started{Pid: pid, PidStart: pidStart, ShimPid: os.Getpid(), At: time.Now().UnixNano()}); err != nil {
		fmt.Fprintln(os.Stderr, "shim: writing started:", err)
	}

	// Readers: one per stream, feeding the single writer.
	lines := make(chan Record, 256)
	var readers sync.WaitGroup
	for _, s := range []struct {
		f      *os.File
		stream byte
	}{{outR, Stdout}, {errR, Stderr}} {
		readers.Add(1)
		go func(f *os.File, stream byte) {
			defer readers.Done()
			readLines(f, stream, cfg.MaxLine, lines)
		}(s.f, s.stream)
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for r := range lines {
			w.write(r)
			if len(lines) == 0 {
				w.flush(false)
			}
		}
		w.flush(true)
	}()

	// The reaper: every child that ends is reaped here; the job's own
	// process reports its wait status.
	mainExit := make(chan syscall.WaitStatus, 1)
	go func() {
		for range chld {
			for {
				var ws syscall.WaitStatus
				p, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
				if err == syscall.EINTR {
					continue
				}
				if p <= 0 || err != nil {
					break
				}
				if p == pid {
					mainExit <- ws
				}
			}
		}
	}()
	chld <- syscall.SIGCHLD // in case it exited before Notify saw it

	var timeout <-chan time.Time
	if cfg.Timeout > 0 {
		t := time.NewTimer(time.Duration(cfg.Timeout))
		defer t.Stop()
		timeout = t.C
	}
	var grace <-chan time.Time
	stopping := false
	stop := func(reason string) {
		if stopping {
			return
		}
		stopping = true
		st.Reason = reason
		sig := syscall.Signal(cfg.StopSignal)
		w.systemAsync(lines, fmt.Sprintf("%s: sending %s to process group %d, SIGKILL after %s", reason, unix.SignalName(sig), pid, time.Duration(cfg.StopGrace)))
		_ = syscall.Kill(-pid, sig)
		grace = time.After(time.Duration(cfg.StopGrace))
	}
	var ws syscall.WaitStatus
wait:
	for {
		select {
		case ws = <-mainExit:
			break wait
		case <-timeout:
			stop(ReasonTimeout)
		case <-stopc:
			stop(ReasonStopped)
		case <-grace:
			grace = nil
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			killMarked(cfg, syscall.SIGKILL)
		}
	}
	switch {
	case ws.Exited():
		code := ws.ExitStatus()
		st.ExitCode = &code
		if st.Reason == "" {
			st.Reason = ReasonExit
		}
	case ws.Signaled():
		st.Signal = unix.SignalName(ws.Signal())
		if st.Reason == "" {
			st.Reason = ReasonSignal
		}
	}
	// What the job left behind in its process group, or anywhere with its
	// marker (setsid, double fork), is stopped too: a job leaves nothing.
	cleanup(cfg, pid, time.Duration(cfg.StopGrace))
	// The pipes close when the last holder is gone; do not wait for ever
	// on one that escaped both the group and the marker.
	readersDone := make(chan struct{})
	go func() { readers.Wait(); close(readersDone) }()
	select {
	case <-readersDone:
	case <-time.After(2 * time.Second):
		outR.Close()
		errR.Close()
		<-readersDone
	}
	close(lines)
	<-writerDone
	return finish(paths, st, w)
}

func finish(paths Paths, st *Status, w *writer) error {
	st.LastSeq = w.seq
	st.At = time.Now().UnixNano()
	if err := w.f.Sync(); err != nil {
		fmt.Fprintln(os.Stderr, "shim: syncing log:", err)
	}
	w.f.Close()
	return writeJSONAtomic(paths.Status(), st)
}

// cleanup stops what is left of the job after its main process ended:
// SIGTERM to the group and to marked processes, then SIGKILL after a
// short grace.
func cleanup(cfg Config, pgid int, grace time.Duration) {
	if grace > 2*time.Second {
		grace = 2 * time.Second
	}
	left := func() bool {
		return syscall.Kill(-pgid, 0) == nil || len(marked(cfg)) > 0
	}
	if !left() {
		return
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	killMarked(cfg, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) && left() {
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	killMarked(cfg, syscall.SIGKILL)
	// Give the reaper a moment to collect them.
	for i := 0; i < 50 && left(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
}

// marked lists the live processes carrying this job's marker, the shim
// excepted.
func marked(cfg Config) []procinfo.Marked {
	inst := envValue(cfg.Env, procinfo.MarkerInstance)
	if inst == "" {
		return nil
	}
	var out []procinfo.Marked
	for _, m := range procinfo.FindMarked(inst) {
		if m.Job == cfg.Job && procinfo.Alive(m.Pid, m.Start) {
			out = append(out, m)
		}
	}
	return out
}

func killMarked(cfg Config, sig syscall.Signal) {
	for _, m := range marked(cfg) {
		KillExact(m.Pid, m.Start, sig)
	}
}

// KillExact signals pid only if it is still the process that started at
// start: through a pidfd, so a pid reused in between is never hit.
func KillExact(pid int, start uint64, sig syscall.Signal) bool {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	if st, err := procinfo.StartTime(pid); err != nil || st != start {
		return false
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0) == nil
}

// readLines reads f line by line, splitting lines longer than max.
func readLines(f *os.File, stream byte, max int, out chan<- Record) {
	defer f.Close()
	r := bufio.NewReaderSize(f, max)
	open := false // the last record sent was continued
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			full := line[len(line)-1] == '\n'
			content := line
			if full {
				content = line[:len(line)-1]
			}
			c := make([]byte, len(content))
			copy(c, content)
			open = err == bufio.ErrBufferFull
			out <- Record{Stream: stream, UnixNano: time.Now().UnixNano(), Content: c, Continued: open}
		} else if err != nil && open {
			// The stream ended right after a chunk of exactly max bytes:
			// close the line, so that no entry claims a next one.
			out <- Record{Stream: stream, UnixNano: time.Now().UnixNano(), Content: []byte{}}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return
		}
	}
}

type writer struct {
	f     *os.File
	buf   *bufio.Writer
	seq   int64
	masks []string
	scr   []byte
	err   error
}

func (w *writer) write(r Record) {
	w.seq++
	r.Seq = w.seq
	r.Content = mask(r.Content, w.masks)
	w.scr = AppendRecord(w.scr[:0], r)
	if _, err := w.buf.Write(w.scr); err != nil && w.err == nil {
		w.err = err
		fmt.Fprintln(os.Stderr, "shim: writing log:", err)
	}
}

func (w *writer) system(msg string) {
	w.write(Record{Stream: System, UnixNano: time.Now().UnixNano(), Content: []byte(msg)})
}

// systemAsync queues a system note behind the lines already read.
func (w *writer) systemAsync(ch chan<- Record, msg string) {
	select {
	case ch <- Record{Stream: System, UnixNano: time.Now().UnixNano(), Content: []byte(msg)}:
	default:
	}
}

func (w *writer) flush(sync bool) {
	if err := w.buf.Flush(); err != nil && w.err == nil {
		w.err = err
		fmt.Fprintln(os.Stderr, "shim: writing log:", err)
	}
	if sync {
		_ = w.f.Sync()
	}
}

// mask replaces every mask in b with "***".
func mask(b []byte, masks []string) []byte {
	for _, m := range masks {
		if m == "" {
			continue
		}
		if strings.Contains(string(b), m) {
			b = []byte(strings.ReplaceAll(string(b), m, "***"))
		}
	}
	return b
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if strings.HasPrefix(env[i], key+"=") {
			return env[i][len(key)+1:]
		}
	}
	return ""
}

// lookPath finds name in pathList (the child's PATH), as a shell would.
func lookPath(name, pathList, dir string) (string, error) {
	if strings.Contains(name, "/") {
		p := name
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		if err := executable(p); err != nil {
			return "", err
		}
		return name, nil
	}
	for _, d := range filepath.SplitList(pathList) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q not found in PATH %q", name, pathList)
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}
