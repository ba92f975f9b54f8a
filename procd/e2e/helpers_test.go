package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func sp(s string) *string { return &s }

func u64(v uint64) *uint64 { return &v }

func sh(name, script string, deps ...string) heroproc.ActionSpec {
	return heroproc.ActionSpec{Name: name, Script: &script, DependsOn: deps}
}

// waitRun waits until the run has finished.
func waitRun(t *testing.T, c *heroproc.Client, id string, d time.Duration) heroproc.Run {
	t.Helper()
	ms := uint64(d / time.Millisecond)
	r, err := c.RunWait(ctxT(t, d+5*time.Second), heroproc.RunWaitInput{ID: id, TimeoutMs: &ms})
	require.NoError(t, err)
	return r
}

// lines returns the content of every stdout/stderr line of a run or job.
func lines(t *testing.T, c *heroproc.Client, runID, jobID string) []string {
	t.Helper()
	var out []string
	var after int64
	for i := 0; i < 1000; i++ {
		in := heroproc.LogsQueryInput{After: &after}
		if runID != "" {
			in.RunID = &runID
		}
		if jobID != "" {
			in.JobID = &jobID
		}
		p, err := c.LogsQuery(ctxT(t, 10*time.Second), in)
		require.NoError(t, err)
		for _, e := range p.Entries {
			if e.Stream != heroproc.LogStreamSystem {
				out = append(out, e.Content)
			}
		}
		if len(p.Entries) == 0 {
			return out
		}
		after = p.Next
	}
	t.Fatal("too many log pages")
	return nil
}

// eventually polls cond every 20ms until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
