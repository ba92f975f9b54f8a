package supervisor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
	"github.com/lhumina-code/rules_oschema/procd/shim"
	"github.com/lhumina-code/rules_oschema/procd/store"
)

// DefaultPath is the child's PATH when its spec sets none (as systemd).
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// startAttemptLocked starts the next attempt of j through a new shim.
func (s *Supervisor) startAttemptLocked(j *job) {
	if s.shutting {
		return
	}
	j.j.Attempt++
	j.j.Phase = heroproc.JobPhaseRunning
	j.j.StartedAt = ptr(now())
	j.j.Pid, j.j.ExitCode, j.j.Signal, j.j.Error, j.j.FinishedAt, j.j.NextAttemptAt = nil, nil, nil, nil, nil, nil
	j.j.Ready = j.j.Spec.Ready == nil
	if j.p.NextSeq == 0 {
		j.p.NextSeq = 1
	}
	dir := filepath.Join(s.jobsDir(), j.j.ID, strconv.FormatUint(uint64(j.j.Attempt), 10))
	fail := func(err error) {
		j.attemptDir = ""
		s.endAttemptLocked(j, &shim.Status{Reason: shim.ReasonSpawn, Error: err.Error(), LastSeq: j.p.NextSeq - 1}, "")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail(err)
		return
	}
	env, masks, err := s.envLocked(j)
	if err != nil {
		fail(err)
		return
	}
	spec := j.j.Spec
	argv := spec.Command
	if spec.Script != nil {
		interp := "/bin/sh"
		if spec.Interpreter != nil && *spec.Interpreter != "" {
			interp = *spec.Interpreter
		}
		argv = []string{interp, "-c", *spec.Script}
	}
	cwd := s.opt.DataDir
	if spec.Cwd != nil && *spec.Cwd != "" {
		cwd = *spec.Cwd
	}
	sig := syscall.SIGTERM
	if spec.StopSignal != nil {
		if v, ok := parseSignal(*spec.StopSignal); ok {
			sig = v
		}
	}
	cfg := shim.Config{
		Job: j.j.ID, Attempt: j.j.Attempt, Argv: argv, Env: env, Dir: cwd,
		AttemptDir: dir, SeqStart: j.p.NextSeq,
		Timeout:    shim.Duration(time.Duration(deref64(spec.TimeoutSecs)) * time.Second),
		StopSignal: int(sig), StopGrace: shim.Duration(durMs(spec.StopGraceMs, 10*time.Second)),
		Masks: masks,
	}
	// The helper is forked outside the lock (a fork of the daemon's binary
	// takes milliseconds; a run of 200 actions must not stall the API).
	// Until it is known, the job is "spawning": ingestion leaves it alone
	// and a stop is delivered once the helper exists.
	j.shimPid, j.shimStart, j.attemptDir, j.offset = 0, 0, dir, 0
	j.spawning = true
	s.persistJobQuietLocked(j)
	id, attempt := j.j.ID, j.j.Attempt
	go func() {
		pid, start, err := s.spawnShim(cfg)
		s.mu.Lock()
		defer s.mu.Unlock()
		j := s.jobs[id]
		if j == nil || j.j.Attempt != attempt || !j.spawning {
			if err == nil {
				_ = signalShim(pid, start) // its job is gone: stop it
			}
			return
		}
		j.spawning = false
		if err != nil {
			removeAttempt(dir)
			j.attemptDir = ""
			s.endAttemptLocked(j, &shim.Status{Reason: shim.ReasonSpawn, Error: "starting its helper: " + err.Error(), LastSeq: j.p.NextSeq - 1}, "")
			return
		}
		j.shimPid, j.shimStart = pid, start
		s.persistJobQuietLocked(j)
		if j.p.StopRequested {
			_ = signalShim(pid, start)
		} else {
			s.startHealthLocked(j)
		}
	}()
}

// spawnShim starts `hero_procd shim` in a session of its own (so neither
// the daemon's death nor its terminal's signals reach it) and hands it
// cfg on stdin.
func (s *Supervisor) spawnShim(cfg shim.Config) (int, uint64, error) {
	paths := shim.Paths{Dir: cfg.AttemptDir}
	errf, err := os.OpenFile(paths.Stderr(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, 0, err
	}
	defer errf.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, 0, err
	}
	env := []string{
		"PATH=" + DefaultPath,
		procinfo.MarkerInstance + "=" + s.opt.Instance,
		procinfo.MarkerJob + "=" + cfg.Job,
	}
	p, exited, err := s.reaper.start(s.opt.ShimArgv[0], s.opt.ShimArgv, &os.ProcAttr{
		Dir: cfg.AttemptDir, Env: env, Files: []*os.File{pr, errf, errf},
		Sys: &syscall.SysProcAttr{Setsid: true},
	})
	pr.Close()
	if err != nil {
		pw.Close()
		return 0, 0, err
	}
	werr := json.NewEncoder(pw).Encode(cfg)
	pw.Close()
	// The shim exits right after writing its status: read it now rather
	// than at the next tick.
	go func() {
		<-exited
		s.wake()
	}()
	// Learn the job's pid as soon as the helper has started it, rather
	// than at the next tick (bounded: 100 polls, 2 ms apart).
	go func(started string) {
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(started); err == nil {
				s.wake()
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}(paths.Started())
	start, _ := procinfo.StartTime(p.Pid)
	if werr != nil {
		_ = p.Kill()
		return 0, 0, werr
	}
	return p.Pid, start, nil
}

// envLocked builds the child's environment: spec env, inherited
// variables, secrets (whose values are returned as masks), PATH when
// unset, and the job markers.
func (s *Supervisor) envLocked(j *job) ([]string, []string, error) {
	spec := j.j.Spec
	m := map[string]string{}
	for _, k := range spec.InheritEnv {
		for _, kv := range s.opt.Environ {
			if strings.HasPrefix(kv, k+"=") {
				m[k] = kv[len(k)+1:]
			}
		}
	}
	for k, v := range spec.Env {
		m[k] = v
	}
	var masks []string
	if len(spec.SecretEnv) > 0 {
		ctxName := "default"
		if r := s.runs[j.j.RunID]; r != nil {
			ctxName = r.r.Context
		}
		for _, k := range sortedKeys(spec.SecretEnv) {
			key := spec.SecretEnv[k]
			sealed, _, err := s.opt.Store.Secret(ctxName, key)
			if errors.Is(err, store.ErrNotFound) {
				return nil, nil, fmt.Errorf("secret %q of context %q is not set (hero_proc secret set %s %s VALUE)", key, ctxName, ctxName, key)
			}
			if err != nil {
				return nil, nil, err
			}
			v, err := s.opt.Secrets.Open(ctxName, key, sealed)
			if err != nil {
				return nil, nil, err
			}
			m[k] = string(v)
			if len(v) >= 3 {
				masks = append(masks, string(v))
			}
		}
	}
	if _, ok := m["PATH"]; !ok {
		m["PATH"] = DefaultPath
	}
	m[procinfo.MarkerInstance] = s.opt.Instance
	m[procinfo.MarkerJob] = j.j.ID
	env := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		env = append(env, k+"="+m[k])
	}
	// Longest first, so a secret that contains another is masked whole.
	sort.Slice(masks, func(a, b int) bool { return len(masks[a]) > len(masks[b]) })
	return env, masks, nil
}

func signalShim(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	return shim.KillExact(pid, start, syscall.SIGTERM)
}

func killExact(pid int, start uint64) bool { return shim.KillExact(pid, start, syscall.SIGKILL) }

func removeAttempt(dir string) {
	_ = os.RemoveAll(dir)
	// The job's directory goes when its last attempt has.
	_ = os.Remove(filepath.Dir(dir))
}

func readStarted(dir string) (*shim.Started, error) { return shim.ReadStarted(dir) }

// maxChunk bounds what one tick reads of one attempt's log file.
const maxChunk = 1 << 20

// maxTickLines bounds the log lines one tick stores, across all attempts.
// Storing them is what a tick spends its time on (a loaded 2-core machine
// stored about 3,000 a second), and a tick ends attempts only after its
// lines are stored: without a bound, a backlog (say, what chatty jobs
// wrote while the daemon was down) would delay noticing that other jobs
// ended by as long as storing the whole backlog takes. A tick that leaves
// lines unread runs the next one at once.
const maxTickLines = 2000

// helperGone reports whether the attempt's helper (shim) has ended. A
// helper whose pid the daemon does not know (it was killed between
// starting the helper and recording its pid) is found in started.json,
// which the helper writes once it started the job; until then it counts
// as starting, for at most helperStartGrace after it was spawned.
func (w *pending) helperGone() bool {
	if w.shimPid == 0 {
		started, err := shim.ReadStarted(w.dir)
		if err != nil {
			fi, serr := os.Stat(shim.Paths{Dir: w.dir}.Stderr())
			return serr != nil || time.Since(fi.ModTime()) > helperStartGrace
		}
		w.shimPid = started.ShimPid
		w.shimStart, _ = procinfo.StartTime(started.ShimPid)
		w.learnedShim = true
	}
	return !procinfo.Alive(w.shimPid, w.shimStart)
}

// helperStartGrace is how long a helper that has not said it started
// (no started.json) counts as starting rather than lost.
const helperStartGrace = 30 * time.Second

type pending struct {
	j          *job
	attempt    uint32
	dir        string
	offset     int64
	newOffset  int64
	shimPid    int
	shimStart  uint64
	src        string
	runID      string
	service    string
	status     *shim.Status
	lost       bool
	started    *shim.Started
	eof        bool
	pidUnknown bool
	// learnedShim: shimPid and shimStart were read from started.json.
	learnedShim bool
}

// wake runs the ingest loop now.
func (s *Supervisor) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Supervisor) ingestLoop() {
	defer s.done.Done()
	t := time.NewTicker(s.opt.IngestInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			return
		case <-t.C:
		case <-s.kick:
		}
		s.ingestOnce()
	}
}

// ingestOnce reads what every running attempt wrote since the last read,
// stores the lines with the new offsets in one transaction, and ends the
// attempts whose shim has written its status (after their last line).
func (s *Supervisor) ingestOnce() {
	s.mu.Lock()
	var work []*pending
	for _, j := range s.jobs {
		if j.attemptDir == "" || j.spawning || (j.j.Phase != heroproc.JobPhaseRunning && j.j.Phase != heroproc.JobPhaseStopping) {
			continue
		}
		src := j.j.Action
		svc := j.service
		work = append(work, &pending{j: j, attempt: j.j.Attempt, dir: j.attemptDir, offset: j.offset,
			shimPid: j.shimPid, shimStart: j.shimStart, src: src, runID: j.j.RunID, service: svc, pidUnknown: j.j.Pid == nil})
	}
	s.mu.Unlock()
	if len(work) == 0 {
		return
	}
	checkLive := time.Since(s.lastLive) >= time.Second
	if checkLive {
		s.lastLive = time.Now()
	}
	var lines []store.LogLine
	var offs []store.Offset
	budget := maxTickLines
	for _, w := range work {
		// The status first: when it exists, every line is already in the
		// file, so reading to its end reads them all.
		st, err := shim.ReadStatus(w.dir)
		// Whether a helper died without a status is checked once a second:
		// /proc reads per job per tick would cost more than the ingestion.
		if err != nil && checkLive && w.helperGone() {
			if st, err = shim.ReadStatus(w.dir); err != nil {
				w.lost = true
			}
		}
		w.status = st
		if w.pidUnknown {
			w.started, _ = shim.ReadStarted(w.dir)
		}
		lines, w.newOffset, w.eof = readLog(w, lines, &budget)
		if w.newOffset != w.offset {
			offs = append(offs, store.Offset{JobID: w.j.j.ID, Attempt: w.attempt, Offset: w.newOffset})
		}
	}
	if len(lines) > 0 || len(offs) > 0 {
		if err := s.opt.Store.AppendLogs(lines, offs); err != nil {
			s.log.Printf("storing log lines: %v (will retry)", err)
			return
		}
	}
	if budget <= 0 {
		s.wake() // lines are left: the next tick reads on at once
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range work {
		j := w.j
		if s.jobs[j.j.ID] != j || j.j.Attempt != w.attempt || j.attemptDir != w.dir {
			continue
		}
		j.offset = w.newOffset
		if w.learnedShim && j.shimPid == 0 {
			j.shimPid, j.shimStart = w.shimPid, w.shimStart
			s.persistJobQuietLocked(j)
		}
		if w.started != nil && j.j.Pid == nil {
			j.j.Pid = ptr(int64(w.started.Pid))
			s.persistJobQuietLocked(j)
		}
		switch {
		case w.status != nil && w.eof:
			s.endAttemptLocked(j, w.status, "")
		case w.lost && w.eof:
			s.endAttemptLocked(j, nil, "lost: the job's helper process is gone and left no exit status")
		}
	}
	if len(lines) > 0 {
		close(s.logged)
		s.logged = make(chan struct{})
	}
}

// readLog reads complete records of w's log file from its offset, at most
// *budget of them (less what it took). It reports whether it reached the
// end of the file; a file with nothing new is at its end whatever the
// budget.
func readLog(w *pending, lines []store.LogLine, budget *int) ([]store.LogLine, int64, bool) {
	path := filepath.Join(w.dir, "log")
	// Most ticks find nothing new: a stat, no open, no buffer.
	fi, err := os.Stat(path)
	if err != nil {
		return lines, w.offset, errors.Is(err, os.ErrNotExist)
	}
	if fi.Size() <= w.offset {
		return lines, w.offset, true
	}
	if *budget <= 0 {
		return lines, w.offset, false
	}
	f, err := os.Open(path)
	if err != nil {
		return lines, w.offset, false
	}
	defer f.Close()
	off := w.offset
	want := fi.Size() - off
	if want > maxChunk {
		want = maxChunk
	}
	data := make([]byte, want)
	n, err := f.ReadAt(data, off)
	data = data[:n]
	// At the end when what was read reaches the size seen (the shim may
	// have appended since: the next tick reads that).
	eof := (err == nil || errors.Is(err, io.EOF)) && off+int64(n) >= fi.Size() && want < maxChunk
	recs, n := shim.SplitComplete(data)
	if len(recs) > *budget {
		recs, n = recs[:*budget], 0
		for _, raw := range recs {
			n += len(raw) + 1
		}
		eof = false
	}
	*budget -= len(recs)
	for _, raw := range recs {
		r, err := shim.ParseRecord(raw)
		if err != nil {
			continue
		}
		lines = append(lines, toLine(w, r))
	}
	return lines, off + int64(n), eof && n == len(data)
}

func toLine(w *pending, r shim.Record) store.LogLine {
	content := strings.ToValidUTF8(string(r.Content), "\uFFFD")
	stream := heroproc.LogStreamStdout
	switch r.Stream {
	case shim.Stderr:
		stream = heroproc.LogStreamStderr
	case shim.System:
		stream = heroproc.LogStreamSystem
	}
	return store.LogLine{
		RunID: w.runID, JobID: w.j.j.ID, Service: w.service, Src: w.src,
		Stream: stream, Seq: r.Seq, Time: time.Unix(0, r.UnixNano).UTC(),
		Level: DetectLevel(stream, content), Content: content, Continued: r.Continued,
	}
}

// DetectLevel finds a line's level: a level word near its start
// ("ERROR", "[warn]", "level=debug", "W1201 ..."-style not included),
// else info for stdout, warn for stderr, info for the daemon's notes.
func DetectLevel(stream heroproc.LogStream, line string) heroproc.LogLevel {
	head := line
	if len(head) > 64 {
		head = head[:64]
	}
	head = strings.ToLower(head)
	for _, w := range strings.FieldsFunc(head, func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}) {
		switch w {
		case "debug", "trace", "dbg":
			return heroproc.LogLevelDebug
		case "info", "notice":
			return heroproc.LogLevelInfo
		case "warn", "warning":
			return heroproc.LogLevelWarn
		case "error", "err", "fatal", "panic", "critical", "crit":
			return heroproc.LogLevelError
		}
	}
	if stream == heroproc.LogStreamStderr {
		return heroproc.LogLevelWarn
	}
	return heroproc.LogLevelInfo
}

func (s *Supervisor) retentionLoop() {
	defer s.done.Done()
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			return
		case <-t.C:
		}
		if _, err := s.opt.Store.PruneLogs(time.Now().Add(-s.opt.LogMaxAge), s.opt.LogMaxLines); err != nil {
			s.log.Printf("pruning logs: %v", err)
		}
		s.pruneRuns()
	}
}

// pruneRuns deletes the oldest finished runs beyond MaxFinishedRuns,
// never a service's current run.
func (s *Supervisor) pruneRuns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	current := map[string]bool{}
	for _, sv := range s.services {
		current[sv.runID] = true
	}
	var finished []string
	for _, id := range s.runOrder {
		if r := s.runs[id]; r != nil && runTerminal(r.r.Phase) && !current[id] {
			finished = append(finished, id)
		}
	}
	for i := 0; i < len(finished)-s.opt.MaxFinishedRuns; i++ {
		s.deleteRunLocked(finished[i])
	}
}

// deleteRunLocked forgets a finished run, its jobs and their lines.
func (s *Supervisor) deleteRunLocked(id string) {
	r := s.runs[id]
	if r == nil {
		return
	}
	if err := s.opt.Store.DeleteRun(id); err != nil {
		s.log.Printf("deleting run %s: %v", id, err)
		return
	}
	for _, jid := range r.jobIDs {
		delete(s.jobs, jid)
		_ = os.RemoveAll(filepath.Join(s.jobsDir(), jid))
	}
	delete(s.runs, id)
	for i, rid := range s.runOrder {
		if rid == id {
			s.runOrder = append(s.runOrder[:i], s.runOrder[i+1:]...)
			break
		}
	}
	s.notifyLocked()
}
