package e2e

import (
	"bytes"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
	"github.com/lhumina-code/rules_oschema/procd/procdtest"
)

// statOf returns the state and parent of pid from /proc/PID/stat.
func statOf(pid int) (state string, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0], ppid, true
}

// zombieKids lists the zombies whose parent is one of parents.
func zombieKids(parents map[int]bool) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, pp, ok := statOf(pid); ok && st == "Z" && parents[pp] {
			out = append(out, pid)
		}
	}
	return out
}

// gone: pid no longer exists (not even as a zombie).
func gone(pid int) bool {
	_, _, ok := statOf(pid)
	return !ok
}

// treeScript starts a child, a double-forked grandchild, a setsid'd
// process and a setsid'd TCP listener, prints their pids, then lets a
// double-forked short-lived process exit (it must be reaped) and waits.
func treeScript(addr string) string {
	return `sleep 300 & echo "pid child $!"
(sleep 300 & echo "pid grandchild $!")
setsid sleep 300 & echo "pid setsid $!"
setsid python3 -c 'import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", ` + portOf(addr) + `))
s.listen(5)
print("listening", flush=True)
time.sleep(300)' & echo "pid listener $!"
(sleep 0.05 &)
echo ready
sleep 300`
}

func TestStopLeavesNoProcessOfTheTree(t *testing.T) {
	for _, via := range []string{"job.stop", "service.stop"} {
		via := via
		t.Run(via, func(t *testing.T) {
			d := procdtest.Start(t)
			c := d.Client()
			addr := freePort(t)
			a := sh("tree", treeScript(addr))
			a.StopGraceMs = u64(300)
			var runID string
			if via == "job.stop" {
				r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "tree", Actions: []heroproc.ActionSpec{a}})
				require.NoError(t, err)
				runID = r.ID
			} else {
				putSvc(t, c, heroproc.ServiceSpec{Name: "tree", Actions: []heroproc.ActionSpec{a}})
				r, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "tree"})
				require.NoError(t, err)
				runID = r.ID
			}
			r, err := c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: runID})
			require.NoError(t, err)
			jobID := r.Jobs[0].ID
			out := waitJobLine(t, c, runID, jobID, "listening", 10*time.Second)
			waitJobLine(t, c, runID, jobID, "ready", 5*time.Second)
			pids := map[string]int{}
			for _, l := range out {
				if f := strings.Fields(l); len(f) == 3 && f[0] == "pid" {
					pids[f[1]], _ = strconv.Atoi(f[2])
				}
			}
			require.Len(t, pids, 4, "%q", out)
			j, err := c.JobGet(ctxT(t, 5*time.Second), heroproc.JobGetInput{ID: jobID})
			require.NoError(t, err)
			require.NotNil(t, j.Pid)
			pids["main"] = int(*j.Pid)
			_, shimPid, ok := statOf(pids["main"])
			require.True(t, ok)
			for n, p := range pids {
				st, _, ok := statOf(p)
				require.True(t, ok && st != "Z", "%s %d is not running before the stop", n, p)
			}
			_, err = net.Listen("tcp", addr)
			require.Error(t, err, "the job's listener holds the port")
			// The short-lived orphan was reaped by the job's helper.
			time.Sleep(200 * time.Millisecond)
			assert.Empty(t, zombieKids(map[int]bool{shimPid: true, d.Pid: true}), "zombies while the job runs")

			t0 := time.Now()
			if via == "job.stop" {
				j, err = c.JobStop(ctxT(t, 15*time.Second), heroproc.JobStopInput{ID: jobID})
				require.NoError(t, err)
			} else {
				st, err := c.ServiceStop(ctxT(t, 15*time.Second), heroproc.ServiceStopInput{Name: "tree"})
				require.NoError(t, err)
				assert.Equal(t, heroproc.ServiceStateExited, st.State)
				j = st.Jobs[0]
			}
			assert.True(t, time.Since(t0) < 5*time.Second, "stop took %s", time.Since(t0))
			assert.Equal(t, heroproc.JobPhaseExited, j.Phase)
			for n, p := range pids {
				st, _, ok := statOf(p)
				assert.False(t, ok && st != "Z", "%s %d survived the stop", n, p)
			}
			eventually(t, 2*time.Second, "every process of the tree reaped", func() bool {
				for _, p := range pids {
					if !gone(p) {
						return false
					}
				}
				return true
			})
			l, err := net.Listen("tcp", addr)
			require.NoError(t, err, "the port is still held after the stop")
			l.Close()
			assertNoneMarked(t, d)
			// Reaping is asynchronous (SIGCHLD): a zombie may live for a moment.
			var z []int
			for i := 0; i < 100; i++ {
				if z = zombieKids(map[int]bool{shimPid: true, d.Pid: true}); len(z) == 0 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			assert.Empty(t, z, "zombies after the stop")
		})
	}
}

func TestStopIgnoringTERMIsKilledAfterGrace(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	const grace = 500 * time.Millisecond
	a := sh("stubborn", "trap '' TERM; echo ready; sleep 300; echo never")
	a.StopGraceMs = u64(uint64(grace / time.Millisecond))
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "stub", Actions: []heroproc.ActionSpec{a}})
	require.NoError(t, err)
	jobID := r.Jobs[0].ID
	waitJobLine(t, c, r.ID, jobID, "ready", 10*time.Second)
	t0 := time.Now()
	j, err := c.JobStop(ctxT(t, 15*time.Second), heroproc.JobStopInput{ID: jobID})
	el := time.Since(t0)
	require.NoError(t, err)
	assert.True(t, el >= grace, "stopped after %s, before the grace period %s ended", el, grace)
	assert.True(t, el < grace+2*time.Second, "stop took %s", el)
	assert.Equal(t, heroproc.JobPhaseExited, j.Phase)
	assert.Equal(t, "SIGKILL", derefS(j.Signal))
	assert.NotContains(t, lines(t, c, r.ID, jobID), "never")
	// The stop is noted in the job's log as a system line.
	p, err := c.LogsQuery(ctxT(t, 5*time.Second), heroproc.LogsQueryInput{JobID: &jobID, Stream: streamP(heroproc.LogStreamSystem)})
	require.NoError(t, err)
	require.NotEmpty(t, p.Entries)
	assert.Contains(t, p.Entries[0].Content, "SIGTERM")
	assertNoneMarked(t, d)
	eventually(t, 2*time.Second, "no zombie children of the daemon", func() bool { return len(zombieKids(map[int]bool{d.Pid: true})) == 0 })
	r = waitRun(t, c, r.ID, 5*time.Second)
	assert.Equal(t, heroproc.RunPhaseCancelled, r.Phase)
}

func streamP(s heroproc.LogStream) *heroproc.LogStream { return &s }

// Orderly shutdown: SIGTERM stops services in reverse dependency order,
// leaves no process and removes the socket.
func TestShutdownStopsServicesInReverseDependencyOrder(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	mk := func(name string, deps ...string) {
		// Each takes 200ms to stop, so a stop started before the
		// previous one ended would show in the timestamps.
		a := sh("main", "trap 'sleep 0.2; exit 0' TERM; echo up; while :; do sleep 0.05; done")
		a.StopGraceMs = u64(2000)
		putSvc(t, c, heroproc.ServiceSpec{Name: name, Actions: []heroproc.ActionSpec{a}, DependsOn: deps})
	}
	mk("c", "b") // put before b exists: the order of puts is not the order of stops
	mk("b", "a")
	mk("a")
	_, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "c"})
	require.NoError(t, err, "starting c starts b and a")
	stubborn := sh("main", "trap '' TERM; echo up; exec sleep 300")
	stubborn.StopGraceMs = u64(300)
	putSvc(t, c, heroproc.ServiceSpec{Name: "x", Actions: []heroproc.ActionSpec{stubborn}, Wanted: wantedP(heroproc.WantedStateStart)})
	adhoc, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "adhoc", Actions: []heroproc.ActionSpec{sh("s", "exec sleep 300")}})
	require.NoError(t, err)
	runs := map[string]string{}
	for _, n := range []string{"a", "b", "c", "x"} {
		st := waitSvc(t, c, n, 10*time.Second, "running", func(s heroproc.ServiceStatus) bool {
			return s.State == heroproc.ServiceStateRunning && s.Jobs[0].Pid != nil
		})
		runs[n] = *st.RunID
		waitJobLine(t, c, *st.RunID, st.Jobs[0].ID, "up", 5*time.Second)
	}

	t0 := time.Now()
	require.NoError(t, d.Stop(20*time.Second))
	assert.True(t, time.Since(t0) < 10*time.Second, "shutdown took %s", time.Since(t0))
	assertNoneMarked(t, d)
	_, err = os.Stat(d.Socket)
	assert.True(t, os.IsNotExist(err), "socket file left: %v", err)
	assert.NotContains(t, d.Output(), "panic")

	d.Restart()
	c = d.Client()
	stopAt := map[string]time.Time{}
	for n, id := range runs {
		r, err := c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: id})
		require.NoError(t, err)
		require.True(t, r.Phase == heroproc.RunPhaseCancelled, "%s: run %s", n, r.Phase)
		assert.Contains(t, derefS(r.Error), "daemon shut down")
		jid := r.Jobs[0].ID
		p, err := c.LogsQuery(ctxT(t, 5*time.Second), heroproc.LogsQueryInput{JobID: &jid, Stream: streamP(heroproc.LogStreamSystem)})
		require.NoError(t, err)
		require.NotEmpty(t, p.Entries, "%s: no stop line", n)
		stopAt[n] = p.Entries[0].Time
		if n == "x" {
			assert.Equal(t, "SIGKILL", derefS(r.Jobs[0].Signal))
		}
	}
	assert.True(t, stopAt["c"].Before(stopAt["b"]) && stopAt["b"].Before(stopAt["a"]), "stop order: c %s, b %s, a %s", stopAt["c"], stopAt["b"], stopAt["a"])
	assert.True(t, stopAt["b"].Sub(stopAt["c"]) >= 200*time.Millisecond, "b's stop began before c had stopped")
	assert.True(t, stopAt["a"].Sub(stopAt["b"]) >= 200*time.Millisecond, "a's stop began before b had stopped")
	ar, err := c.RunGet(ctxT(t, 5*time.Second), heroproc.RunGetInput{ID: adhoc.ID})
	require.NoError(t, err)
	assert.Equal(t, heroproc.RunPhaseCancelled, ar.Phase)
	assert.Equal(t, heroproc.JobPhaseExited, ar.Jobs[0].Phase)
}
