package e2e

import (
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
)

// Helpers of the issue-11 tests (service, stop, logs, secrets, api,
// faults). Their names carry no common prefix with the crash tests'.

func u32p(v uint32) *uint32 { return &v }

func policyP(p heroproc.RestartPolicy) *heroproc.RestartPolicy { return &p }

func wantedP(w heroproc.WantedState) *heroproc.WantedState { return &w }

func cmd(name string, argv ...string) heroproc.ActionSpec {
	return heroproc.ActionSpec{Name: name, Command: argv}
}

// putSvc stores a service spec.
func putSvc(t *testing.T, c *heroproc.Client, spec heroproc.ServiceSpec) heroproc.ServiceStatus {
	t.Helper()
	st, err := c.ServicePut(ctxT(t, 10*time.Second), heroproc.ServicePutInput{Spec: spec})
	require.NoError(t, err)
	return st
}

func svcStatus(t *testing.T, c *heroproc.Client, name string) heroproc.ServiceStatus {
	t.Helper()
	st, err := c.ServiceStatus(ctxT(t, 5*time.Second), heroproc.ServiceStatusInput{Name: name})
	require.NoError(t, err)
	return st
}

// waitSvc polls a service's status every 10ms until cond holds.
func waitSvc(t *testing.T, c *heroproc.Client, name string, d time.Duration, what string, cond func(heroproc.ServiceStatus) bool) heroproc.ServiceStatus {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		st := svcStatus(t, c, name)
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("service %s: not within %s: %s; last status: state=%s reason=%q jobs=%+v", name, d, what, st.State, derefS(st.Reason), st.Jobs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// assertNoneMarked: no process of the daemon's jobs (helpers included)
// is alive; a helper that wrote its status may take a moment to exit.
func assertNoneMarked(t *testing.T, d *procdtest.Daemon) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for len(d.Marked()) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var left []string
	for _, m := range d.Marked() {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(m.Pid) + "/cmdline")
		left = append(left, strconv.Itoa(m.Pid)+" "+strings.ReplaceAll(string(b), "\x00", " "))
	}
	assert.Empty(t, left, "processes of the daemon's jobs still alive")
}

func derefS(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// waitJobLine waits until a stdout/stderr line of the job contains sub and
// returns every line so far.
func waitJobLine(t *testing.T, c *heroproc.Client, runID, jobID, sub string, d time.Duration) []string {
	t.Helper()
	var got []string
	eventually(t, d, "a line containing "+strconv.Quote(sub), func() bool {
		got = lines(t, c, runID, jobID)
		for _, l := range got {
			if strings.Contains(l, sub) {
				return true
			}
		}
		return false
	})
	return got
}

// freePort returns a loopback address nobody listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func TestActionsInterpreterCommandCwdEnv(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	cwd := t.TempDir()
	bash := sh("bash", `a=(x "y z" w); echo "${#a[@]} ${a[1]}"`)
	bash.Interpreter = sp("/bin/bash")
	dash := sh("dash", `a=(x y); echo unreachable`) // /bin/sh has no arrays: the default interpreter is really /bin/sh
	py := sh("py", "import sys\nprint(6*7, sys.argv[0])")
	py.Interpreter = sp("python3")
	pwd := sh("pwd", "pwd")
	pwd.Cwd = &cwd
	env := cmd("env", "env")
	env.Env = map[string]string{"FOO": "bar baz", "EMPTY": ""}
	env.InheritEnv = []string{"HOME", "NOT_IN_DAEMON_ENV_X"}
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "acts", Actions: []heroproc.ActionSpec{
		bash, dash, py, cmd("argv", "printf", "%s\n", "a b", "$HOME"), pwd, env,
	}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 20*time.Second)
	byName := map[string]heroproc.Job{}
	for _, j := range r.Jobs {
		byName[strings.TrimPrefix(j.Action, "acts.")] = j
	}
	assert.Equal(t, heroproc.JobPhaseSuccess, byName["bash"].Phase, "%+v", byName["bash"])
	assert.Equal(t, []string{"3 y z"}, lines(t, c, r.ID, byName["bash"].ID))
	assert.Equal(t, heroproc.JobPhaseFailed, byName["dash"].Phase, "a bash-ism under the default /bin/sh must fail")
	assert.Equal(t, heroproc.JobPhaseSuccess, byName["py"].Phase, "%+v", byName["py"])
	assert.Equal(t, []string{"42 -c"}, lines(t, c, r.ID, byName["py"].ID))
	// No shell: the argument with a space stays one argument, $HOME stays literal.
	assert.Equal(t, []string{"a b", "$HOME"}, lines(t, c, r.ID, byName["argv"].ID))
	realCwd, err := filepath.EvalSymlinks(cwd)
	require.NoError(t, err)
	assert.Equal(t, []string{realCwd}, lines(t, c, r.ID, byName["pwd"].ID))

	got := map[string]string{}
	for _, l := range lines(t, c, r.ID, byName["env"].ID) {
		i := strings.IndexByte(l, '=')
		require.True(t, i > 0, "env line %q", l)
		got[l[:i]] = l[i+1:]
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Exactly the spec's variables, the inherited one, PATH and the markers:
	// nothing else of the daemon's environment (procdtest sets
	// HERO_PROC_TEST_PARENT in it).
	assert.Equal(t, []string{"EMPTY", "FOO", "HERO_PROC_INSTANCE", "HERO_PROC_JOB", "HOME", "PATH"}, keys)
	assert.Equal(t, "bar baz", got["FOO"])
	home, _ := os.UserHomeDir()
	assert.Equal(t, home, got["HOME"])
	assert.Equal(t, d.Instance(), got["HERO_PROC_INSTANCE"])
	assert.Equal(t, byName["env"].ID, got["HERO_PROC_JOB"])
}

func TestServiceEnvKeyGoneAfterPutAndRestart(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	spec := heroproc.ServiceSpec{Name: "envsvc", Actions: []heroproc.ActionSpec{cmd("show", "env")}}
	spec.Actions[0].Env = map[string]string{"KEY": "v1", "OTHER": "o"}
	putSvc(t, c, spec)
	r, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "envsvc"})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 10*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase)
	assert.Contains(t, lines(t, c, r.ID, ""), "KEY=v1")

	spec.Actions[0].Env = map[string]string{"OTHER": "o2"}
	putSvc(t, c, spec)
	r2, err := c.ServiceRestart(ctxT(t, 10*time.Second), heroproc.ServiceRestartInput{Name: "envsvc"})
	require.NoError(t, err)
	require.NotEqual(t, r.ID, r2.ID)
	r2 = waitRun(t, c, r2.ID, 10*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r2.Phase)
	out := lines(t, c, r2.ID, "")
	assert.Contains(t, out, "OTHER=o2")
	for _, l := range out {
		assert.False(t, strings.HasPrefix(l, "KEY="), "KEY survived the put without it: %q", l)
	}
	// restart without keep_jobs deleted the old run.
	_, err = c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: r.ID})
	assert.ErrorIs(t, err, heroproc.ErrNotFound)
}

func TestTimeoutKillsAndFailsJob(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	a := sh("slow", "echo started; sleep 30")
	a.TimeoutSecs = u64(1)
	a.StopGraceMs = u64(300)
	t0 := time.Now()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "to", Actions: []heroproc.ActionSpec{a}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 15*time.Second)
	el := time.Since(t0)
	require.Equal(t, heroproc.RunPhaseFailed, r.Phase)
	j := r.Jobs[0]
	assert.Equal(t, heroproc.JobPhaseFailed, j.Phase)
	assert.Equal(t, "timed out after 1s", derefS(j.Error))
	assert.True(t, el >= time.Second && el < 4*time.Second, "took %s", el)
	assertNoneMarked(t, d)
}

func TestRetryUntilThirdAttemptSucceeds(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	counter := filepath.Join(t.TempDir(), "count")
	a := sh("flaky", `n=$(cat "$F" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$F"; echo "attempt $n"; [ $n -ge 3 ]`)
	a.Env = map[string]string{"F": counter}
	a.Retry = &heroproc.RetryPolicy{MaxAttempts: 3, DelayMs: u64(100)}
	t0 := time.Now()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "retry", Actions: []heroproc.ActionSpec{a, sh("after", "echo after", "flaky")}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 15*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase, "%+v", r.Jobs)
	j := r.Jobs[0]
	assert.Equal(t, uint32(3), j.Attempt)
	assert.Equal(t, int32(0), *j.ExitCode)
	// The delays: 100ms, then 200ms.
	assert.True(t, time.Since(t0) >= 300*time.Millisecond, "retries came too fast: %s", time.Since(t0))
	assert.Equal(t, []string{"attempt 1", "attempt 2", "attempt 3"}, lines(t, c, r.ID, j.ID))
	assert.True(t, !r.Jobs[1].StartedAt.Before(*j.FinishedAt), "the dependent started before the retried job succeeded")

	// Every attempt failing: failed after 3 attempts, never a fourth.
	b := sh("never", "exit 7")
	b.Retry = &heroproc.RetryPolicy{MaxAttempts: 3, DelayMs: u64(50)}
	r, err = c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "retry2", Actions: []heroproc.ActionSpec{b}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 15*time.Second)
	assert.Equal(t, heroproc.JobPhaseFailed, r.Jobs[0].Phase)
	assert.Equal(t, uint32(3), r.Jobs[0].Attempt)
	assert.Equal(t, "exited with status 7", derefS(r.Jobs[0].Error))
}

func TestRestartAlwaysBacksOffWithGrowingDelays(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	a := sh("crash", "exit 1")
	a.Restart = policyP(heroproc.RestartPolicyAlways)
	a.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(100), MaxMs: u64(400)}
	putSvc(t, c, heroproc.ServiceSpec{Name: "crashy", Actions: []heroproc.ActionSpec{a}})
	_, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "crashy"})
	require.NoError(t, err)

	// delay seen in backoff after attempt N ended.
	delays := map[uint32]time.Duration{}
	deadline := time.Now().Add(10 * time.Second)
	for len(delays) < 4 || delays[4] == 0 && delays[5] == 0 {
		require.True(t, time.Now().Before(deadline), "backoffs seen: %v", delays)
		st := svcStatus(t, c, "crashy")
		if st.State == heroproc.ServiceStateBackoff {
			j := st.Jobs[0]
			require.Equal(t, heroproc.JobPhaseBackoff, j.Phase)
			require.NotNil(t, st.NextAttemptAt, "backoff without next_attempt_at")
			require.NotNil(t, j.NextAttemptAt)
			require.NotNil(t, j.FinishedAt)
			assert.Contains(t, derefS(st.Reason), "exited with status 1")
			assert.Contains(t, derefS(st.Reason), "restart")
			assert.Equal(t, j.Attempt, st.Restarts+1)
			delays[j.Attempt] = j.NextAttemptAt.Sub(*j.FinishedAt)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for n, dl := range delays {
		want := 100 * time.Millisecond << (n - 1)
		if want > 400*time.Millisecond {
			want = 400 * time.Millisecond
		}
		// Upper slack: the store writes between the two timestamps.
		lo, hi := want*9/10-5*time.Millisecond, want*11/10+50*time.Millisecond
		assert.True(t, dl >= lo && dl <= hi, "after attempt %d: delay %s, want %s ±10%%", n, dl, want)
	}
	st, err := c.ServiceStop(ctxT(t, 10*time.Second), heroproc.ServiceStopInput{Name: "crashy"})
	require.NoError(t, err)
	assert.Equal(t, heroproc.ServiceStateExited, st.State)
	assert.Equal(t, heroproc.WantedStateStop, st.Wanted)
	assert.Nil(t, st.Jobs[0].NextAttemptAt)
}

func TestMaxRestartsEndsInCrashLoop(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	a := sh("crash", "echo boom; exit 1")
	a.Restart = policyP(heroproc.RestartPolicyAlways)
	a.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(100), MaxMs: u64(400), MaxRestarts: u32p(3)}
	putSvc(t, c, heroproc.ServiceSpec{Name: "loop", Actions: []heroproc.ActionSpec{a}, Wanted: wantedP(heroproc.WantedStateStart)})
	st := waitSvc(t, c, "loop", 10*time.Second, "failed", func(s heroproc.ServiceStatus) bool { return s.State == heroproc.ServiceStateFailed })
	j := st.Jobs[0]
	assert.Equal(t, heroproc.JobPhaseFailed, j.Phase)
	assert.Equal(t, uint32(4), j.Attempt, "3 restarts, then failed")
	assert.Contains(t, derefS(j.Error), "crash loop")
	assert.Contains(t, derefS(st.Reason), "crash loop")
	assert.Equal(t, uint32(3), st.Restarts)
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, uint32(4), svcStatus(t, c, "loop").Jobs[0].Attempt, "restarted after the crash-loop limit")
	r, err := c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: *st.RunID})
	require.NoError(t, err)
	assert.Equal(t, heroproc.RunPhaseFailed, r.Phase)
	// seq runs on across attempts: 4 attempts, one line each.
	p, err := c.JobLogs(ctxT(t, 5*time.Second), heroproc.JobLogsInput{ID: j.ID})
	require.NoError(t, err)
	var seqs []int64
	for _, e := range p.Entries {
		seqs = append(seqs, e.Seq)
	}
	assert.Equal(t, []int64{1, 2, 3, 4}, seqs)
}

func TestOnFailureRestartsOnlyFailures(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	counter := filepath.Join(t.TempDir(), "count")
	ok := sh("ok", "echo fine")
	ok.Restart = policyP(heroproc.RestartPolicyOnFailure)
	ok.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(100)}
	flaky := sh("flaky", `n=$(cat "$F" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$F"; [ $n -ge 2 ]`)
	flaky.Env = map[string]string{"F": counter}
	flaky.Restart = policyP(heroproc.RestartPolicyOnFailure)
	flaky.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(100)}
	putSvc(t, c, heroproc.ServiceSpec{Name: "onfail", Actions: []heroproc.ActionSpec{ok, flaky}, Wanted: wantedP(heroproc.WantedStateStart)})
	st := waitSvc(t, c, "onfail", 10*time.Second, "success", func(s heroproc.ServiceStatus) bool { return s.State == heroproc.ServiceStateSuccess })
	time.Sleep(400 * time.Millisecond)
	st = svcStatus(t, c, "onfail")
	assert.Equal(t, heroproc.ServiceStateSuccess, st.State)
	assert.Equal(t, heroproc.JobPhaseSuccess, st.Jobs[0].Phase)
	assert.Equal(t, uint32(1), st.Jobs[0].Attempt, "on_failure restarted an exit 0")
	assert.Equal(t, heroproc.JobPhaseSuccess, st.Jobs[1].Phase)
	assert.Equal(t, uint32(2), st.Jobs[1].Attempt, "on_failure did not restart exit 1 once")
}

func TestWantedStateSurvivesDaemonRestart(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	up := sh("main", "echo up; exec sleep 300")
	up.StopGraceMs = u64(300)
	down := up
	putSvc(t, c, heroproc.ServiceSpec{Name: "up", Actions: []heroproc.ActionSpec{up}, Wanted: wantedP(heroproc.WantedStateStart)})
	putSvc(t, c, heroproc.ServiceSpec{Name: "down", Actions: []heroproc.ActionSpec{down}, Wanted: wantedP(heroproc.WantedStateStart)})
	for _, n := range []string{"up", "down"} {
		waitSvc(t, c, n, 10*time.Second, "running", func(s heroproc.ServiceStatus) bool { return s.State == heroproc.ServiceStateRunning })
	}
	_, err := c.ServiceStop(ctxT(t, 10*time.Second), heroproc.ServiceStopInput{Name: "down"})
	require.NoError(t, err)
	before := svcStatus(t, c, "up")
	downBefore := svcStatus(t, c, "down")

	require.NoError(t, d.Stop(20*time.Second))
	assertNoneMarked(t, d)
	d.Restart()
	c = d.Client()

	st := waitSvc(t, c, "up", 10*time.Second, "running again in a new run", func(s heroproc.ServiceStatus) bool {
		return s.State == heroproc.ServiceStateRunning && s.RunID != nil && *s.RunID != *before.RunID && s.Jobs[0].Pid != nil
	})
	assert.Equal(t, heroproc.WantedStateStart, st.Wanted)
	require.NotNil(t, st.Jobs[0].Pid)
	assert.True(t, procinfo.Alive(int(*st.Jobs[0].Pid), 0), "the restarted service's process runs")
	old, err := c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: *before.RunID})
	require.NoError(t, err)
	assert.True(t, old.Phase == heroproc.RunPhaseCancelled || old.Phase == heroproc.RunPhaseFailed, "old run %s", old.Phase)

	time.Sleep(300 * time.Millisecond)
	ds := svcStatus(t, c, "down")
	assert.Equal(t, heroproc.WantedStateStop, ds.Wanted)
	assert.Equal(t, *downBefore.RunID, derefS(ds.RunID), "a stopped service got a new run")
	assert.NotEqual(t, heroproc.ServiceStateRunning, ds.State)
	for _, j := range ds.Jobs {
		assert.NotEqual(t, heroproc.JobPhaseRunning, j.Phase)
	}
}

func TestServiceDependsOnReadinessAndStopOrder(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	addr := freePort(t)
	db := sh("server", "sleep 0.6; exec python3 -m http.server "+portOf(addr)+" --bind 127.0.0.1")
	db.Ready = &heroproc.HealthCheck{Kind: heroproc.HealthKindTCP, Address: &addr, IntervalMs: u64(50), TimeoutMs: u64(500)}
	db.StopGraceMs = u64(300)
	app := sh("web", "exec sleep 300")
	app.StopGraceMs = u64(300)
	putSvc(t, c, heroproc.ServiceSpec{Name: "db", Actions: []heroproc.ActionSpec{db}})
	putSvc(t, c, heroproc.ServiceSpec{Name: "app", Actions: []heroproc.ActionSpec{app}, DependsOn: []string{"db"}})

	// Starting app starts db first.
	_, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "app"})
	require.NoError(t, err)
	as := waitSvc(t, c, "app", 15*time.Second, "running", func(s heroproc.ServiceStatus) bool { return s.State == heroproc.ServiceStateRunning })
	ds := svcStatus(t, c, "db")
	require.Equal(t, heroproc.ServiceStateRunning, ds.State)
	assert.True(t, ds.Jobs[0].Ready)
	assert.Equal(t, heroproc.WantedStateStart, ds.Wanted)
	gap := as.Jobs[0].StartedAt.Sub(*ds.Jobs[0].StartedAt)
	assert.True(t, gap >= 600*time.Millisecond, "app started %s after db, before db could be ready", gap)
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	require.NoError(t, err, "db is ready, so its port accepts")
	conn.Close()

	// Stopping db stops app first.
	_, err = c.ServiceStop(ctxT(t, 15*time.Second), heroproc.ServiceStopInput{Name: "db"})
	require.NoError(t, err)
	as, ds = svcStatus(t, c, "app"), svcStatus(t, c, "db")
	assert.Equal(t, heroproc.WantedStateStop, as.Wanted)
	assert.Equal(t, heroproc.JobPhaseExited, as.Jobs[0].Phase)
	assert.Equal(t, heroproc.JobPhaseExited, ds.Jobs[0].Phase)
	assert.True(t, as.Jobs[0].FinishedAt.Before(*ds.Jobs[0].FinishedAt), "app stopped at %s, after db at %s", as.Jobs[0].FinishedAt, ds.Jobs[0].FinishedAt)
	assertNoneMarked(t, d)
}

func TestLivenessFailureRestartsJob(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	flag := filepath.Join(t.TempDir(), "sick")
	a := sh("main", "exec sleep 300")
	a.StopGraceMs = u64(300)
	a.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(100)}
	a.Live = &heroproc.HealthCheck{Kind: heroproc.HealthKindExec, Command: []string{"sh", "-c", "test ! -e " + flag}, IntervalMs: u64(100), Failures: u32p(2)}
	putSvc(t, c, heroproc.ServiceSpec{Name: "live", Actions: []heroproc.ActionSpec{a}, Wanted: wantedP(heroproc.WantedStateStart)})
	st := waitSvc(t, c, "live", 10*time.Second, "running", func(s heroproc.ServiceStatus) bool {
		return s.State == heroproc.ServiceStateRunning && s.Jobs[0].Pid != nil
	})
	pid1 := int(*st.Jobs[0].Pid)
	time.Sleep(500 * time.Millisecond) // passing checks: no restart
	st = svcStatus(t, c, "live")
	require.Equal(t, uint32(1), st.Jobs[0].Attempt, "restarted while its liveness check passed")

	require.NoError(t, os.WriteFile(flag, nil, 0o600))
	st = waitSvc(t, c, "live", 10*time.Second, "attempt 2", func(s heroproc.ServiceStatus) bool { return s.Jobs[0].Attempt >= 2 })
	require.NoError(t, os.Remove(flag))
	st = waitSvc(t, c, "live", 10*time.Second, "running again", func(s heroproc.ServiceStatus) bool {
		return s.State == heroproc.ServiceStateRunning && s.Jobs[0].Pid != nil
	})
	assert.Equal(t, uint32(2), st.Jobs[0].Attempt)
	assert.NotEqual(t, pid1, int(*st.Jobs[0].Pid))
	assert.False(t, procinfo.Alive(pid1, 0), "the unhealthy process is still alive")
	time.Sleep(400 * time.Millisecond)
	assert.Equal(t, uint32(2), svcStatus(t, c, "live").Jobs[0].Attempt, "restarted again once healthy")
}

func TestServiceDeleteConflictAndNotFound(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	putSvc(t, c, heroproc.ServiceSpec{Name: "base", Actions: []heroproc.ActionSpec{sh("a", "true")}})
	putSvc(t, c, heroproc.ServiceSpec{Name: "top", Actions: []heroproc.ActionSpec{sh("a", "true")}, DependsOn: []string{"base"}})
	err := c.ServiceDelete(ctxT(t, 5*time.Second), heroproc.ServiceDeleteInput{Name: "base"})
	require.ErrorIs(t, err, heroproc.ErrConflict)
	assert.Contains(t, err.Error(), "top")
	_, err = c.ServiceGet(ctxT(t, 5*time.Second), heroproc.ServiceGetInput{Name: "base"})
	require.NoError(t, err, "a refused delete deleted")
	require.NoError(t, c.ServiceDelete(ctxT(t, 5*time.Second), heroproc.ServiceDeleteInput{Name: "top"}))
	require.NoError(t, c.ServiceDelete(ctxT(t, 5*time.Second), heroproc.ServiceDeleteInput{Name: "base"}))
	list, err := c.ServiceList(ctxT(t, 5*time.Second))
	require.NoError(t, err)
	assert.Empty(t, list)

	ctx := ctxT(t, 10*time.Second)
	n := "nope"
	errs := map[string]error{}
	_, errs["service.get"] = c.ServiceGet(ctx, heroproc.ServiceGetInput{Name: n})
	_, errs["service.status"] = c.ServiceStatus(ctx, heroproc.ServiceStatusInput{Name: n})
	_, errs["service.start"] = c.ServiceStart(ctx, heroproc.ServiceStartInput{Name: n})
	_, errs["service.stop"] = c.ServiceStop(ctx, heroproc.ServiceStopInput{Name: n})
	_, errs["service.restart"] = c.ServiceRestart(ctx, heroproc.ServiceRestartInput{Name: n})
	errs["service.delete"] = c.ServiceDelete(ctx, heroproc.ServiceDeleteInput{Name: n})
	_, errs["run.get"] = c.RunGet(ctx, heroproc.RunGetInput{ID: n})
	_, errs["run.status"] = c.RunStatus(ctx, heroproc.RunStatusInput{ID: n})
	_, errs["run.wait"] = c.RunWait(ctx, heroproc.RunWaitInput{ID: n})
	_, errs["run.cancel"] = c.RunCancel(ctx, heroproc.RunCancelInput{ID: n})
	_, errs["run.logs"] = c.RunLogs(ctx, heroproc.RunLogsInput{ID: n})
	_, errs["job.get"] = c.JobGet(ctx, heroproc.JobGetInput{ID: n})
	_, errs["job.stop"] = c.JobStop(ctx, heroproc.JobStopInput{ID: n})
	_, errs["job.logs"] = c.JobLogs(ctx, heroproc.JobLogsInput{ID: n})
	_, errs["secret.get"] = c.SecretGet(ctx, heroproc.SecretGetInput{Context: "default", Key: n})
	errs["secret.delete"] = c.SecretDelete(ctx, heroproc.SecretDeleteInput{Context: "default", Key: n})
	for m, err := range errs {
		assert.ErrorIs(t, err, heroproc.ErrNotFound, m)
	}
	// A service depending on an unknown one cannot start.
	putSvc(t, c, heroproc.ServiceSpec{Name: "orphan", Actions: []heroproc.ActionSpec{sh("a", "true")}, DependsOn: []string{"ghost"}})
	_, err = c.ServiceStart(ctx, heroproc.ServiceStartInput{Name: "orphan"})
	assert.Error(t, err)
}
