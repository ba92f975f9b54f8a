package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

// exec2 runs the daemon binary with args, expecting it to exit on its own
// (a start refused); after 10s it is killed by pid and the test fails.
func exec2(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("%s %v did not exit: %s", bin, args, out.String())
		return "", nil
	}
}

func TestManyConcurrentJobsKeepEveryLine(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	const jobs, n = 200, 50
	var actions []heroproc.ActionSpec
	for k := 0; k < jobs; k++ {
		actions = append(actions, sh(fmt.Sprintf("j%03d", k), fmt.Sprintf(`i=1; while [ $i -le %d ]; do echo "j%03d line $i"; i=$((i+1)); done`, n, k)))
	}
	t0 := time.Now()
	// How long another call waits while the run starts (reported, not
	// asserted: run.start holds the supervisor while it spawns helpers).
	healthLatency := make(chan time.Duration, 1)
	go func() {
		time.Sleep(500 * time.Millisecond)
		h0 := time.Now()
		_, _ = c.SystemHealth(context.Background())
		healthLatency <- time.Since(h0)
	}()
	r, err := c.RunStart(ctxT(t, 60*time.Second), heroproc.RunStartInput{Name: "many", Actions: actions})
	require.NoError(t, err)
	t.Logf("run.start took %s; system.health during it took %s", time.Since(t0), <-healthLatency)
	r = waitRun(t, c, r.ID, 90*time.Second)
	t.Logf("run done after %s", time.Since(t0))
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase, "%s", derefS(r.Error))
	require.Len(t, r.Jobs, jobs)
	names := map[string]string{}
	for _, j := range r.Jobs {
		names[j.ID] = strings.TrimPrefix(j.Action, "many.")
	}
	lim := uint32(10000)
	var after int64
	var all []heroproc.LogEntry
	for i := 0; i < 10; i++ {
		p, err := c.LogsQuery(ctxT(t, 20*time.Second), heroproc.LogsQueryInput{RunID: &r.ID, After: &after, Limit: &lim})
		require.NoError(t, err)
		if len(p.Entries) == 0 {
			break
		}
		all = append(all, p.Entries...)
		after = p.Next
	}
	require.Len(t, all, jobs*n)
	next := map[string]int64{}
	for _, e := range all {
		name := names[e.JobID]
		require.NotEmpty(t, name, "line of an unknown job %q", e.JobID)
		next[e.JobID]++
		require.Equal(t, next[e.JobID], e.Seq, "job %s: seq out of order or with a gap", name)
		require.Equal(t, fmt.Sprintf("%s line %d", name, e.Seq), e.Content)
	}
	assert.Len(t, next, jobs)
	assertNoneMarked(t, d)
}

func TestUnusableDataDirectoryIsReported(t *testing.T) {
	bin := procdtest.Binary(t)
	// A regular file where the data directory should be.
	file := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	out, err := exec2(t, bin, "--socket", filepath.Join(t.TempDir(), "s.sock"), "--data", file)
	assert.Error(t, err)
	assert.Contains(t, out, "--data "+file)
	assert.Contains(t, out, "cannot create the data directory")

	// A read-only directory. Tests run as root, which ignores mode bits:
	// use a read-only mount when this machine lets us mount.
	ro := t.TempDir()
	if os.Geteuid() == 0 {
		if outm, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro).CombinedOutput(); err != nil {
			t.Logf("cannot mount a read-only tmpfs (%v: %s); chmod 0500 only", err, outm)
			require.NoError(t, os.Chmod(ro, 0o500))
		} else {
			t.Cleanup(func() { _ = exec.Command("umount", ro).Run() })
		}
	} else {
		require.NoError(t, os.Chmod(ro, 0o500))
	}
	sock := filepath.Join(t.TempDir(), "s.sock")
	out, err = exec2(t, bin, "--socket", sock, "--data", ro)
	assert.Error(t, err)
	assert.Contains(t, out, "not writable", "%s", out)
	_, serr := os.Stat(sock)
	assert.True(t, os.IsNotExist(serr), "a daemon that cannot start left its socket")
}

func TestFullDiskFailsMutationsWithStoreFailed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	// Registered before the daemon's cleanup, so it runs after it.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	d := procdtest.Start(t)
	require.NoError(t, d.Stop(10*time.Second))
	d.DataDir = filepath.Join(dir, "data")
	d.Restart()
	c := d.Client()
	_, err := c.SecretSet(ctxT(t, 5*time.Second), heroproc.SecretSetInput{Context: "default", Key: "before", Value: "v"})
	require.NoError(t, err)

	// Fill the file system.
	fill := filepath.Join(dir, "fill")
	f, err := os.Create(fill)
	require.NoError(t, err)
	chunk := make([]byte, 64<<10)
	for i := 0; i < 100; i++ {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &st))
	require.Zero(t, st.Bavail, "the tmpfs is not full")

	big := strings.Repeat("v", 256<<10)
	_, err = c.SecretSet(ctxT(t, 10*time.Second), heroproc.SecretSetInput{Context: "default", Key: "after", Value: big})
	require.ErrorIs(t, err, heroproc.ErrStoreFailed)
	_, err = c.ServicePut(ctxT(t, 10*time.Second), heroproc.ServicePutInput{Spec: heroproc.ServiceSpec{Name: "s", Description: &big, Actions: []heroproc.ActionSpec{sh("a", "true")}}})
	require.ErrorIs(t, err, heroproc.ErrStoreFailed)
	var rpcErr *heroproc.RPCError
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, 1004, rpcErr.Code)
	// Nothing was changed, and the daemon still answers.
	_, err = c.ServiceGet(ctxT(t, 5*time.Second), heroproc.ServiceGetInput{Name: "s"})
	assert.ErrorIs(t, err, heroproc.ErrNotFound)
	_, err = c.SecretGet(ctxT(t, 5*time.Second), heroproc.SecretGetInput{Context: "default", Key: "before"})
	require.NoError(t, err)
	require.True(t, d.Running())

	// Space again: mutations work again.
	require.NoError(t, os.Remove(fill))
	_, err = c.SecretSet(ctxT(t, 10*time.Second), heroproc.SecretSetInput{Context: "default", Key: "after", Value: "small"})
	require.NoError(t, err)
	h, err := c.SystemHealth(ctxT(t, 5*time.Second))
	require.NoError(t, err)
	assert.True(t, h.StoreOk)
	require.NoError(t, d.Stop(10*time.Second))
}
