package proc_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// collect reads fl to its end in the background.
func collectAll(fl *proc.Follower) <-chan []proc.LogEntry {
	out := make(chan []proc.LogEntry, 1)
	go func() {
		var got []proc.LogEntry
		for fl.Next() {
			got = append(got, fl.Entry())
		}
		out <- got
	}()
	return out
}

func idleRun(t *testing.T, e *env) proc.Run {
	t.Helper()
	e.fake.runDelay = -1
	run, err := e.c.Runs().Start(testCtx(t), "r", []proc.ActionSpec{script("a", "x")}, "")
	require.NoError(t, err)
	return run
}

func TestFollowRunUntilDone(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: run.ID})
	defer fl.Close()
	got := collectAll(fl)
	for i := 1; i <= 5; i++ {
		e.fake.log(run.ID, fmt.Sprint("line ", i))
		time.Sleep(5 * time.Millisecond)
	}
	e.fake.finish(run.ID)

	select {
	case entries := <-got:
		assert.Equal(t, []string{"line 1", "line 2", "line 3", "line 4", "line 5"}, contents(entries))
	case <-time.After(10 * time.Second):
		t.Fatal("the Follower did not end when the run finished")
	}
	assert.NoError(t, fl.Err(), "a finished run is a clean end")
	assert.Equal(t, int64(5), fl.Cursor())
	assert.False(t, fl.Next(), "Next stays false")
}

func TestFollowResumesAcrossDaemonRestart(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: run.ID})
	defer fl.Close()
	got := collectAll(fl)

	write := func(from, to int) {
		for i := from; i <= to; i++ {
			e.fake.log(run.ID, fmt.Sprint(i))
		}
	}
	write(1, 5)
	time.Sleep(100 * time.Millisecond) // the Follower reads them and long-polls
	before := e.fake.count(heroproc.MethodLogsFollow)

	e.srv.Close() // the daemon dies mid-poll
	write(6, 10)  // lines written while it is down (its store keeps them)
	time.Sleep(400 * time.Millisecond)
	e.start(nil) // a new daemon on the same socket, same store
	write(11, 15)
	time.Sleep(50 * time.Millisecond)
	e.srv.Close() // and once more, between two polls or during one
	e.start(nil)
	write(16, 20)
	e.fake.finish(run.ID)

	var entries []proc.LogEntry
	select {
	case entries = <-got:
	case <-time.After(15 * time.Second):
		t.Fatal("the Follower did not end")
	}
	require.NoError(t, fl.Err())
	want := []string{}
	for i := 1; i <= 20; i++ {
		want = append(want, fmt.Sprint(i))
	}
	assert.Equal(t, want, contents(entries), "no gap, no duplicate")
	for i, en := range entries {
		assert.Equal(t, int64(i+1), en.Logid)
	}
	assert.Equal(t, int64(20), fl.Cursor())
	assert.Greater(t, e.fake.count(heroproc.MethodLogsFollow), before, "it polled the new daemon")
}

func TestFollowWaitsForTheDaemon(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	e.fake.log(run.ID, "a")
	e.fake.finish(run.ID)
	e.srv.Close()

	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: run.ID})
	defer fl.Close()
	got := collectAll(fl)
	time.Sleep(250 * time.Millisecond) // a few refused attempts
	e.start(nil)
	select {
	case entries := <-got:
		assert.Equal(t, []string{"a"}, contents(entries))
	case <-time.After(10 * time.Second):
		t.Fatal("the Follower did not reconnect")
	}
	assert.NoError(t, fl.Err())
}

func TestFollowFromCursor(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	for _, s := range []string{"a", "b", "c"} {
		e.fake.log(run.ID, s)
	}
	e.fake.finish(run.ID)
	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: run.ID, After: 1, Limit: 1})
	defer fl.Close()
	assert.Equal(t, int64(1), fl.Cursor(), "before the first line, the cursor is After")
	var got []string
	for fl.Next() {
		got = append(got, fl.Entry().Content)
	}
	require.NoError(t, fl.Err())
	assert.Equal(t, []string{"b", "c"}, got, "Limit pages; the Follower goes on")
	assert.Equal(t, 2, e.fake.count(heroproc.MethodLogsFollow), "two pages of one line, the last one done")
}

func TestFollowSinceUntil(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	for _, s := range []string{"a", "b", "c", "d"} {
		e.fake.log(run.ID, s) // at fakeEpoch + 1s, 2s, 3s, 4s
	}
	e.fake.finish(run.ID)
	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: run.ID, Since: fakeEpoch.Add(2 * time.Second), Until: fakeEpoch.Add(3 * time.Second)})
	defer fl.Close()
	var got []string
	for fl.Next() {
		got = append(got, fl.Entry().Content)
	}
	require.NoError(t, fl.Err())
	assert.Equal(t, []string{"b", "c"}, got)
}

func TestFollowEndsWithContext(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	fl := e.c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID})
	start := time.Now()
	assert.False(t, fl.Next())
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.ErrorIs(t, fl.Err(), proc.ErrTimeout)
	assert.ErrorIs(t, fl.Err(), context.DeadlineExceeded)

	ctx, cancel = context.WithCancel(context.Background())
	fl = e.c.Logs().Follow(ctx, proc.LogFilter{Service: "svc"})
	time.AfterFunc(50*time.Millisecond, cancel)
	assert.False(t, fl.Next())
	assert.ErrorIs(t, fl.Err(), context.Canceled)
	assert.NotErrorIs(t, fl.Err(), proc.ErrTimeout)

	// While the daemon is down, the context still ends the retries.
	e.srv.Close()
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	fl = e.c.Logs().Follow(ctx, proc.LogFilter{RunID: run.ID})
	assert.False(t, fl.Next())
	assert.ErrorIs(t, fl.Err(), proc.ErrTimeout)
}

func TestFollowClose(t *testing.T) {
	e := newEnv(t, nil)
	run := idleRun(t, e)
	fl := e.c.Logs().Follow(context.Background(), proc.LogFilter{RunID: run.ID})
	time.AfterFunc(100*time.Millisecond, func() { fl.Close() })
	start := time.Now()
	assert.False(t, fl.Next(), "Close ends a Next blocked in a long-poll")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.NoError(t, fl.Err())
	assert.NoError(t, fl.Close())
}

func TestFollowStopsOnOtherErrors(t *testing.T) {
	e := newEnv(t, nil)
	fl := e.c.Logs().Follow(testCtx(t), proc.LogFilter{RunID: "run-nope"})
	defer fl.Close()
	assert.False(t, fl.Next())
	assert.ErrorIs(t, fl.Err(), proc.ErrNotFound)
	assert.Equal(t, 1, e.fake.count(heroproc.MethodLogsFollow), "a not-found is not retried")

	fl = e.c.Logs().Follow(testCtx(t), proc.LogFilter{Level: "loud"})
	assert.False(t, fl.Next())
	assert.ErrorIs(t, fl.Err(), proc.ErrInvalidParams)
}
