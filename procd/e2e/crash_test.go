package e2e

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
	"github.com/lhumina-code/rules_oschema/procd/shim"
)

// writer prints 1, 2, 3, ... about 1000 lines a second.
const writer = `import sys, time
i = 0
while True:
    i += 1
    sys.stdout.write("%d\n" % i)
    sys.stdout.flush()
    time.sleep(0.001)
`

// becomeInit makes the test process the subreaper that a killed daemon's
// helpers are re-parented to (on a real machine: init or systemd), so the
// test can reap them as init would. pid 1 of these machines does not.
func becomeInit(t *testing.T) {
	require.NoError(t, unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
	t.Cleanup(func() { _ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) })
}

// reapAdopted waits for exited processes re-parented to the test (never
// the daemon, which procdtest waits for).
func reapAdopted(daemonPid int) {
	self := os.Getpid()
	for _, p := range procs() {
		if p.ppid == self && p.state == "Z" && p.pid != daemonPid {
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(p.pid, &ws, syscall.WNOHANG, nil)
		}
	}
}

type procStat struct {
	pid, ppid int
	state     string
	comm      string
}

func procs() []procStat {
	ents, _ := os.ReadDir("/proc")
	var out []procStat
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		j := strings.IndexByte(string(b), '(')
		out = append(out, procStat{pid: pid, ppid: ppid, state: f[0], comm: string(b[j+1 : i])})
	}
	return out
}

// zombies counts zombies whose parent is the daemon, one of its
// helpers or jobs (anything carrying its marker), or the test.
func zombies(d *procdtest.Daemon) int { return len(zombieList(d)) }

// zombieList describes those zombies.
func zombieList(d *procdtest.Daemon) []string {
	parents := map[int]bool{d.Pid: true, os.Getpid(): true}
	for _, m := range d.Marked() {
		parents[m.Pid] = true
	}
	var out []string
	for _, p := range procs() {
		if p.state == "Z" && parents[p.ppid] && p.pid != d.Pid {
			kind := "a job's process"
			switch {
			case p.ppid == d.Pid:
				kind = "a child of the daemon"
			case p.ppid == os.Getpid():
				kind = "adopted by the test"
			}
			out = append(out, fmt.Sprintf("pid %d (%s, parent %d: %s)", p.pid, p.comm, p.ppid, kind))
		}
	}
	return out
}

type crashCounts struct {
	reattached, exitedWhileDown, unknownMarked, zombies, deadRunning int
	// endedAfterRestart counts jobs still called running whose helper
	// wrote their exit status after the restart: ordinary ingestion (a
	// tick or two, longer on a loaded machine), not a recovery problem;
	// the end of the test checks that each ends with its exit code.
	endedAfterRestart int
}

// check verifies the state after a restart: every job the daemon calls
// running has a live process with the pid it had, unless it ended after
// the restart (see crashCounts.endedAfterRestart); every job that ended
// while the daemon was down has its real exit code; every marked process
// belongs to a running job.
func checkAfterRestart(t *testing.T, d *procdtest.Daemon, before map[string]heroproc.Job, wantExit map[string]int32, restarted time.Time) (crashCounts, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jobs, err := d.Client().JobList(ctx, heroproc.JobListInput{Limit: ptrU32(10000)})
	if err != nil {
		return crashCounts{}, err
	}
	var c crashCounts
	running := map[string]bool{}
	var problems []string
	for _, j := range jobs {
		switch j.Phase {
		case heroproc.JobPhaseRunning, heroproc.JobPhaseStopping:
			running[j.ID] = true
			if j.Pid == nil || !procinfo.Alive(int(*j.Pid), 0) {
				dir := filepath.Join(d.DataDir, "jobs", j.ID, strconv.FormatUint(uint64(j.Attempt), 10))
				if st, err := shim.ReadStatus(dir); err == nil && st.At >= restarted.UnixNano() {
					c.endedAfterRestart++
					continue
				}
				c.deadRunning++
				pid := int64(0)
				if j.Pid != nil {
					pid = *j.Pid
				}
				st, _ := procinfo.State(int(pid))
				problems = append(problems, fmt.Sprintf("%s (attempt %d) is %s with a dead pid %d (state %q; %s)", j.Action, j.Attempt, j.Phase, pid, st, attemptReport(d, j.ID, j.Attempt)))
				continue
			}
			if b, ok := before[j.ID]; ok && b.Attempt == j.Attempt && b.Pid != nil && *b.Pid != *j.Pid {
				problems = append(problems, fmt.Sprintf("%s: pid %d before the kill, %d after", j.Action, *b.Pid, *j.Pid))
			}
			if b, ok := before[j.ID]; ok && b.Attempt == j.Attempt {
				c.reattached++
			}
		default:
			if want, ok := wantExit[j.ID]; ok && jobTerminal(j.Phase) {
				if b, ok := before[j.ID]; ok && (b.Phase == heroproc.JobPhaseRunning) {
					c.exitedWhileDown++
				}
				if j.ExitCode == nil || *j.ExitCode != want {
					problems = append(problems, fmt.Sprintf("%s ended with exit code %v, want %d (%s: %s)", j.Action, j.ExitCode, want, j.Phase, deref(j.Error)))
				}
			}
		}
	}
	known := map[string]bool{}
	for id := range running {
		known[id] = true
	}
	for _, m := range d.Marked() {
		if !known[m.Job] {
			c.unknownMarked++
			problems = append(problems, fmt.Sprintf("pid %d carries the marker of job %q, which is not running", m.Pid, m.Job))
		}
	}
	reapAdopted(d.Pid)
	zl := zombieList(d)
	c.zombies = len(zl)
	if c.zombies > 0 {
		problems = append(problems, fmt.Sprintf("%d zombies: %s", c.zombies, strings.Join(zl, ", ")))
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return c, nil
}

// attemptReport says what the attempt's directory holds, for a failure
// message: whether its helper (shim) lives and whether it wrote a status.
func attemptReport(d *procdtest.Daemon, jobID string, attempt uint32) string {
	dir := filepath.Join(d.DataDir, "jobs", jobID, strconv.FormatUint(uint64(attempt), 10))
	var parts []string
	if started, err := shim.ReadStarted(dir); err == nil {
		st, _ := procinfo.State(started.ShimPid)
		parts = append(parts, fmt.Sprintf("shim pid %d state %q", started.ShimPid, st))
	} else {
		parts = append(parts, "no started.json: "+err.Error())
	}
	if status, err := shim.ReadStatus(dir); err == nil {
		parts = append(parts, fmt.Sprintf("status %+v", *status))
	} else {
		parts = append(parts, "no status: "+err.Error())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "shim.err")); err == nil && len(b) > 0 {
		parts = append(parts, "shim stderr "+strings.TrimSpace(string(b)))
	}
	return strings.Join(parts, ", ")
}

func jobTerminal(p heroproc.JobPhase) bool {
	switch p {
	case heroproc.JobPhaseSuccess, heroproc.JobPhaseFailed, heroproc.JobPhaseExited, heroproc.JobPhaseSkipped, heroproc.JobPhaseCancelled:
		return true
	}
	return false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptrU32(v uint32) *uint32 { return &v }

// numbered checks that a writer's stored lines are exactly 1..N.
func numbered(t *testing.T, c *heroproc.Client, jobID string) (int, error) {
	var got []string
	var after int64
	lim := uint32(10000)
	for i := 0; i < 1000; i++ {
		p, err := c.LogsQuery(ctxT(t, 10*time.Second), heroproc.LogsQueryInput{JobID: &jobID, After: &after, Limit: &lim, Stream: streamPtr(heroproc.LogStreamStdout)})
		if err != nil {
			return 0, err
		}
		for _, e := range p.Entries {
			got = append(got, e.Content)
		}
		if len(p.Entries) == 0 {
			break
		}
		after = p.Next
	}
	for i, s := range got {
		if s != strconv.Itoa(i+1) {
			return i, fmt.Errorf("line %d is %q, want %d (gap or duplicate)", i+1, s, i+1)
		}
	}
	return len(got), nil
}

func streamPtr(s heroproc.LogStream) *heroproc.LogStream { return &s }

func snapshot(t *testing.T, c *heroproc.Client) map[string]heroproc.Job {
	jobs, err := c.JobList(ctxT(t, 5*time.Second), heroproc.JobListInput{Limit: ptrU32(10000)})
	require.NoError(t, err)
	m := map[string]heroproc.Job{}
	for _, j := range jobs {
		m[j.ID] = j
	}
	return m
}

// TestKill9Survival is the fault test of the crash issue: 50 jobs (ten of
// them writing about 1000 numbered lines a second), the daemon killed with
// SIGKILL at a random moment 20 times in a row and restarted each time.
func TestKill9Survival(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	ctx := ctxT(t, 5*time.Minute)
	py := "python3"
	var writers []string
	put := func(name string, a heroproc.ActionSpec) {
		always := heroproc.RestartPolicyAlways
		a.Restart = &always
		a.StopGraceMs = u64(500)
		_, err := c.ServicePut(ctx, heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: name, Actions: []heroproc.ActionSpec{a}}})
		require.NoError(t, err)
		r, err := c.ServiceStart(ctx, heroproc.ServiceStartInput{Name: name})
		require.NoError(t, err)
		if strings.HasPrefix(name, "writer") {
			writers = append(writers, r.Jobs[0].ID)
		}
	}
	for i := 0; i < 10; i++ {
		put(fmt.Sprintf("writer%d", i), heroproc.ActionSpec{Name: "write", Script: sp(writer), Interpreter: &py})
	}
	for i := 0; i < 20; i++ {
		put(fmt.Sprintf("sleeper%d", i), sh("sleep", "exec sleep 10000"))
	}
	// One-shot runs ending at random moments with known exit codes.
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	wantExit := map[string]int32{}
	for i := 0; i < 20; i++ {
		code := int32(i % 3)
		secs := 0.5 + rng.Float64()*20
		r, err := c.RunStart(ctx, heroproc.RunStartInput{Name: fmt.Sprintf("oneshot%d", i), Actions: []heroproc.ActionSpec{
			sh("task", fmt.Sprintf("sleep %.2f; exit %d", secs, code)),
		}})
		require.NoError(t, err)
		wantExit[r.Jobs[0].ID] = code
	}
	// A follower reading writer0 by cursor across every restart.
	var followMu sync.Mutex
	var followed []heroproc.LogEntry
	stopFollow := make(chan struct{})
	followDone := make(chan struct{})
	go func() {
		defer close(followDone)
		var after int64
		w := writers[0]
		for i := 0; i < 100000; i++ {
			select {
			case <-stopFollow:
				return
			default:
			}
			fctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			p, err := heroproc.Dial(d.Socket).LogsFollow(fctx, heroproc.LogsFollowInput{JobID: &w, After: &after, WaitMs: u64(1000), Stream: streamPtr(heroproc.LogStreamStdout)})
			cancel()
			if err != nil {
				time.Sleep(50 * time.Millisecond) // the daemon is down: resume from the cursor
				continue
			}
			followMu.Lock()
			followed = append(followed, p.Entries...)
			followMu.Unlock()
			after = p.Next
		}
	}()

	var total crashCounts
	worst := time.Duration(0)
	within2s := 0
	for round := 1; round <= 20; round++ {
		time.Sleep(time.Duration(200+rng.Intn(600)) * time.Millisecond)
		before := snapshot(t, c)
		d.Kill()
		// The jobs survive the daemon.
		for _, j := range before {
			if j.Phase == heroproc.JobPhaseRunning && j.Pid != nil && strings.HasPrefix(j.Action, "writer") {
				assert.True(t, procinfo.Alive(int(*j.Pid), 0), "round %d: %s died with the daemon", round, j.Action)
			}
		}
		time.Sleep(time.Duration(rng.Intn(300)) * time.Millisecond)
		start := time.Now()
		d.Restart()
		var counts crashCounts
		var err error
		for i := 0; i < 100; i++ {
			if counts, err = checkAfterRestart(t, d, before, wantExit, start); err == nil {
				break
			}
			// The target is 2 s; a loaded machine may need more, and
			// a timing target is a measurement (reported below), not an
			// assertion.
			if time.Since(start) > 10*time.Second {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		took := time.Since(start)
		if err != nil {
			out := d.Output()
			if len(out) > 4000 {
				out = out[len(out)-4000:]
			}
			t.Logf("daemon output (last 4000 bytes):\n%s", out)
		}
		require.NoError(t, err, "round %d, %s after the restart", round, took)
		if took > worst {
			worst = took
		}
		if took <= 2*time.Second {
			within2s++
		}
		total.reattached += counts.reattached
		total.exitedWhileDown += counts.exitedWhileDown
		total.endedAfterRestart += counts.endedAfterRestart
		t.Logf("round %2d: %2d jobs reattached, %d ended while the daemon was down, %d ended since the restart (being ingested), %d unknown marked, %d zombies, consistent %s after the restart",
			round, counts.reattached, counts.exitedWhileDown, counts.endedAfterRestart, counts.unknownMarked, counts.zombies, took.Round(time.Millisecond))
	}
	close(stopFollow)
	<-followDone
	// Every one-shot run ends with its exit code, those that ended after
	// a restart included (their last is due about 21 s after the start).
	var unfinished []string
	for i := 0; i < 600; i++ {
		unfinished = unfinished[:0]
		jobs, err := c.JobList(ctx, heroproc.JobListInput{Limit: ptrU32(10000)})
		require.NoError(t, err)
		for _, j := range jobs {
			want, ok := wantExit[j.ID]
			if !ok {
				continue
			}
			if !jobTerminal(j.Phase) {
				unfinished = append(unfinished, j.Action)
				continue
			}
			if assert.NotNil(t, j.ExitCode, "%s (%s: %s)", j.Action, j.Phase, deref(j.Error)) {
				assert.Equal(t, want, *j.ExitCode, "%s", j.Action)
			}
		}
		if len(unfinished) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Empty(t, unfinished, "one-shot runs still running 60 s after the last restart")
	// Give the daemon a moment to read the last lines written.
	time.Sleep(300 * time.Millisecond)
	lines := 0
	for _, w := range writers {
		n, err := numbered(t, c, w)
		require.NoError(t, err, "writer job %s", w)
		assert.Greater(t, n, 1000, "writer %s stored too few lines", w)
		lines += n
	}
	followMu.Lock()
	for i, e := range followed {
		require.Equal(t, strconv.Itoa(i+1), e.Content, "the follower saw a gap or a duplicate at entry %d", i+1)
	}
	nf := len(followed)
	followMu.Unlock()
	t.Logf("20 kills: %d reattaches, %d jobs ended while the daemon was down (real exit codes), 0 unknown marked processes, 0 zombies; consistent within 2 s after %d of 20 restarts, worst %s; %d numbered lines stored without gap or duplicate; the follower read %d lines across the restarts",
		total.reattached, total.exitedWhileDown, within2s, worst.Round(time.Millisecond), lines, nf)
	assert.Greater(t, nf, 1000)
}
