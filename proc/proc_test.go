package proc_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func script(name, s string, deps ...string) proc.ActionSpec {
	return proc.ActionSpec{Name: name, Script: &s, DependsOn: deps}
}

func TestServicesRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	svc := e.c.Services()

	desc := "web"
	spec := proc.ServiceSpec{Name: "api", Description: &desc, Actions: []proc.ActionSpec{script("start", "serve")}, Tags: []string{"a"}}
	st, err := svc.Put(ctx, spec)
	require.NoError(t, err)
	assert.Equal(t, "api", st.Name)
	assert.Equal(t, proc.WantedStateStop, st.Wanted)
	assert.Equal(t, proc.ServiceStateInactive, st.State)

	got, err := svc.Get(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, spec, got)

	_, err = svc.Put(ctx, proc.ServiceSpec{Name: "db", Actions: []proc.ActionSpec{script("start", "db")}})
	require.NoError(t, err)
	list, err := svc.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "api", list[0].Name)
	assert.Equal(t, "db", list[1].Name)

	run, err := svc.Start(ctx, "api")
	require.NoError(t, err)
	require.NotNil(t, run.Service)
	assert.Equal(t, "api", *run.Service)
	assert.Equal(t, proc.RunPhaseRunning, run.Phase)
	require.Len(t, run.Jobs, 1)
	assert.Equal(t, "api.start", run.Jobs[0].Action)

	st, err = svc.Status(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, proc.ServiceStateRunning, st.State)
	require.NotNil(t, st.RunID)
	assert.Equal(t, run.ID, *st.RunID)

	again, err := svc.Restart(ctx, "api", true)
	require.NoError(t, err)
	assert.NotEqual(t, run.ID, again.ID)
	old, err := e.c.Runs().Get(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, old.Phase)
	assert.Len(t, old.Jobs, 1, "keepJobs=true keeps the old run's jobs")

	third, err := svc.Restart(ctx, "api", false)
	require.NoError(t, err)
	old, err = e.c.Runs().Get(ctx, again.ID)
	require.NoError(t, err)
	assert.Empty(t, old.Jobs, "keepJobs=false deletes the old run's jobs")

	st, err = svc.Stop(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, proc.WantedStateStop, st.Wanted)
	assert.Equal(t, proc.ServiceStateExited, st.State)
	stopped, err := e.c.Runs().Get(ctx, third.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, stopped.Phase)

	require.NoError(t, svc.Delete(ctx, "api"))
	_, err = svc.Get(ctx, "api")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	assert.ErrorIs(t, svc.Delete(ctx, "api"), proc.ErrNotFound)
}

func TestRunsRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	runs := e.c.Runs()

	run, err := runs.Start(ctx, "build", []proc.ActionSpec{script("compile", "echo compiled"), script("test", "echo tested", "compile")}, "")
	require.NoError(t, err)
	assert.Equal(t, "build", run.Name)
	assert.Equal(t, "default", run.Context, `context "" is the daemon's default`)
	require.Len(t, run.Jobs, 2)

	done, err := runs.Wait(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseSuccess, done.Phase)

	got, err := runs.Get(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, done, got)

	st, err := runs.Status(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunStatus{ID: run.ID, Phase: proc.RunPhaseSuccess, Jobs: 2, Succeeded: 2}, st)

	page, err := runs.Logs(ctx, run.ID, 0, 0)
	require.NoError(t, err)
	require.Len(t, page.Entries, 2)
	assert.Equal(t, "compiled", page.Entries[0].Content)
	assert.Equal(t, "tested", page.Entries[1].Content)
	assert.True(t, page.Done)
	page, err = runs.Logs(ctx, run.ID, page.Entries[0].Logid, 0)
	require.NoError(t, err)
	require.Len(t, page.Entries, 1, "after is the cursor")
	assert.Equal(t, "tested", page.Entries[0].Content)
	page, err = runs.Logs(ctx, run.ID, 0, 1)
	require.NoError(t, err)
	require.Len(t, page.Entries, 1, "limit bounds the page")
	assert.False(t, page.Done)

	other, err := runs.Start(ctx, "other", []proc.ActionSpec{script("x", "exit 3")}, "ops")
	require.NoError(t, err)
	assert.Equal(t, "ops", other.Context)
	failed, err := runs.Wait(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseFailed, failed.Phase)

	all, err := runs.List(ctx, proc.RunFilter{})
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, other.ID, all[0].ID, "newest first")
	onlyFailed, err := runs.List(ctx, proc.RunFilter{Phase: proc.RunPhaseFailed})
	require.NoError(t, err)
	require.Len(t, onlyFailed, 1)
	assert.Equal(t, other.ID, onlyFailed[0].ID)
	one, err := runs.List(ctx, proc.RunFilter{Limit: 1})
	require.NoError(t, err)
	assert.Len(t, one, 1)

	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "svc", Actions: []proc.ActionSpec{script("start", "serve")}})
	require.NoError(t, err)
	svcRun, err := e.c.Services().Start(ctx, "svc")
	require.NoError(t, err)
	bySvc, err := runs.List(ctx, proc.RunFilter{Service: "svc"})
	require.NoError(t, err)
	require.Len(t, bySvc, 1)
	assert.Equal(t, svcRun.ID, bySvc[0].ID)

	cancelled, err := runs.Cancel(ctx, svcRun.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, cancelled.Phase)
	assert.Equal(t, proc.JobPhaseExited, cancelled.Jobs[0].Phase)

	_, err = runs.Get(ctx, "run-nope")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	_, err = runs.Start(ctx, "empty", nil, "")
	assert.ErrorIs(t, err, proc.ErrInvalidSpec)
}

func TestRunsWaitLoopsLongPolls(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.runDelay = -1
	e.fake.maxWait = 30 * time.Millisecond // the daemon answers each poll early
	ctx := testCtx(t)
	run, err := e.c.Runs().Start(ctx, "slow", []proc.ActionSpec{script("a", "sleep")}, "")
	require.NoError(t, err)
	time.AfterFunc(300*time.Millisecond, func() { e.fake.finish(run.ID) })

	done, err := e.c.Runs().Wait(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseSuccess, done.Phase)
	assert.GreaterOrEqual(t, e.fake.count(heroproc.MethodRunWait), 3, "Wait repeats run_wait until the run is done")

	e.fake.mu.Lock()
	waits := append([]uint64(nil), e.fake.waitMs...)
	e.fake.mu.Unlock()
	for _, ms := range waits {
		assert.Greater(t, ms, uint64(0))
		assert.LessOrEqual(t, ms, uint64(20000), "timeout_ms fits in the ctx deadline")
	}
}

func TestRunsWaitTimeoutMs(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	run, err := e.c.Runs().Start(ctx, "quick", []proc.ActionSpec{script("a", "echo hi")}, "")
	require.NoError(t, err)
	_, err = e.c.Runs().Wait(ctx, run.ID)
	require.NoError(t, err)
	e.fake.mu.Lock()
	defer e.fake.mu.Unlock()
	require.NotEmpty(t, e.fake.waitMs)
	assert.Equal(t, uint64(60000), e.fake.waitMs[0], "without a deadline each poll waits 60 s at most")
}

func TestRunsWaitDeadline(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.runDelay = -1
	run, err := e.c.Runs().Start(testCtx(t), "never", []proc.ActionSpec{script("a", "sleep")}, "")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	last, err := e.c.Runs().Wait(ctx, run.ID)
	require.Error(t, err)
	assert.ErrorIs(t, err, proc.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, run.ID, last.ID, "Wait returns the run as last seen")
	assert.Equal(t, proc.RunPhaseRunning, last.Phase)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = e.c.Runs().Wait(ctx, run.ID)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, proc.ErrTimeout)
}

func TestJobsRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	run, err := e.c.Runs().Start(ctx, "r", []proc.ActionSpec{script("a", "echo one"), script("b", "echo two")}, "")
	require.NoError(t, err)
	_, err = e.c.Runs().Wait(ctx, run.ID)
	require.NoError(t, err)
	jobs := e.c.Jobs()

	j, err := jobs.Get(ctx, run.Jobs[1].ID)
	require.NoError(t, err)
	assert.Equal(t, "r.b", j.Action)
	assert.Equal(t, proc.JobPhaseSuccess, j.Phase)

	list, err := jobs.List(ctx, proc.JobFilter{RunID: run.ID})
	require.NoError(t, err)
	assert.Len(t, list, 2)
	list, err = jobs.List(ctx, proc.JobFilter{RunID: run.ID, Limit: 1})
	require.NoError(t, err)
	assert.Len(t, list, 1)
	list, err = jobs.List(ctx, proc.JobFilter{Phase: proc.JobPhaseFailed})
	require.NoError(t, err)
	assert.Empty(t, list)

	page, err := jobs.Logs(ctx, j.ID, 0, 0)
	require.NoError(t, err)
	require.Len(t, page.Entries, 1)
	assert.Equal(t, "two", page.Entries[0].Content)
	page, err = jobs.Logs(ctx, j.ID, page.Next, 10)
	require.NoError(t, err)
	assert.Empty(t, page.Entries)

	_, err = e.c.Services().Put(ctx, proc.ServiceSpec{Name: "svc", Actions: []proc.ActionSpec{script("start", "serve")}})
	require.NoError(t, err)
	svcRun, err := e.c.Services().Start(ctx, "svc")
	require.NoError(t, err)
	list, err = jobs.List(ctx, proc.JobFilter{Service: "svc"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	stopped, err := jobs.Stop(ctx, svcRun.Jobs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, proc.JobPhaseExited, stopped.Phase)
	require.NotNil(t, stopped.Signal)
	assert.Equal(t, "SIGTERM", *stopped.Signal)

	_, err = jobs.Get(ctx, "job-nope")
	assert.ErrorIs(t, err, proc.ErrNotFound)
}

func TestLogsQuery(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	e.fake.runDelay = -1
	run, err := e.c.Runs().Start(ctx, "r", []proc.ActionSpec{script("a", "x")}, "")
	require.NoError(t, err)
	for _, s := range []string{"l1", "l2", "l3", "l4"} {
		e.fake.log(run.ID, s)
	}
	logs := e.c.Logs()
	page, err := logs.Query(ctx, proc.LogFilter{RunID: run.ID})
	require.NoError(t, err)
	require.Len(t, page.Entries, 4)
	assert.Equal(t, int64(4), page.Next)

	page, err = logs.Query(ctx, proc.LogFilter{RunID: run.ID, After: 1, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"l2", "l3"}, contents(page.Entries))

	page, err = logs.Query(ctx, proc.LogFilter{Since: fakeEpoch.Add(2 * time.Second), Until: fakeEpoch.Add(3 * time.Second)})
	require.NoError(t, err)
	assert.Equal(t, []string{"l2", "l3"}, contents(page.Entries), "since and until are sent")

	page, err = logs.Query(ctx, proc.LogFilter{JobID: run.Jobs[0].ID, Stream: proc.LogStreamStdout, Level: proc.LogLevelInfo})
	require.NoError(t, err)
	assert.Len(t, page.Entries, 4)
	page, err = logs.Query(ctx, proc.LogFilter{Stream: proc.LogStreamStderr})
	require.NoError(t, err)
	assert.Empty(t, page.Entries)
	page, err = logs.Query(ctx, proc.LogFilter{Level: proc.LogLevelError})
	require.NoError(t, err)
	assert.Empty(t, page.Entries)
	page, err = logs.Query(ctx, proc.LogFilter{Service: "nope"})
	require.NoError(t, err)
	assert.Empty(t, page.Entries)
}

func contents(entries []proc.LogEntry) []string {
	out := []string{}
	for _, e := range entries {
		out = append(out, e.Content)
	}
	return out
}

func TestSecretsRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	s := e.c.Secrets()

	info, err := s.Set(ctx, "prod", "db_password", "hunter2")
	require.NoError(t, err)
	assert.Equal(t, proc.SecretInfo{Context: "prod", Key: "db_password", UpdatedAt: fakeEpoch}, info)
	_, err = s.Set(ctx, "dev", "token", "t")
	require.NoError(t, err)

	sec, err := s.Get(ctx, "prod", "db_password")
	require.NoError(t, err)
	assert.Equal(t, "hunter2", sec.Value)

	all, err := s.List(ctx, "")
	require.NoError(t, err)
	assert.Len(t, all, 2, `"" lists every context`)
	prod, err := s.List(ctx, "prod")
	require.NoError(t, err)
	require.Len(t, prod, 1)
	assert.Equal(t, "db_password", prod[0].Key)

	require.NoError(t, s.Delete(ctx, "prod", "db_password"))
	_, err = s.Get(ctx, "prod", "db_password")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	assert.ErrorIs(t, s.Delete(ctx, "prod", "db_password"), proc.ErrNotFound)
	_, err = s.Set(ctx, "", "k", "v")
	assert.ErrorIs(t, err, proc.ErrInvalidSpec)
}

func TestSystemRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	require.NoError(t, e.c.Ping(ctx))
	assert.Equal(t, 1, e.fake.count(heroproc.MethodSystemHealth), "Ping is one system_health call")

	v, err := e.c.System().Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, "fake-1.0", v.Version)
	assert.Equal(t, heroproc.ServiceVersion, v.APIVersion)

	h, err := e.c.System().Health(ctx)
	require.NoError(t, err)
	assert.True(t, h.Ok)

	e.fake.runDelay = -1
	run, err := e.c.Runs().Start(ctx, "r", []proc.ActionSpec{script("a", "x")}, "")
	require.NoError(t, err)
	require.NoError(t, e.c.System().Shutdown(ctx, true))
	got, err := e.c.Runs().Get(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseRunning, got.Phase, "detach leaves jobs running")
	require.NoError(t, e.c.System().Shutdown(ctx, false))
	got, err = e.c.Runs().Get(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, got.Phase)
}

func TestAPIGivesTheGeneratedClient(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	doc, err := e.c.API().Discover(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"openrpc"`)

	// Batches go through the SDK's transport too.
	var v proc.VersionInfo
	calls := []*heroproc.BatchCall{
		{Method: heroproc.MethodSystemVersion, Result: &v},
		{Method: heroproc.MethodServiceGet, Params: heroproc.ServiceGetInput{Name: "nope"}, Result: &proc.ServiceSpec{}},
		{Method: heroproc.MethodSystemHealth, Notify: true},
	}
	require.NoError(t, e.c.API().Batch(ctx, calls...))
	require.NoError(t, calls[0].Err)
	assert.Equal(t, "fake-1.0", v.Version)
	assert.ErrorIs(t, calls[1].Err, proc.ErrNotFound)
	assert.NoError(t, calls[2].Err)

	require.NoError(t, e.c.API().Notify(ctx, heroproc.MethodSystemHealth, nil))
	assert.Eventually(t, func() bool { return e.fake.count(heroproc.MethodSystemHealth) == 2 }, 5*time.Second, 5*time.Millisecond)
}

func TestConcurrentCalls(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 20; k++ {
				if _, err := e.c.System().Version(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, 320, e.fake.count(heroproc.MethodSystemVersion))
}

func TestCloseThenCallReconnects(t *testing.T) {
	e := newEnv(t, nil)
	ctx := testCtx(t)
	require.NoError(t, e.c.Ping(ctx))
	require.NoError(t, e.c.Close())
	require.NoError(t, e.c.Close(), "Close twice is fine")
	require.NoError(t, e.c.Ping(ctx))
}

func TestDialUnixExpandsHome(t *testing.T) {
	dir, cleanup, err := sockDir()
	require.NoError(t, err)
	defer cleanup()
	t.Setenv("HOME", dir)
	f := newFake()
	srv, err := serveUnix(dir+"/hero/rpc.sock", quietHandler(f))
	require.NoError(t, err)
	defer srv.Close()

	c, err := proc.DialUnix("~/hero/rpc.sock")
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Ping(testCtx(t)))

	c, err = proc.DialUnix("")
	require.NoError(t, err)
	err = c.Ping(testCtx(t))
	var ue *proc.UnavailableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, dir+"/hero/var/sockets/hero_proc/rpc.sock", ue.Addr, `"" is heroproc.DefaultSocketPath, expanded`)
}

func TestDialHTTPRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8700", "unix:///tmp/x.sock", "http://", "http://h/?q=1", "http://%zz"} {
		_, err := proc.DialHTTP(u)
		assert.Error(t, err, u)
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "hero_proc: DialHTTP: "), err.Error())
		}
	}
	c, err := proc.DialHTTP("http://127.0.0.1:1/")
	require.NoError(t, err, "a trailing slash is fine")
	assert.False(t, errors.Is(c.Close(), proc.ErrUnavailable))
}
