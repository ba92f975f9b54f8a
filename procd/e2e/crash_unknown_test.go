package e2e

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
	"github.com/lhumina-code/rules_oschema/procd/procinfo"

	_ "modernc.org/sqlite"
)

// A job whose record is lost while the daemon is down (here: deleted from
// state.db) is found by its marker and killed at the next start, never left
// running unmanaged; the other jobs are reattached.
func TestUnknownJobIsKilledAtStart(t *testing.T) {
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	r, err := c.RunStart(ctxT(t, 5*time.Second), heroproc.RunStartInput{Name: "two", Actions: []heroproc.ActionSpec{
		sh("lost", "exec sleep 300"), sh("kept", "exec sleep 300"),
	}})
	require.NoError(t, err)
	lost, kept := r.Jobs[0].ID, r.Jobs[1].ID
	eventually(t, 5*time.Second, "both run", func() bool { return jobOf(t, c, lost).Pid != nil && jobOf(t, c, kept).Pid != nil })
	lostPid, keptPid := int(*jobOf(t, c, lost).Pid), int(*jobOf(t, c, kept).Pid)
	d.Kill()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(d.DataDir, "state.db"))
	require.NoError(t, err)
	_, err = db.Exec(`DELETE FROM jobs WHERE id = ?`, lost)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.True(t, procinfo.Alive(lostPid, 0))
	d.Restart()
	eventually(t, 3*time.Second, "the unknown job's process is killed", func() bool { reapAdopted(d.Pid); return !procinfo.Alive(lostPid, 0) })
	assert.True(t, procinfo.Alive(keptPid, 0), "the known job was killed too")
	assert.Equal(t, heroproc.JobPhaseRunning, jobOf(t, c, kept).Phase)
	assert.Contains(t, d.Output(), "unknown process(es) killed")
}

// system.shutdown with detach leaves the jobs running; the next daemon
// reattaches them. A plain SIGTERM stops everything.
func TestDetachShutdownThenReattach(t *testing.T) {
	becomeInit(t)
	d := procdtest.Start(t)
	c := d.Client()
	_, err := c.ServicePut(ctxT(t, 5*time.Second), heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: "web", Actions: []heroproc.ActionSpec{sh("serve", "exec sleep 300")}}})
	require.NoError(t, err)
	run, err := c.ServiceStart(ctxT(t, 5*time.Second), heroproc.ServiceStartInput{Name: "web"})
	require.NoError(t, err)
	id := run.Jobs[0].ID
	eventually(t, 5*time.Second, "it runs", func() bool { return jobOf(t, c, id).Pid != nil })
	pid := int(*jobOf(t, c, id).Pid)
	detach := true
	require.NoError(t, c.SystemShutdown(ctxT(t, 5*time.Second), heroproc.SystemShutdownInput{Detach: &detach}))
	eventually(t, 10*time.Second, "the daemon exits", func() bool { return !d.Running() })
	assert.True(t, procinfo.Alive(pid, 0), "detach must leave the job running")
	d.Restart()
	j := jobOf(t, c, id)
	assert.Equal(t, heroproc.JobPhaseRunning, j.Phase)
	assert.EqualValues(t, pid, *j.Pid)
	assert.EqualValues(t, 1, j.Attempt)
	// The orderly shutdown stops it, keeping its wanted state.
	require.NoError(t, d.Stop(20*time.Second))
	assert.False(t, procinfo.Alive(pid, 0), "SIGTERM must stop the job")
	assert.Empty(t, d.Marked())
	d.Restart()
	st, err := c.ServiceStatus(ctxT(t, 5*time.Second), heroproc.ServiceStatusInput{Name: "web"})
	require.NoError(t, err)
	assert.Equal(t, heroproc.WantedStateStart, st.Wanted)
	assert.NotEqual(t, run.ID, *st.RunID, "a new run after the orderly restart")
	eventually(t, 5*time.Second, "it runs again", func() bool {
		st, err := c.ServiceStatus(ctxT(t, 5*time.Second), heroproc.ServiceStatusInput{Name: "web"})
		return err == nil && st.State == heroproc.ServiceStateRunning
	})
}
