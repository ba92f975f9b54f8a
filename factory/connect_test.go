package factory

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// fakeDaemon is a heroproc.Server answering the few methods these tests
// call; the embedded nil interface makes every other method panic (which
// the handler turns into an error response).
type fakeDaemon struct {
	heroproc.Server
	name string

	mu       sync.Mutex
	restarts []heroproc.ServiceRestartInput
	runs     []heroproc.RunStartInput
	puts     []heroproc.ServiceSpec
	logCalls []int64
}

func (f *fakeDaemon) SystemHealth(context.Context) (heroproc.Health, error) {
	return heroproc.Health{Ok: true}, nil
}

func (f *fakeDaemon) SystemVersion(context.Context) (heroproc.VersionInfo, error) {
	return heroproc.VersionInfo{Version: f.name, StartedAt: time.Now()}, nil
}

func (f *fakeDaemon) ServicePut(_ context.Context, in heroproc.ServicePutInput) (heroproc.ServiceStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts = append(f.puts, in.Spec)
	return heroproc.ServiceStatus{Name: in.Spec.Name, Spec: in.Spec, Wanted: heroproc.WantedStateStop, State: heroproc.ServiceStateInactive}, nil
}

func (f *fakeDaemon) ServiceRestart(_ context.Context, in heroproc.ServiceRestartInput) (heroproc.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts = append(f.restarts, in)
	svc := in.Name
	return heroproc.Run{ID: "run-restart", Name: in.Name, Service: &svc, Context: "default", Phase: heroproc.RunPhaseRunning, CreatedAt: time.Now()}, nil
}

func (f *fakeDaemon) RunStart(_ context.Context, in heroproc.RunStartInput) (heroproc.Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, in)
	return heroproc.Run{ID: "run-1", Name: in.Name, Context: "default", Phase: heroproc.RunPhaseRunning, CreatedAt: time.Now()}, nil
}

// RunLogs serves 2500 lines, logids 1..2500, at most limit per page.
func (f *fakeDaemon) RunLogs(_ context.Context, in heroproc.RunLogsInput) (heroproc.LogPage, error) {
	after := int64(0)
	if in.After != nil {
		after = *in.After
	}
	f.mu.Lock()
	f.logCalls = append(f.logCalls, after)
	f.mu.Unlock()
	limit := int64(*in.Limit)
	page := heroproc.LogPage{Entries: []heroproc.LogEntry{}, Next: after}
	for id := after + 1; id <= 2500 && id <= after+limit; id++ {
		page.Entries = append(page.Entries, heroproc.LogEntry{Logid: id, RunID: in.ID, Stream: heroproc.LogStreamStdout, Level: heroproc.LogLevelInfo, Time: time.Now()})
		page.Next = id
	}
	return page, nil
}

// serveFake serves d on a Unix socket in a fresh directory and returns the
// socket's path.
func serveFake(t *testing.T, d *fakeDaemon) string {
	t.Helper()
	path := filepath.Join(shortDir(t), "rpc.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	srv := &http.Server{Handler: heroproc.NewHandler(d)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return path
}

// shortDir is a fresh directory with a short path (Unix socket paths are
// limited to about 100 bytes; t.TempDir can be longer under Bazel).
func shortDir(t *testing.T) string {
	t.Helper()
	base := ""
	if fi, err := os.Stat("/tmp"); err == nil && fi.IsDir() {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "factory")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// isolate points HOME at an empty directory (so the default socket does
// not exist) and clears HERO_PROC_SOCKET; it returns the default socket's
// path.
func isolate(t *testing.T) string {
	home := shortDir(t)
	t.Setenv("HOME", home)
	t.Setenv(SocketEnv, "")
	return filepath.Join(home, "hero/var/sockets/hero_proc/rpc.sock")
}

func version(t *testing.T, c *HeroProcClient) string {
	t.Helper()
	v, err := c.System().Version(context.Background())
	require.NoError(t, err)
	return v.Version
}

func TestConnectOrder(t *testing.T) {
	ctx := context.Background()
	def := isolate(t)
	explicit := serveFake(t, &fakeDaemon{name: "explicit"})
	env := serveFake(t, &fakeDaemon{name: "env"})
	require.NoError(t, os.MkdirAll(filepath.Dir(def), 0o755))
	ln, err := net.Listen("unix", def)
	require.NoError(t, err)
	srv := &http.Server{Handler: heroproc.NewHandler(&fakeDaemon{name: "default"})}
	go srv.Serve(ln)
	defer srv.Close()

	// Only the default: found.
	c, err := Connect(ctx)
	require.NoError(t, err)
	assert.Equal(t, "default", version(t, c))
	assert.Equal(t, def, c.Addr())
	require.NoError(t, c.Close())

	// The environment variable comes before the default.
	t.Setenv(SocketEnv, env)
	c, err = Connect(ctx)
	require.NoError(t, err)
	assert.Equal(t, "env", version(t, c))

	// WithSocket comes before both; an empty WithSocket is ignored.
	c, err = Connect(ctx, WithSocket(explicit))
	require.NoError(t, err)
	assert.Equal(t, "explicit", version(t, c))
	c, err = Connect(ctx, WithSocket(""), nil)
	require.NoError(t, err)
	assert.Equal(t, "env", version(t, c))

	// A dead explicit socket falls through to the next that answers.
	c, err = Connect(ctx, WithSocket(filepath.Join(t.TempDir(), "none.sock")))
	require.NoError(t, err)
	assert.Equal(t, "env", version(t, c))
}

func TestConnectNoneAnswers(t *testing.T) {
	def := isolate(t)
	dir := shortDir(t)
	missing := filepath.Join(dir, "missing.sock")
	// A socket file nobody listens on: connection refused.
	refused := filepath.Join(dir, "refused.sock")
	ln, err := net.Listen("unix", refused)
	require.NoError(t, err)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	require.NoError(t, ln.Close())
	t.Setenv(SocketEnv, refused)

	_, err = Connect(context.Background(), WithSocket(missing))
	require.Error(t, err)
	var cerr *ConnectError
	require.True(t, errors.As(err, &cerr))
	require.Len(t, cerr.Tried, 3)
	assert.Equal(t, []string{"WithSocket", "$HERO_PROC_SOCKET", "default"},
		[]string{cerr.Tried[0].Source, cerr.Tried[1].Source, cerr.Tried[2].Source})
	assert.Equal(t, []string{missing, refused, def},
		[]string{cerr.Tried[0].Path, cerr.Tried[1].Path, cerr.Tried[2].Path})
	assert.True(t, errors.Is(err, proc.ErrUnavailable))
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 4, err.Error())
	assert.Equal(t, "hero_proc: no daemon answered; tried:", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "  "+missing+" (WithSocket): "), lines[1])
	assert.Contains(t, lines[1], "no such file or directory")
	assert.True(t, strings.HasPrefix(lines[2], "  "+refused+" ($HERO_PROC_SOCKET): "), lines[2])
	assert.Contains(t, lines[2], "connection refused")
	assert.True(t, strings.HasPrefix(lines[3], "  "+def+" (default): "), lines[3])

	// The same path twice is tried once.
	t.Setenv(SocketEnv, def)
	_, err = Connect(context.Background(), WithSocket("~/hero/var/sockets/hero_proc/rpc.sock"))
	require.True(t, errors.As(err, &cerr))
	require.Len(t, cerr.Tried, 1)
	assert.Equal(t, "WithSocket", cerr.Tried[0].Source)
}

func TestConnectContextEnded(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Connect(ctx)
	var cerr *ConnectError
	require.True(t, errors.As(err, &cerr))
	require.Len(t, cerr.Tried, 1)
	assert.ErrorIs(t, cerr.Tried[0].Err, context.Canceled)
}

func TestConnectNotADaemon(t *testing.T) {
	isolate(t)
	// Something answers on the socket, but not JSON-RPC.
	path := filepath.Join(shortDir(t), "web.sock")
	ln, err := net.Listen("unix", path)
	require.NoError(t, err)
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(ln)
	defer srv.Close()
	_, err = Connect(context.Background(), WithSocket(path), WithPingTimeout(time.Second))
	var cerr *ConnectError
	require.True(t, errors.As(err, &cerr))
	assert.Equal(t, path, cerr.Tried[0].Path)
	assert.False(t, errors.Is(cerr.Tried[0].Err, proc.ErrUnavailable), "%v", cerr.Tried[0].Err)
}

func TestLocalUDSAndHTTP(t *testing.T) {
	d := &fakeDaemon{name: "uds"}
	path := serveFake(t, d)
	c, err := LocalUDS(path)
	require.NoError(t, err)
	assert.Equal(t, "uds", version(t, c))
	assert.NotNil(t, c.SDK())
	assert.NotNil(t, c.Services())
	assert.NotNil(t, c.Runs())
	assert.NotNil(t, c.Jobs())
	assert.NotNil(t, c.Logs())
	assert.NotNil(t, c.Secrets())

	var auth []string
	var mu sync.Mutex
	h := heroproc.NewHandler(&fakeDaemon{name: "http"})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	hc, err := HTTP(ts.URL, "s3cret")
	require.NoError(t, err)
	assert.Equal(t, "http", version(t, hc))
	assert.Equal(t, ts.URL, hc.Addr())
	assert.Equal(t, []string{"Bearer s3cret"}, auth)

	_, err = HTTP("ftp://x", "")
	assert.Error(t, err)
}

func TestLifecycleAgainstFake(t *testing.T) {
	ctx := context.Background()
	d := &fakeDaemon{name: "fake"}
	c, err := LocalUDS(serveFake(t, d))
	require.NoError(t, err)

	st, err := c.ServiceBuilder("api").Action("start", func(a *Action) { a.Script("serve").RestartAlways() }).Save(ctx)
	require.NoError(t, err)
	assert.Equal(t, "api", st.Name)

	h, err := c.RestartService(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, "run-restart", h.ID)
	_, err = c.RestartService(ctx, "api", KeepJobs())
	require.NoError(t, err)
	require.Len(t, d.restarts, 2)
	require.NotNil(t, d.restarts[0].KeepJobs)
	assert.False(t, *d.restarts[0].KeepJobs, "jobs are deleted by default")
	require.NotNil(t, d.restarts[1].KeepJobs)
	assert.True(t, *d.restarts[1].KeepJobs)

	run, err := c.RunBuilder("ci").Context("builds").
		Action("build", func(a *Action) { a.Command("make") }).
		Start(ctx)
	require.NoError(t, err)
	assert.Equal(t, "run-1", run.ID)
	assert.Equal(t, "ci", run.Run.Name)
	require.Len(t, d.runs, 1)
	assert.Equal(t, "builds", *d.runs[0].Context)
	assert.Equal(t, []string{"make"}, d.runs[0].Actions[0].Command)

	// Logs pages with the cursor until a page is empty.
	lines, err := run.Logs(ctx)
	require.NoError(t, err)
	require.Len(t, lines, 2500)
	for i, l := range lines {
		require.Equal(t, int64(i+1), l.Logid)
	}
	assert.Equal(t, []int64{0, 1000, 2000, 2500}, d.logCalls)
}
