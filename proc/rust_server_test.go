package proc_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
	"github.com/lhumina-code/rules_oschema/proc"
	heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"
)

// rustHandlerCrate is the cargo package of testdata/rust_handler, and so
// the name of its binary in the shared cargo target directory.
const rustHandlerCrate = "oschema_hero_proc_rust_handler"

// startRustServer builds testdata/rust_handler/main.rs, a minimal
// HeroProcHandler, with the committed generated Rust server and types of
// hero_proc (proc/hero_proc/generated), starts it on a Unix socket and
// returns an SDK client of it. Like generator/emit/rust's TestCargo it
// builds offline against Debian's crate sources, in the cargo target
// directory the cargo tests share, and skips (or fails, with
// OSCHEMA_REQUIRE_TOOLS=1) when cargo is missing.
func startRustServer(t *testing.T) *proc.Client {
	t.Helper()
	testtool.SkipUnderBazel(t, "the generated Rust server of hero_proc")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.FromSlash(name))
		require.NoError(t, err)
		return b
	}
	files := map[string][]byte{"src/main.rs": read("testdata/rust_handler/main.rs")}
	// As committed: rust/*.rs, and the openrpc.json rust_server.rs embeds
	// (include_str!("../openrpc.json")) above them.
	for _, name := range []string{"rust/rust_types.rs", "rust/rust_server.rs", "openrpc.json"} {
		files["src/hero_proc/"+name] = read("hero_proc/generated/" + name)
	}
	start := time.Now()
	bin := testtool.CargoBuild(t, t.TempDir(), rustHandlerCrate, files)
	t.Logf("cargo build: %v", time.Since(start).Round(time.Millisecond))

	// A short socket path: sun_path has room for 107 bytes only.
	sdir, cleanup, err := sockDir()
	require.NoError(t, err)
	t.Cleanup(cleanup)
	sock := filepath.Join(sdir, "rpc.sock")
	cmd := exec.Command(bin, sock)
	// The server writes stderr while the test may read it.
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("rust_handler stderr:\n%s", stderr.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		require.Equal(t, "ready", strings.TrimSpace(line), "rust_handler said %q; stderr:\n%s", line, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("rust_handler did not listen within 30s")
	}

	c, err := proc.DialUnix(sock)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// fullServiceSpec sets every field of ServiceSpec and of its nested
// ActionSpec, RetryPolicy, BackoffPolicy and HealthChecks, with values at
// the edges of their types.
func fullServiceSpec(name string) proc.ServiceSpec {
	u64 := func(n uint64) *uint64 { return &n }
	u32 := func(n uint32) *uint32 { return &n }
	class := proc.ServiceClassSystem
	wanted := proc.WantedStateIgnore
	restart := proc.RestartPolicyOnFailure
	return proc.ServiceSpec{
		Name:        name,
		Description: strPtr("every field, ünïcode and \"quotes\"\n"),
		Class:       &class,
		Context:     strPtr("rust"),
		Actions: []proc.ActionSpec{
			{
				Name:        "migrate",
				Script:      strPtr("echo migrating; exit 0"),
				Interpreter: strPtr("/bin/bash"),
				Cwd:         strPtr("/tmp"),
				Env:         map[string]string{"A": "1", "EMPTY": ""},
				InheritEnv:  []string{"PATH", "HOME"},
				SecretEnv:   map[string]string{"TOKEN": "api-token"},
				TimeoutSecs: u64(math.MaxUint64),
				Retry:       &proc.RetryPolicy{MaxAttempts: math.MaxUint32, DelayMs: u64(250), MaxDelayMs: u64(1 << 53)},
				StopSignal:  strPtr("SIGINT"),
				StopGraceMs: u64(0),
			},
			{
				Name:      "serve",
				Command:   []string{"/usr/bin/env", "python3", "-m", "http.server"},
				DependsOn: []string{"migrate"},
				Restart:   &restart,
				Backoff:   &proc.BackoffPolicy{InitialMs: u64(100), MaxMs: u64(5000), ResetAfterSecs: u64(30), MaxRestarts: u32(7)},
				Ready: &proc.HealthCheck{
					Kind: proc.HealthKindHTTP, URL: strPtr("http://127.0.0.1:8000/"),
					IntervalMs: u64(500), TimeoutMs: u64(200), Failures: u32(1),
				},
				Live: &proc.HealthCheck{Kind: proc.HealthKindTCP, Address: strPtr("127.0.0.1:8000"), Failures: u32(3)},
			},
			{
				Name:   "probe",
				Script: strPtr("true"),
				Live:   &proc.HealthCheck{Kind: proc.HealthKindExec, Command: []string{"test", "-e", "/tmp"}},
			},
		},
		DependsOn: []string{"db"},
		Tags:      []string{"web", "rust"},
		Wanted:    &wanted,
	}
}

// TestRustServer runs the SDK against the generated Rust server of the
// same schema, with a minimal handler (testdata/rust_handler): the SDK's
// wire contract is the schema's, not hero_procd's.
func TestRustServer(t *testing.T) {
	c := startRustServer(t)
	ctx := testCtx(t)

	t.Run("system", func(t *testing.T) {
		require.NoError(t, c.Ping(ctx))
		v, err := c.System().Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, "rust-handler-0.0.0", v.Version)
		assert.Equal(t, "1.0.0", v.APIVersion)
		assert.NotZero(t, v.Pid)
		assert.NotEmpty(t, v.Socket)
		assert.WithinDuration(t, time.Now(), v.StartedAt, 5*time.Minute)
		h, err := c.System().Health(ctx)
		require.NoError(t, err)
		assert.True(t, h.Ok)
		assert.True(t, h.StoreOk)
	})

	t.Run("services", func(t *testing.T) {
		svc := c.Services()
		spec := fullServiceSpec("web")
		st, err := svc.Put(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, "web", st.Name)
		assert.Equal(t, spec, st.Spec)
		assert.Equal(t, proc.WantedStateIgnore, st.Wanted)
		assert.Equal(t, proc.ServiceStateInactive, st.State)
		assert.Nil(t, st.RunID)
		assert.Empty(t, st.Jobs)

		got, err := svc.Get(ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, spec, got, "the full spec round-trips through the Rust types")

		minimal := proc.ServiceSpec{Name: "db", Actions: []proc.ActionSpec{script("start", "db")}}
		st, err = svc.Put(ctx, minimal)
		require.NoError(t, err)
		assert.Equal(t, proc.WantedStateStop, st.Wanted, "a new service without wanted is wanted stopped")
		got, err = svc.Get(ctx, "db")
		require.NoError(t, err)
		assert.Equal(t, minimal, got, "absent optional fields stay absent")

		list, err := svc.List(ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, "db", list[0].Name)
		assert.Equal(t, "web", list[1].Name)
		assert.Equal(t, spec, list[1].Spec)

		st, err = svc.Status(ctx, "web")
		require.NoError(t, err)
		assert.Equal(t, proc.ServiceStateInactive, st.State)
		assert.Equal(t, spec, st.Spec)

		require.NoError(t, svc.Delete(ctx, "db"))
		for _, nf := range []struct {
			call string
			name string
			err  func() error
		}{
			{"get", "db", func() error { _, err := svc.Get(ctx, "db"); return err }},
			{"status", "nope", func() error { _, err := svc.Status(ctx, "nope"); return err }},
			{"delete", "db", func() error { return svc.Delete(ctx, "db") }},
		} {
			err := nf.err()
			require.Error(t, err, nf.call)
			assert.True(t, errors.Is(err, proc.ErrNotFound), "%s: %v", nf.call, err)
			var rpcErr *heroproc.RPCError
			require.True(t, errors.As(err, &rpcErr), "%s: %T", nf.call, err)
			assert.Equal(t, 1001, rpcErr.Code)
			assert.Equal(t, fmt.Sprintf("service %q not found", nf.name), rpcErr.Message)
			assert.JSONEq(t, fmt.Sprintf(`{"service": %q}`, nf.name), string(rpcErr.Data))
		}

		_, err = svc.Put(ctx, proc.ServiceSpec{Name: "empty"})
		assert.True(t, errors.Is(err, proc.ErrInvalidSpec), "%v", err)
	})

	t.Run("secrets", func(t *testing.T) {
		sec := c.Secrets()
		info, err := sec.Set(ctx, "rust", "api-token", "s3cr3t \u00e9")
		require.NoError(t, err)
		assert.Equal(t, "rust", info.Context)
		assert.Equal(t, "api-token", info.Key)
		assert.WithinDuration(t, time.Now(), info.UpdatedAt, 5*time.Minute)
		_, err = sec.Set(ctx, "other", "k", "v")
		require.NoError(t, err)

		got, err := sec.Get(ctx, "rust", "api-token")
		require.NoError(t, err)
		assert.Equal(t, "s3cr3t \u00e9", got.Value)
		assert.True(t, info.UpdatedAt.Equal(got.UpdatedAt))

		list, err := sec.List(ctx, "rust")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, "api-token", list[0].Key)
		all, err := sec.List(ctx, "")
		require.NoError(t, err)
		assert.Len(t, all, 2, "no context lists every context")

		require.NoError(t, sec.Delete(ctx, "rust", "api-token"))
		_, err = sec.Get(ctx, "rust", "api-token")
		assert.True(t, errors.Is(err, proc.ErrNotFound), "%v", err)
		err = sec.Delete(ctx, "rust", "api-token")
		assert.True(t, errors.Is(err, proc.ErrNotFound), "%v", err)
	})

	t.Run("runs", func(t *testing.T) {
		actions := fullServiceSpec("x").Actions
		run, err := c.Runs().Start(ctx, "adhoc", actions, "rust")
		require.NoError(t, err)
		assert.NotEmpty(t, run.ID)
		assert.Equal(t, "adhoc", run.Name)
		assert.Equal(t, "rust", run.Context)
		assert.Nil(t, run.Service)
		assert.Equal(t, proc.RunPhaseCreated, run.Phase)
		assert.WithinDuration(t, time.Now(), run.CreatedAt, 5*time.Minute)
		require.Len(t, run.Jobs, len(actions))
		for i, j := range run.Jobs {
			assert.Equal(t, run.ID, j.RunID)
			assert.Equal(t, "adhoc."+actions[i].Name, j.Action)
			assert.Equal(t, actions[i], j.Spec)
			assert.Equal(t, proc.JobPhaseCreated, j.Phase)
			assert.False(t, j.Ready)
			assert.Nil(t, j.Pid)
			assert.Nil(t, j.StartedAt)
		}

		run, err = c.Runs().Start(ctx, "defaults", []proc.ActionSpec{script("a", "true")}, "")
		require.NoError(t, err)
		assert.Equal(t, "default", run.Context, "the server's default context")

		_, err = c.Runs().Start(ctx, "none", nil, "")
		assert.True(t, errors.Is(err, proc.ErrInvalidSpec), "%v", err)
	})

	t.Run("unimplemented", func(t *testing.T) {
		for name, call := range map[string]func() error{
			heroproc.MethodServiceStart: func() error { _, err := c.Services().Start(ctx, "web"); return err },
			heroproc.MethodRunGet:       func() error { _, err := c.Runs().Get(ctx, "run-1"); return err },
			heroproc.MethodJobList:      func() error { _, err := c.Jobs().List(ctx, proc.JobFilter{Phase: proc.JobPhaseRunning}); return err },
			heroproc.MethodLogsQuery:    func() error { _, err := c.Logs().Query(ctx, proc.LogFilter{Since: time.Now()}); return err },
		} {
			err := call()
			var rpcErr *heroproc.RPCError
			require.True(t, errors.As(err, &rpcErr), "%s: %T %v", name, err, err)
			assert.Equal(t, heroproc.CodeMethodNotFound, rpcErr.Code, name)
			assert.Equal(t, name+" is not implemented by the minimal Rust handler", rpcErr.Message)
			assert.True(t, errors.Is(err, proc.ErrMethodNotFound), name)
			assert.False(t, errors.Is(err, proc.ErrNotFound), name)
		}
	})
}

// lockedBuffer is a bytes.Buffer safe for one writer and concurrent
// readers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
