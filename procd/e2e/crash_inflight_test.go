package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"
)

func jobOf(t *testing.T, c *heroproc.Client, id string) heroproc.Job {
	t.Helper()
	j, err := c.JobGet(ctxT(t, 5*time.Second), heroproc.JobGetInput{ID: id})
	require.NoError(t, err)
	return j
}

// A kill -9 during a restart backoff: the next daemon restarts the job at
// its next_attempt_at.
func TestKill9DuringBackoff(t *testing.T) {
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	always := heroproc.RestartPolicyAlways
	a := sh("crash", "echo up; exit 1")
	a.Restart = &always
	a.Backoff = &heroproc.BackoffPolicy{InitialMs: u64(1500), MaxMs: u64(1500)}
	_, err := c.ServicePut(ctxT(t, 5*time.Second), heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: "crasher", Actions: []heroproc.ActionSpec{a}}})
	require.NoError(t, err)
	r, err := c.ServiceStart(ctxT(t, 5*time.Second), heroproc.ServiceStartInput{Name: "crasher"})
	require.NoError(t, err)
	id := r.Jobs[0].ID
	eventually(t, 5*time.Second, "the job backs off", func() bool { return jobOf(t, c, id).Phase == heroproc.JobPhaseBackoff })
	j := jobOf(t, c, id)
	require.NotNil(t, j.NextAttemptAt)
	d.Kill()
	d.Restart()
	eventually(t, 5*time.Second, "the job is started again after its backoff", func() bool { return jobOf(t, c, id).Attempt > j.Attempt })
	again := jobOf(t, c, id)
	assert.False(t, again.StartedAt.Before(j.NextAttemptAt.Add(-200*time.Millisecond)), "restarted at %s, before next_attempt_at %s", again.StartedAt, j.NextAttemptAt)
}

// A kill -9 during a stop's grace period: the helper finishes the stop on
// its own (SIGKILL after the grace), and the next daemon records it.
func TestKill9DuringStopGrace(t *testing.T) {
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	a := sh("stubborn", "trap '' TERM; echo ready; while :; do sleep 0.1; done")
	a.StopGraceMs = u64(1500)
	_, err := c.ServicePut(ctxT(t, 5*time.Second), heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: "stubborn", Actions: []heroproc.ActionSpec{a}}})
	require.NoError(t, err)
	r, err := c.ServiceStart(ctxT(t, 5*time.Second), heroproc.ServiceStartInput{Name: "stubborn"})
	require.NoError(t, err)
	id := r.Jobs[0].ID
	eventually(t, 5*time.Second, "the job runs", func() bool { j := jobOf(t, c, id); return j.Pid != nil })
	pid := int(*jobOf(t, c, id).Pid)
	stopped := make(chan error, 1)
	go func() {
		_, err := heroproc.Dial(d.Socket).ServiceStop(ctxT(t, 10*time.Second), heroproc.ServiceStopInput{Name: "stubborn"})
		stopped <- err
	}()
	eventually(t, 5*time.Second, "the job is stopping", func() bool { return jobOf(t, c, id).Phase == heroproc.JobPhaseStopping })
	start := time.Now()
	d.Kill()
	<-stopped // the call fails with the daemon: that is expected
	d.Restart()
	eventually(t, 5*time.Second, "the stop completes", func() bool { return jobOf(t, c, id).Phase == heroproc.JobPhaseExited })
	assert.False(t, procinfo.Alive(pid, 0), "the stubborn process survived the stop")
	took := time.Since(start)
	assert.Less(t, took, 1500*time.Millisecond+3*time.Second)
	st, err := c.ServiceStatus(ctxT(t, 5*time.Second), heroproc.ServiceStatusInput{Name: "stubborn"})
	require.NoError(t, err)
	assert.Equal(t, heroproc.WantedStateStop, st.Wanted)
	assert.Equal(t, heroproc.ServiceStateExited, st.State)
}

// A kill -9 while a run's dependent action has not started yet: it starts
// after the reattach, in order.
func TestKill9BeforeDependentsStart(t *testing.T) {
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	r, err := c.RunStart(ctxT(t, 5*time.Second), heroproc.RunStartInput{Name: "ci", Actions: []heroproc.ActionSpec{
		sh("build", "echo building; sleep 1.5; echo built"),
		sh("test", "echo testing", "build"),
		sh("deploy", "echo deploying", "test"),
	}})
	require.NoError(t, err)
	eventually(t, 5*time.Second, "build runs", func() bool { return jobOf(t, c, r.Jobs[0].ID).Pid != nil })
	d.Kill()
	time.Sleep(200 * time.Millisecond)
	d.Restart()
	done := waitRun(t, c, r.ID, 20*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, done.Phase, "%+v", done)
	build, test, deploy := done.Jobs[0], done.Jobs[1], done.Jobs[2]
	assert.EqualValues(t, 1, build.Attempt, "build was reattached, not restarted")
	assert.False(t, test.StartedAt.Before(*build.FinishedAt))
	assert.False(t, deploy.StartedAt.Before(*test.FinishedAt))
	assert.Equal(t, []string{"building", "built"}, lines(t, c, "", build.ID))
	assert.Equal(t, []string{"testing"}, lines(t, c, "", test.ID))
}
