package e2e

import (
	"bufio"
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

// entries returns every log entry matching in (paged), oldest first.
func entries(t *testing.T, c *heroproc.Client, in heroproc.LogsQueryInput) []heroproc.LogEntry {
	t.Helper()
	var out []heroproc.LogEntry
	var after int64
	for i := 0; i < 1000; i++ {
		in.After = &after
		p, err := c.LogsQuery(ctxT(t, 10*time.Second), in)
		require.NoError(t, err)
		if len(p.Entries) == 0 {
			return out
		}
		out = append(out, p.Entries...)
		after = p.Next
	}
	t.Fatal("too many log pages")
	return nil
}

func contents(es []heroproc.LogEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Content)
	}
	return out
}

func levelP(l heroproc.LogLevel) *heroproc.LogLevel { return &l }

func TestLogEntriesCarryJobStreamSeqTimeLevel(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	t0 := time.Now().Add(-time.Second)
	// stderr lines after stdout ones with a pause: the two pipes' order is
	// the kernel's, so keep them apart in time.
	script := `echo one; echo "ERROR x went wrong"; echo "[warn] careful"; echo "level=debug noise"; sleep 0.2; echo plain stderr line >&2; echo "INFO via stderr" >&2; sleep 0.2; echo last`
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "lv", Actions: []heroproc.ActionSpec{sh("a", script), sh("b", "echo other job")}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 15*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase)
	ja, jb := r.Jobs[0], r.Jobs[1]
	es := entries(t, c, heroproc.LogsQueryInput{JobID: &ja.ID})
	require.Equal(t, []string{"one", "ERROR x went wrong", "[warn] careful", "level=debug noise", "plain stderr line", "INFO via stderr", "last"}, contents(es))
	wantStream := []heroproc.LogStream{"stdout", "stdout", "stdout", "stdout", "stderr", "stderr", "stdout"}
	wantLevel := []heroproc.LogLevel{"info", "error", "warn", "debug", "warn", "info", "info"}
	var prev int64
	for i, e := range es {
		assert.Equal(t, int64(i+1), e.Seq, "seq of %q", e.Content)
		assert.Equal(t, ja.ID, e.JobID)
		assert.Equal(t, r.ID, e.RunID)
		assert.Equal(t, "lv.a", e.Src)
		assert.Nil(t, e.Service)
		assert.Equal(t, wantStream[i], e.Stream, "%q", e.Content)
		assert.Equal(t, wantLevel[i], e.Level, "%q", e.Content)
		assert.False(t, e.Continued)
		assert.True(t, e.Time.After(t0) && !e.Time.After(*ja.FinishedAt), "time %s of %q", e.Time, e.Content)
		assert.True(t, e.Logid > prev, "logids increase")
		prev = e.Logid
	}

	// Filters.
	assert.Equal(t, []string{"plain stderr line", "INFO via stderr"}, contents(entries(t, c, heroproc.LogsQueryInput{RunID: &r.ID, Stream: streamP(heroproc.LogStreamStderr)})))
	assert.Equal(t, []string{"ERROR x went wrong"}, contents(entries(t, c, heroproc.LogsQueryInput{RunID: &r.ID, Level: levelP(heroproc.LogLevelError)})))
	assert.Equal(t, []string{"ERROR x went wrong", "[warn] careful", "plain stderr line"}, contents(entries(t, c, heroproc.LogsQueryInput{JobID: &ja.ID, Level: levelP(heroproc.LogLevelWarn)})), "warn and worse")
	assert.Equal(t, []string{"other job"}, contents(entries(t, c, heroproc.LogsQueryInput{JobID: &jb.ID})))
	assert.Len(t, entries(t, c, heroproc.LogsQueryInput{RunID: &r.ID}), 8)

	// A second run and a service: run and service filters tell them apart.
	r2, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "lv", Actions: []heroproc.ActionSpec{sh("a", "echo second run")}})
	require.NoError(t, err)
	waitRun(t, c, r2.ID, 10*time.Second)
	putSvc(t, c, heroproc.ServiceSpec{Name: "svc", Actions: []heroproc.ActionSpec{sh("a", "echo from service")}})
	sr, err := c.ServiceStart(ctxT(t, 10*time.Second), heroproc.ServiceStartInput{Name: "svc"})
	require.NoError(t, err)
	waitRun(t, c, sr.ID, 10*time.Second)
	assert.Equal(t, []string{"second run"}, contents(entries(t, c, heroproc.LogsQueryInput{RunID: &r2.ID})))
	svc := "svc"
	se := entries(t, c, heroproc.LogsQueryInput{Service: &svc})
	require.Equal(t, []string{"from service"}, contents(se))
	assert.Equal(t, "svc", derefS(se[0].Service))
	assert.Equal(t, "svc.a", se[0].Src)
	all := entries(t, c, heroproc.LogsQueryInput{})
	assert.Len(t, all, 10)
	// since/until bound by time.
	mid := es[4].Time
	assert.Equal(t, []string{"one", "ERROR x went wrong", "[warn] careful", "level=debug noise"}, contents(entries(t, c, heroproc.LogsQueryInput{JobID: &ja.ID, Until: &mid})))
	// limit pages.
	lim := uint32(3)
	p, err := c.LogsQuery(ctxT(t, 5*time.Second), heroproc.LogsQueryInput{JobID: &ja.ID, Limit: &lim})
	require.NoError(t, err)
	assert.Len(t, p.Entries, 3)
	assert.Equal(t, p.Entries[2].Logid, p.Next)
}

// vmRSS returns a process's resident set size in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	require.NoError(t, err)
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func TestHugeLineIsStoredAsContinuedChunks(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	const size = 1 << 20
	// 1 MiB without a newline, then exit: digits so that any lost or
	// reordered chunk shows.
	a := sh("huge", `import sys
sys.stdout.write("".join(str(i % 10) if i % 1000 else "|" for i in range(`+strconv.Itoa(size)+`)))
sys.stdout.flush()`)
	a.Interpreter = sp("python3")
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "big", Actions: []heroproc.ActionSpec{a, sh("after", "echo next line")}})
	require.NoError(t, err)
	r = waitRun(t, c, r.ID, 30*time.Second)
	require.Equal(t, heroproc.RunPhaseSuccess, r.Phase)
	var want strings.Builder
	for i := 0; i < size; i++ {
		if i%1000 == 0 {
			want.WriteByte('|')
		} else {
			want.WriteByte(byte('0' + i%10))
		}
	}
	jid := r.Jobs[0].ID
	es := entries(t, c, heroproc.LogsQueryInput{JobID: &jid})
	require.True(t, len(es) > 1, "a 1 MiB line must be split")
	var got strings.Builder
	for i, e := range es {
		assert.Equal(t, i < len(es)-1, e.Continued, "entry %d of %d", i+1, len(es))
		assert.Equal(t, int64(i+1), e.Seq)
		assert.True(t, len(e.Content) <= 64<<10, "chunk %d has %d bytes", i, len(e.Content))
		got.WriteString(e.Content)
	}
	assert.Equal(t, size, got.Len())
	assert.True(t, want.String() == got.String(), "the joined chunks differ from the line written")
	rss := vmRSS(t, d.Pid)
	t.Logf("daemon VmRSS after a 1 MiB line: %d MiB", rss>>20)
	assert.True(t, rss < 200<<20, "daemon RSS %d MiB", rss>>20)
}

func TestLogsFollowLongPollsAndEndsWithDone(t *testing.T) {
	d := procdtest.Start(t)
	c := d.Client()
	r, err := c.RunStart(ctxT(t, 10*time.Second), heroproc.RunStartInput{Name: "fol", Actions: []heroproc.ActionSpec{sh("a", "echo first; sleep 1; echo second; sleep 0.3; echo third")}})
	require.NoError(t, err)
	jid := r.Jobs[0].ID
	wait := uint64(5000)
	var cursor int64
	var got []string
	// The first line arrives (long poll from the start).
	p, err := c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{JobID: &jid, After: &cursor, WaitMs: &wait})
	require.NoError(t, err)
	require.Equal(t, []string{"first"}, contents(p.Entries))
	assert.False(t, p.Done)
	cursor = p.Next
	// Nothing new within a short wait: empty page, cursor unchanged, after the wait.
	short := uint64(200)
	t0 := time.Now()
	p, err = c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{JobID: &jid, After: &cursor, WaitMs: &short})
	require.NoError(t, err)
	assert.Empty(t, p.Entries)
	assert.Equal(t, cursor, p.Next)
	assert.True(t, time.Since(t0) >= 180*time.Millisecond, "returned after %s without waiting", time.Since(t0))
	// The next line wakes the poll as soon as it is stored.
	t0 = time.Now()
	p, err = c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{JobID: &jid, After: &cursor, WaitMs: &wait})
	el := time.Since(t0)
	require.NoError(t, err)
	require.Equal(t, []string{"second"}, contents(p.Entries))
	assert.True(t, el > 200*time.Millisecond && el < 3*time.Second, "long poll returned after %s", el)
	cursor = p.Next
	got = append(got, "first", "second")
	done := false
	for i := 0; i < 20 && !done; i++ {
		p, err = c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{JobID: &jid, After: &cursor, WaitMs: &wait})
		require.NoError(t, err)
		got = append(got, contents(p.Entries)...)
		cursor, done = p.Next, p.Done
	}
	require.True(t, done, "follow never reported done")
	assert.Equal(t, []string{"first", "second", "third"}, got)
	// Done at once after the end, with no line.
	t0 = time.Now()
	p, err = c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{JobID: &jid, After: &cursor, WaitMs: &wait})
	require.NoError(t, err)
	assert.True(t, p.Done)
	assert.Empty(t, p.Entries)
	assert.True(t, time.Since(t0) < time.Second, "a finished job's follow waited %s", time.Since(t0))
	// Following the run: the same lines, done.
	var rc int64
	p, err = c.LogsFollow(ctxT(t, 10*time.Second), heroproc.LogsFollowInput{RunID: &r.ID, After: &rc, WaitMs: &wait})
	require.NoError(t, err)
	assert.Equal(t, []string{"first", "second", "third"}, contents(p.Entries))
	assert.True(t, p.Done)
}
