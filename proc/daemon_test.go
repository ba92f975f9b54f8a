package proc_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

var (
	daemonBuildOnce sync.Once
	daemonBuildErr  error
)

// startDaemon starts a real hero_procd (procd/procdtest), skipping when it
// does not build (it is developed alongside the SDK) or under Bazel.
func startDaemon(t *testing.T) (*procdtest.Daemon, *proc.Client) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real hero_procd; skipped with -short")
	}
	if os.Getenv("TEST_SRCDIR") != "" {
		t.Skip("hero_procd tests start real daemons and run in the go test step of tools/test, not under bazel test")
	}
	if os.Getenv("HERO_PROCD_BIN") == "" {
		daemonBuildOnce.Do(func() {
			_, file, _, _ := runtime.Caller(0)
			cmd := exec.Command("go", "build", "-o", os.DevNull, "./procd/cmd/hero_procd")
			cmd.Dir = filepath.Join(filepath.Dir(file), "..")
			if out, err := cmd.CombinedOutput(); err != nil {
				daemonBuildErr = fmt.Errorf("%v\n%s", err, out)
			}
		})
		if daemonBuildErr != nil {
			t.Skipf("hero_procd does not build yet, not testing the SDK against it: %v", daemonBuildErr)
		}
	}
	d := procdtest.Start(t)
	c, err := proc.DialUnix(d.Socket)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return d, c
}

func daemonCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDaemonRoundTrip(t *testing.T) {
	d, c := startDaemon(t)
	ctx := daemonCtx(t)

	require.NoError(t, c.Ping(ctx))
	v, err := c.System().Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, d.Socket, v.Socket)
	h, err := c.System().Health(ctx)
	require.NoError(t, err)
	assert.True(t, h.Ok, "health: %+v", h)

	// Secrets.
	_, err = c.Secrets().Set(ctx, "sdk", "token", "hunter2")
	require.NoError(t, err)
	sec, err := c.Secrets().Get(ctx, "sdk", "token")
	require.NoError(t, err)
	assert.Equal(t, "hunter2", sec.Value)
	list, err := c.Secrets().List(ctx, "sdk")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "token", list[0].Key)

	// A service: put, get, start, wait for its run, logs, stop, delete.
	ctxName := "sdk"
	spec := proc.ServiceSpec{Name: "sdk-svc", Context: &ctxName, Actions: []proc.ActionSpec{
		{Name: "hello", Script: strPtr(`echo "hello from $NAME"`), Env: map[string]string{"NAME": "sdk"}},
	}}
	st, err := c.Services().Put(ctx, spec)
	require.NoError(t, err)
	assert.Equal(t, "sdk-svc", st.Name)
	got, err := c.Services().Get(ctx, "sdk-svc")
	require.NoError(t, err)
	assert.Equal(t, "hello", got.Actions[0].Name)
	run, err := c.Services().Start(ctx, "sdk-svc")
	require.NoError(t, err)
	run, err = c.Runs().Wait(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseSuccess, run.Phase, "run: %+v\n%s", run, d.Output())
	page, err := c.Runs().Logs(ctx, run.ID, 0, 0)
	require.NoError(t, err)
	assert.Contains(t, contents(page.Entries), "hello from sdk")
	services, err := c.Services().List(ctx)
	require.NoError(t, err)
	assert.Len(t, services, 1)
	_, err = c.Services().Stop(ctx, "sdk-svc")
	require.NoError(t, err)
	require.NoError(t, c.Services().Delete(ctx, "sdk-svc"))

	// An ad-hoc run, followed to its end.
	run, err = c.Runs().Start(ctx, "sdk-run", []proc.ActionSpec{
		{Name: "a", Script: strPtr("echo one; echo two")},
		{Name: "b", Script: strPtr("echo three"), DependsOn: []string{"a"}},
	}, "")
	require.NoError(t, err)
	fl := c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID, Stream: proc.LogStreamStdout})
	var lines []string
	for fl.Next() {
		lines = append(lines, fl.Entry().Content)
	}
	require.NoError(t, fl.Err())
	assert.Equal(t, []string{"one", "two", "three"}, lines)
	st2, err := c.Runs().Status(ctx, run.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseSuccess, st2.Phase)
	jobs, err := c.Jobs().List(ctx, proc.JobFilter{RunID: run.ID})
	require.NoError(t, err)
	assert.Len(t, jobs, 2)
	jp, err := c.Jobs().Logs(ctx, run.Jobs[1].ID, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"three"}, contents(jp.Entries))
}

func TestDaemonErrorKinds(t *testing.T) {
	d, c := startDaemon(t)
	ctx := daemonCtx(t)

	_, err := c.Services().Get(ctx, "nope")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	_, err = c.Runs().Get(ctx, "nope")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	_, err = c.Secrets().Get(ctx, "nope", "nope")
	assert.ErrorIs(t, err, proc.ErrNotFound)
	_, err = c.Runs().List(ctx, proc.RunFilter{Phase: "sleeping"})
	assert.ErrorIs(t, err, proc.ErrInvalidParams)
	_, err = c.Runs().Start(ctx, "dup", []proc.ActionSpec{{Name: "a", Script: strPtr("true")}, {Name: "a", Script: strPtr("true")}}, "")
	assert.ErrorIs(t, err, proc.ErrInvalidSpec)

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	run, err := c.Runs().Start(ctx, "long", []proc.ActionSpec{{Name: "sleep", Script: strPtr("sleep 30")}}, "")
	require.NoError(t, err)
	_, err = c.Runs().Wait(short, run.ID)
	assert.ErrorIs(t, err, proc.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	cancelled, err := c.Runs().Cancel(ctx, run.ID)
	require.NoError(t, err)
	cancelled, err = c.Runs().Wait(ctx, cancelled.ID)
	require.NoError(t, err)
	assert.Equal(t, proc.RunPhaseCancelled, cancelled.Phase)

	require.NoError(t, d.Stop(30*time.Second))
	err = c.Ping(ctx)
	assert.ErrorIs(t, err, proc.ErrUnavailable)
	assert.Contains(t, err.Error(), d.Socket)
}

// The Follower survives a real daemon being killed and restarted while the
// followed run keeps writing.
func TestDaemonFollowAcrossRestart(t *testing.T) {
	d, c := startDaemon(t)
	ctx := daemonCtx(t)
	run, err := c.Runs().Start(ctx, "ticker", []proc.ActionSpec{
		{Name: "tick", Script: strPtr("for i in $(seq 1 40); do echo tick $i; sleep 0.05; done")},
	}, "")
	require.NoError(t, err)

	fl := c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID, Stream: proc.LogStreamStdout})
	defer fl.Close()
	got := collectAll(fl)
	time.Sleep(500 * time.Millisecond)
	d.Kill() // SIGKILL: its jobs keep running
	time.Sleep(300 * time.Millisecond)
	d.Restart()

	var entries []proc.LogEntry
	select {
	case entries = <-got:
	case <-ctx.Done():
		t.Fatalf("the Follower did not end:\n%s", d.Output())
	}
	require.NoError(t, fl.Err())
	want := []string{}
	for i := 1; i <= 40; i++ {
		want = append(want, fmt.Sprint("tick ", i))
	}
	assert.Equal(t, want, contents(entries), "no gap, no duplicate across the restart\n%s", d.Output())
}
