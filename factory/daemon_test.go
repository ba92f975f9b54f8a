package factory

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

// These tests run the real daemon (procdtest.Start) and check that every
// builder option reaches it and changes what the child sees or does.

// daemon starts a daemon and returns a client of it, found with Connect.
func daemon(t *testing.T) (*HeroProcClient, *procdtest.Daemon) {
	t.Helper()
	d := procdtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Connect(ctx, WithSocket(d.Socket))
	require.NoError(t, err)
	require.Equal(t, d.Socket, c.Addr())
	t.Cleanup(func() { c.Close() })
	return c, d
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// job returns the job of action in run ("{run}.{action}").
func job(t *testing.T, run proc.Run, action string) proc.Job {
	t.Helper()
	for _, j := range run.Jobs {
		if j.Action == run.Name+"."+action || strings.HasSuffix(j.Action, "."+action) {
			return j
		}
	}
	require.Failf(t, "no such job", "run %s has no job of action %q: %+v", run.ID, action, run.Jobs)
	return proc.Job{}
}

// contents returns the stdout and stderr lines of entries.
func contents(entries []proc.LogEntry) []string {
	var out []string
	for _, e := range entries {
		if e.Stream != proc.LogStreamSystem {
			out = append(out, e.Content)
		}
	}
	return out
}

// runToEnd starts b, waits for it and returns the finished run.
func runToEnd(t *testing.T, ctx context.Context, b *RunBuilder) (*RunHandle, proc.Run) {
	t.Helper()
	h, err := b.Start(ctx)
	require.NoError(t, err)
	run, err := h.Wait(ctx)
	require.NoError(t, err)
	return h, run
}

func TestDaemonEnvCwdSecrets(t *testing.T) {
	t.Setenv("FACTORY_INHERITED", "from-daemon")
	t.Setenv("FACTORY_NOT_INHERITED", "leak")
	c, _ := daemon(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	dir, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	_, err = c.Secrets().Set(ctx, "ci", "token", "hunter2")
	require.NoError(t, err)

	h, run := runToEnd(t, ctx, c.RunBuilder("env").Context("ci").
		Action("show", func(a *Action) {
			a.Command("/bin/sh", "-c", `echo "FOO=$FOO"; echo "INH=$FACTORY_INHERITED"; echo "NOT=$FACTORY_NOT_INHERITED"; echo "PWD=$(pwd)"; [ "$TOKEN" = hunter2 ] && echo secret-ok; echo "TOKEN=$TOKEN"`).
				Env("FOO", "bar baz").
				InheritEnv("FACTORY_INHERITED").
				SecretEnv("TOKEN", "token").
				Cwd(dir)
		}))
	require.Equal(t, proc.RunPhaseSuccess, run.Phase, "%v", RunError(run))
	lines, err := h.Logs(ctx)
	require.NoError(t, err)
	got := contents(lines)
	assert.Contains(t, got, "FOO=bar baz")
	assert.Contains(t, got, "INH=from-daemon")
	assert.Contains(t, got, "NOT=", "a variable not named in inherit_env is not passed on")
	assert.Contains(t, got, "PWD="+dir)
	assert.Contains(t, got, "secret-ok", "the child sees the secret's value")
	for _, l := range got {
		assert.NotContains(t, l, "hunter2", "the secret is masked in the logs")
	}
	// The job's own logs are the same lines.
	jl, err := c.JobLogs(ctx, job(t, run, "show").ID)
	require.NoError(t, err)
	assert.Equal(t, got, contents(jl))
}

func TestDaemonScriptAndInterpreter(t *testing.T) {
	if _, err := os.Stat("/bin/bash"); err != nil {
		t.Skip("no /bin/bash")
	}
	c, _ := daemon(t)
	ctx := testCtx(t)
	_, run := runToEnd(t, ctx, c.RunBuilder("interp").
		Action("bash", func(a *Action) { a.Script(`echo "bash=${BASH_VERSION:-none}"`).Interpreter("/bin/bash") }))
	require.Equal(t, proc.RunPhaseSuccess, run.Phase, "%v", RunError(run))
	lines, err := c.JobLogs(ctx, job(t, run, "bash").ID)
	require.NoError(t, err)
	require.Len(t, contents(lines), 1)
	assert.NotEqual(t, "bash=none", contents(lines)[0], "the script ran with /bin/bash")
}

func TestDaemonTimeoutKills(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	start := time.Now()
	_, run := runToEnd(t, ctx, c.RunBuilder("slow").
		Action("sleep", func(a *Action) { a.Command("sleep", "30").Timeout(time.Second) }).
		Action("after", func(a *Action) { a.Command("true").DependsOn("sleep") }))
	assert.Less(t, time.Since(start), 20*time.Second, "the job was killed at its timeout")
	assert.Equal(t, proc.RunPhaseFailed, run.Phase)
	j := job(t, run, "sleep")
	assert.Equal(t, proc.JobPhaseFailed, j.Phase)
	require.NotNil(t, j.StartedAt)
	require.NotNil(t, j.FinishedAt)
	assert.Less(t, j.FinishedAt.Sub(*j.StartedAt), 15*time.Second)
	assert.Equal(t, proc.JobPhaseSkipped, job(t, run, "after").Phase)
	// TimeoutSecs says the same in seconds.
	_, run = runToEnd(t, ctx, c.RunBuilder("slow2").
		Action("sleep", func(a *Action) { a.Command("sleep", "30").TimeoutSecs(1) }))
	assert.Equal(t, proc.JobPhaseFailed, job(t, run, "sleep").Phase)
}

func TestDaemonRetry(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	// Fails twice, succeeds on the third attempt.
	script := `n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo "attempt $n"; [ $n -ge 3 ]`
	h, run := runToEnd(t, ctx, c.RunBuilder("flaky").
		Action("flaky", func(a *Action) {
			a.Script(script).Cwd(dir).Retry(3).RetryDelay(10 * time.Millisecond)
		}))
	require.Equal(t, proc.RunPhaseSuccess, run.Phase, "%v", RunError(run))
	assert.Equal(t, uint32(3), job(t, run, "flaky").Attempt)
	lines, err := h.Logs(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"attempt 1", "attempt 2", "attempt 3"}, contents(lines))

	// Retry(1): two attempts, then failed for good.
	require.NoError(t, os.Remove(filepath.Join(dir, "count")))
	_, run = runToEnd(t, ctx, c.RunBuilder("flaky2").
		Action("flaky", func(a *Action) {
			a.Script(script).Cwd(dir).Retry(1).RetryDelay(10 * time.Millisecond)
		}))
	assert.Equal(t, proc.RunPhaseFailed, run.Phase)
	assert.Equal(t, uint32(2), job(t, run, "flaky").Attempt)
}

func TestDaemonDependsOnOrder(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	// Declared in the reverse order of their dependencies.
	h, run := runToEnd(t, ctx, c.RunBuilder("ordered").
		Action("test", func(a *Action) { a.Script("echo test").DependsOn("build") }).
		Action("build", func(a *Action) { a.Script("sleep 0.3; echo build").DependsOn("fetch") }).
		Action("fetch", func(a *Action) { a.Script("sleep 0.3; echo fetch") }))
	require.Equal(t, proc.RunPhaseSuccess, run.Phase, "%v", RunError(run))
	fetch, build, test := job(t, run, "fetch"), job(t, run, "build"), job(t, run, "test")
	require.NotNil(t, fetch.FinishedAt)
	require.NotNil(t, build.StartedAt)
	require.NotNil(t, build.FinishedAt)
	require.NotNil(t, test.StartedAt)
	assert.False(t, build.StartedAt.Before(*fetch.FinishedAt), "build started after fetch finished")
	assert.False(t, test.StartedAt.Before(*build.FinishedAt), "test started after build finished")
	lines, err := h.Logs(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"fetch", "build", "test"}, contents(lines))
}

func TestDaemonRestartAlways(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	_, err := c.ServiceBuilder("blinker").
		Action("blink", func(a *Action) {
			a.Script("echo blink; sleep 0.1").RestartAlways().Backoff(50*time.Millisecond, 100*time.Millisecond)
		}).
		Save(ctx)
	require.NoError(t, err)
	run, err := c.StartService(ctx, "blinker")
	require.NoError(t, err)
	assert.NotEmpty(t, run.ID)
	var attempt uint32
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		st, err := c.Services().Status(ctx, "blinker")
		require.NoError(t, err)
		for _, j := range st.Jobs {
			if j.Attempt > attempt {
				attempt = j.Attempt
			}
		}
		if attempt >= 3 {
			break
		}
	}
	assert.GreaterOrEqual(t, attempt, uint32(3), "the job was restarted after each exit")
	st, err := c.StopService(ctx, "blinker")
	require.NoError(t, err)
	assert.Equal(t, proc.WantedStateStop, st.Wanted)
}

func TestDaemonStopSignalAndReady(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	_, err := c.ServiceBuilder("db").
		Description("waits to be ready, stops on SIGINT").
		Tags("test").
		Action("db", func(a *Action) {
			a.Script(`trap 'echo got INT; exit 0' INT; sleep 0.5; echo ready; touch ready; while true; do sleep 0.1; done`).
				Cwd(dir).
				RestartOnFailure().
				StopSignal("SIGINT").
				StopGrace(5*time.Second).
				Ready(ExecCheck("/bin/sh", "-c", "test -f "+ready)).
				LiveExec("/bin/sh", "-c", "true")
		}).
		Action("app", func(a *Action) {
			a.Script(`test -f ` + ready + ` && echo db was ready; exec sleep 3600`).DependsOn("db")
		}).
		Save(ctx)
	require.NoError(t, err)
	h, err := c.StartService(ctx, "db")
	require.NoError(t, err)

	f := h.Follow(ctx)
	var seen []string
	for f.Next() {
		seen = append(seen, f.Entry().Content)
		if f.Entry().Content == "db was ready" {
			break
		}
	}
	require.NoError(t, f.Err())
	require.NoError(t, f.Close())
	assert.Contains(t, seen, "db was ready", "app started only once db's readiness check passed: %q", seen)

	_, err = c.StopService(ctx, "db")
	require.NoError(t, err)
	lines, err := h.Logs(ctx)
	require.NoError(t, err)
	assert.Contains(t, contents(lines), "got INT", "the stop signal was SIGINT")
}

func TestDaemonRestartDeletesOldJobs(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	_, err := c.ServiceBuilder("sleeper").
		Action("sleep", func(a *Action) { a.Command("sleep", "3600").StopGrace(time.Second) }).
		Save(ctx)
	require.NoError(t, err)
	first, err := c.StartService(ctx, "sleeper")
	require.NoError(t, err)
	run1, err := first.Get(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, run1.Jobs)
	oldJob := run1.Jobs[0].ID

	second, err := c.RestartService(ctx, "sleeper")
	require.NoError(t, err)
	assert.NotEqual(t, first.ID, second.ID, "a new run")
	_, err = c.Jobs().Get(ctx, oldJob)
	assert.True(t, errors.Is(err, proc.ErrNotFound), "the old run's jobs are deleted by default: %v", err)

	run2, err := second.Get(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, run2.Jobs)
	keptJob := run2.Jobs[0].ID
	third, err := c.RestartService(ctx, "sleeper", KeepJobs())
	require.NoError(t, err)
	assert.NotEqual(t, second.ID, third.ID)
	kept, err := c.Jobs().Get(ctx, keptJob)
	require.NoError(t, err, "KeepJobs keeps the old run's jobs")
	assert.Equal(t, second.ID, kept.RunID)

	st, err := third.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, third.ID, st.ID)
	_, err = c.StopService(ctx, "sleeper")
	require.NoError(t, err)
}

func TestDaemonInvalidNeverReachesDaemon(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	_, err := c.ServiceBuilder("bad").
		Action("a", func(a *Action) { a.Script("true").DependsOn("b") }).
		Action("b", func(a *Action) { a.Script("true").DependsOn("a") }).
		Save(ctx)
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "%v", err)
	_, err = c.Services().Get(ctx, "bad")
	assert.True(t, errors.Is(err, proc.ErrNotFound), "%v", err)

	_, err = c.RunBuilder("bad").Action("serve", func(a *Action) { a.Script("true").RestartAlways() }).Start(ctx)
	require.True(t, errors.As(err, &verr), "%v", err)
	runs, err := c.Runs().List(ctx, proc.RunFilter{})
	require.NoError(t, err)
	assert.Empty(t, runs)
}

func TestDaemonCancel(t *testing.T) {
	c, _ := daemon(t)
	ctx := testCtx(t)
	h, err := c.RunBuilder("long").Action("sleep", func(a *Action) { a.Command("sleep", "3600") }).Start(ctx)
	require.NoError(t, err)
	_, err = h.Cancel(ctx)
	require.NoError(t, err)
	run, err := h.Wait(ctx)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, run.Phase)
	assert.Error(t, RunError(run))
}

// inOrder checks that each of wants occurs in s, after the one before.
func inOrder(t *testing.T, s string, wants ...string) {
	t.Helper()
	rest := s
	for _, w := range wants {
		i := strings.Index(rest, w)
		if !assert.True(t, i >= 0, "%q not found (in order) in:\n%s", w, s) {
			return
		}
		rest = rest[i+len(w):]
	}
}

// goTool returns the go command, or skips.
func goTool(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the examples with")
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestDaemonGoldenUX builds the two example programs and runs them against
// the daemon: the seed's golden UX end to end.
func TestDaemonGoldenUX(t *testing.T) {
	gobin := goTool(t)
	_, d := daemon(t)
	bin := t.TempDir()
	for _, name := range []string{"service", "run"} {
		cmd := exec.Command(gobin, "build", "-o", filepath.Join(bin, name), "../examples/golden_ux/"+name)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	run := func(name string, args ...string) string {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}

	out := run("service", "-socket", d.Socket)
	t.Logf("service:\n%s", out)
	assert.Contains(t, out, "connected to "+d.Socket)
	assert.Contains(t, out, "saved service api")
	assert.Contains(t, out, "started service api: run ")
	assert.Contains(t, out, "api.prepare [stdout] preparing the api")
	assert.Contains(t, out, "api.start [stdout] api up")
	assert.Contains(t, out, "service api: ")
	assert.Contains(t, out, "api.start: running")

	// The socket from HERO_PROC_SOCKET this time.
	t.Setenv(SocketEnv, d.Socket)
	out = run("run")
	t.Logf("run:\n%s", out)
	assert.Contains(t, out, "run build-run: success")
	inOrder(t, out,
		"started run ",
		"build-run.build: success, attempt 1\n",
		"    [stdout] compiling\n",
		"    [stdout] built\n",
		"build-run.test: success, attempt 1\n",
		"    [stdout] testing\n",
		"    [stdout] 2 tests passed\n")
}
