package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

func TestRunDependsOnOrderAndLogs(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "ci", Actions: []heroproc.ActionSpec{
		sh("test", "echo testing; echo to-stderr >&2", "build"),
		sh("build", "echo building; sleep 0.2; echo built"),
	}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 20*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase, "%+v\n%s", r, d.Output())
	require.Len(t, r.Jobs, 2)
	test, build := r.Jobs[0], r.Jobs[1]
	assert.Equal(t, "ci.test", test.Action)
	assert.True(t, !test.StartedAt.Before(*build.FinishedAt), "test started before build finished")
	// Lines keep their order within a stream; stdout and stderr are two
	// pipes, so their interleaving is the kernel's.
	assert.Equal(t, []string{"building", "built"}, lines(t, c, r.ID, build.ID))
	assert.ElementsMatch(t, []string{"testing", "to-stderr"}, lines(t, c, r.ID, test.ID))
	assert.Equal(t, int32(0), *build.ExitCode)
}

func TestFailedDependencySkipsDependents(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "ci", Actions: []heroproc.ActionSpec{
		sh("build", "exit 3"),
		sh("test", "echo never", "build"),
		sh("deploy", "echo never", "test"),
	}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 20*time.Second)
	require.Equal(t, heroproc.RunPhaseFailed, r.Phase)
	assert.Equal(t, heroproc.JobPhaseFailed, r.Jobs[0].Phase)
	assert.Equal(t, int32(3), *r.Jobs[0].ExitCode)
	assert.Equal(t, "exited with status 3", *r.Jobs[0].Error)
	assert.Equal(t, heroproc.JobPhaseSkipped, r.Jobs[1].Phase)
	assert.Equal(t, `dependency "build" failed`, *r.Jobs[1].Error)
	assert.Equal(t, heroproc.JobPhaseSkipped, r.Jobs[2].Phase)
	assert.Equal(t, `dependency "test" skipped`, *r.Jobs[2].Error)
}

func TestInvalidGraphIsRefusedWhole(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	_, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "ci", Actions: []heroproc.ActionSpec{
		sh("a", "true", "b"), sh("b", "true", "a"), sh("c", "true", "nope"), sh("c", "true"),
	}})
	require.ErrorIs(t, err, heroproc.ErrInvalidSpec)
	var rpcErr *heroproc.RPCError
	require.ErrorAs(t, err, &rpcErr)
	assert.Contains(t, rpcErr.Message, "dependency cycle: a -> b -> a")
	assert.Contains(t, rpcErr.Message, `action "c" depends on unknown action "nope"`)
	assert.Contains(t, rpcErr.Message, `duplicate action name "c"`)
	runs, err := c.RunList(ctxT(t, 5*time.Second), heroproc.RunListInput{})
	require.NoError(t, err)
	assert.Empty(t, runs, "nothing may start when the spec is invalid")
}
