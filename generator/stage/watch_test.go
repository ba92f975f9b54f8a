package stage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// serveDoc serves rpc.discover of s on socket, in process.
func serveDoc(t *testing.T, socket string, s *model.Schema) func() {
	t.Helper()
	return serveDocTB(t, socket, s)
}

func serveDocTB(t testing.TB, socket string, s *model.Schema) func() {
	t.Helper()
	doc, err := openrpc.Document(s, s.Services[0])
	require.NoError(t, err)
	return serveHTTP(t, socket, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%s}`, doc)
	})
}

func TestWatch(t *testing.T) {
	tmp := shortTemp(t)
	sockets := filepath.Join(tmp, "s")
	require.NoError(t, os.MkdirAll(sockets, 0o755))
	outPy := filepath.Join(tmp, "py")
	sock := func(svc string) string { return filepath.Join(sockets, svc, SocketName) }
	stopAlpha := serveDoc(t, sock("alpha"), loadTestSchema(t, ".", "alpha"))

	reports := make(chan *Report, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, Options{Sockets: sockets, OutPython: outPy, Timeout: time.Second}, 20*time.Millisecond, func(r *Report) { reports <- r })
	}()
	next := func() *Report {
		t.Helper()
		select {
		case r := <-reports:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no report from Watch")
		}
		return nil
	}
	services := func(r *Report) []string {
		out := []string{}
		for _, s := range r.Services {
			out = append(out, s.Service+":"+s.Status)
		}
		return out
	}

	r := next()
	assert.Equal(t, []string{"alpha:fallback"}, services(r))
	assert.FileExists(t, filepath.Join(outPy, "alpha_client.py"))

	// A new service is staged alone.
	stopGamma := serveDoc(t, sock("gamma"), loadTestSchema(t, ".", "gamma"))
	r = next()
	assert.Equal(t, []string{"gamma:fallback"}, services(r))
	gammaHash := r.Services[0].LiveHash

	// A vanished service's files are removed.
	stopAlpha()
	r = next()
	assert.Equal(t, []string{"alpha"}, r.Removed)
	assert.NoFileExists(t, filepath.Join(outPy, "alpha_client.py"))
	assert.FileExists(t, filepath.Join(outPy, "gamma_client.py"))

	// A restarted service with another API is re-staged, alone.
	stopGamma()
	r = next()
	assert.Equal(t, []string{"gamma"}, r.Removed, "gamma's socket went away first")
	serveDoc(t, sock("gamma"), loadTestSchema(t, "v2", "beta"))
	r = next()
	require.Equal(t, []string{"gamma:fallback"}, services(r))
	assert.NotEqual(t, gammaHash, r.Services[0].LiveHash)
	data, err := os.ReadFile(filepath.Join(outPy, "gamma_client.py"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "class BetaServiceClient")

	cancel()
	require.NoError(t, <-done)
}

// TestStageMatches covers the matches that are not byte-for-byte hash
// equality: a schema of several services (its clients carry the schema's
// hash, which the live document announces as x-oschema-model, while the
// per-service document hashes differently), and a pre-generated directory
// with only openrpc.json.
func TestStageMatches(t *testing.T) {
	tmp := shortTemp(t)
	sockets := filepath.Join(tmp, "s")
	from := filepath.Join(tmp, "from")
	multi := loadTestSchema(t, ".", "multi")
	chosen, err := artifacts.Select("openrpc,python")
	require.NoError(t, err)
	for _, a := range chosen {
		files, err := a.Generate(multi, multi.Services[0], emit.Options{})
		require.NoError(t, err)
		for _, f := range files {
			require.NoError(t, WriteAtomic(filepath.Join(from, "multi", "generated", f.Name), f.Content))
		}
	}
	alpha := loadTestSchema(t, ".", "alpha")
	doc, err := openrpc.Document(alpha, alpha.Services[0])
	require.NoError(t, err)
	require.NoError(t, WriteAtomic(filepath.Join(from, "alpha", "generated", "openrpc.json"), doc))

	serveDoc(t, filepath.Join(sockets, "multi", SocketName), multi)
	serveDoc(t, filepath.Join(sockets, "alpha", SocketName), alpha)
	outPy := filepath.Join(tmp, "py")
	rep, err := Stage(context.Background(), Options{Sockets: sockets, From: []string{from}, OutPython: outPy})
	require.NoError(t, err)
	require.Len(t, rep.Services, 2)
	a, m := rep.Services[0], rep.Services[1]
	assert.Equal(t, StatusCurrent, a.Status, a.Error)
	assert.Equal(t, StatusCurrent, m.Status, m.Error)
	assert.False(t, rep.Drift)
	assert.NotEqual(t, m.LiveHash, m.ClientHash)
	assert.Equal(t, multi.Hash(), m.ClientHash)
	assert.Equal(t, multi.Hash(), m.Announced)
	h, err := os.ReadFile(filepath.Join(outPy, "multi_client.py.hash"))
	require.NoError(t, err)
	assert.Equal(t, multi.Hash()+"\n", string(h))
	data, err := os.ReadFile(filepath.Join(outPy, "alpha_client.py"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "has no python client, and its model matches")
}

// watchReports runs Watch on sockets in the background and returns a
// function that waits (at most 10 s) for its next report, and one that
// stops it.
func watchReports(t *testing.T, opts Options, interval time.Duration) (next func() *Report, stop func()) {
	t.Helper()
	reports := make(chan *Report, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, opts, interval, func(r *Report) { reports <- r }) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("Watch did not return within 10s of its context ending")
			}
		}
	}
	t.Cleanup(stop)
	next = func() *Report {
		t.Helper()
		select {
		case r := <-reports:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no report from Watch within 10s")
		}
		return nil
	}
	return next, stop
}

func reportServices(r *Report) []string {
	out := []string{}
	for _, s := range r.Services {
		out = append(out, s.Service+":"+s.Status)
	}
	return out
}

// TestWatchInotify polls once an hour, so only inotify can report the
// changes: a socket created in a service directory that existed at the
// start, a new service directory, a socket replaced by another server
// (renamed over the old one), a socket removed and a service directory
// removed. Each is staged within a few seconds, alone.
func TestWatchInotify(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inotify is Linux's; elsewhere Watch polls (TestWatch)")
	}
	n, err := newNotifier(t.TempDir())
	require.NoError(t, err, "inotify must be available on Linux")
	require.NoError(t, n.Close())

	tmp := shortTemp(t)
	sockets := filepath.Join(tmp, "s")
	require.NoError(t, os.MkdirAll(filepath.Join(sockets, "alpha"), 0o755))
	outPy := filepath.Join(tmp, "py")
	sock := func(svc string) string { return filepath.Join(sockets, svc, SocketName) }
	next, stop := watchReports(t, Options{Sockets: sockets, OutPython: outPy, Timeout: time.Second}, time.Hour)
	r := next()
	assert.Empty(t, r.Services)

	// within checks that a change was staged well before any poll.
	within := func(start time.Time, what string) {
		t.Helper()
		assert.Less(t, time.Since(start), 5*time.Second, what)
	}

	start := time.Now()
	serveDoc(t, sock("alpha"), loadTestSchema(t, ".", "alpha"))
	r = next()
	within(start, "a socket in a directory watched from the start")
	assert.Equal(t, []string{"alpha:fallback"}, reportServices(r))
	alphaHash := r.Services[0].LiveHash

	start = time.Now()
	serveDoc(t, sock("gamma"), loadTestSchema(t, ".", "gamma"))
	r = next()
	within(start, "a new service directory")
	assert.Equal(t, []string{"gamma:fallback"}, reportServices(r))
	assert.FileExists(t, filepath.Join(outPy, "gamma_client.py"))

	// Another server takes over alpha's socket path atomically.
	start = time.Now()
	tmpSock := filepath.Join(sockets, "alpha", "next.sock")
	serveDoc(t, tmpSock, loadTestSchema(t, "v2", "beta"))
	require.NoError(t, os.Rename(tmpSock, sock("alpha")))
	r = next()
	within(start, "a replaced socket")
	require.Equal(t, []string{"alpha:fallback"}, reportServices(r))
	assert.NotEqual(t, alphaHash, r.Services[0].LiveHash)
	data, err := os.ReadFile(filepath.Join(outPy, "alpha_client.py"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "class BetaServiceClient")

	start = time.Now()
	require.NoError(t, os.Remove(sock("alpha")))
	r = next()
	within(start, "a removed socket")
	assert.Empty(t, r.Services)
	assert.Equal(t, []string{"alpha"}, r.Removed)
	assert.NoFileExists(t, filepath.Join(outPy, "alpha_client.py"))
	assert.FileExists(t, filepath.Join(outPy, "gamma_client.py"))

	start = time.Now()
	require.NoError(t, os.RemoveAll(filepath.Join(sockets, "gamma")))
	r = next()
	within(start, "a removed service directory")
	assert.Equal(t, []string{"gamma"}, r.Removed)
	assert.NoFileExists(t, filepath.Join(outPy, "gamma_client.py"))

	// A directory created again after removal is watched again.
	start = time.Now()
	serveDoc(t, sock("gamma"), loadTestSchema(t, ".", "gamma"))
	r = next()
	within(start, "a service directory created again")
	assert.Equal(t, []string{"gamma:fallback"}, reportServices(r))
	stop()
}

// TestWatchPollOnly makes inotify unavailable: the poll alone finds a new
// service and a vanished one.
func TestWatchPollOnly(t *testing.T) {
	saved := newNotifier
	newNotifier = func(string) (*notifier, error) { return nil, errors.New("no inotify in this test") }
	t.Cleanup(func() { newNotifier = saved })

	tmp := shortTemp(t)
	sockets := filepath.Join(tmp, "s")
	require.NoError(t, os.MkdirAll(sockets, 0o755))
	outPy := filepath.Join(tmp, "py")
	next, stop := watchReports(t, Options{Sockets: sockets, OutPython: outPy, Timeout: time.Second}, 20*time.Millisecond)
	assert.Empty(t, next().Services)
	stopAlpha := serveDoc(t, filepath.Join(sockets, "alpha", SocketName), loadTestSchema(t, ".", "alpha"))
	assert.Equal(t, []string{"alpha:fallback"}, reportServices(next()))
	stopAlpha()
	assert.Equal(t, []string{"alpha"}, next().Removed)
	stop()
}

// The importer's warnings about a live document (a union imported as any)
// reach the report, in its text and its JSON.
func TestStageReportsImportWarnings(t *testing.T) {
	tmp := shortTemp(t)
	sockets := filepath.Join(tmp, "s")
	data := `{"openrpc":"1.2.6","info":{"title":"Comp","version":"1.0.0"},"methods":[{"name":"get",` +
		`"params":[],"result":{"name":"r","schema":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}]}`
	serveHTTP(t, filepath.Join(sockets, "comp", SocketName), func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%s}`, data)
	})
	rep, err := Stage(context.Background(), Options{Sockets: sockets, OutPython: filepath.Join(tmp, "py"), Timeout: 5 * time.Second})
	require.NoError(t, err)
	require.Len(t, rep.Services, 1)
	r := rep.Services[0]
	assert.Equal(t, StatusFallback, r.Status, r.Error)
	require.NotEmpty(t, r.Warnings)
	assert.Contains(t, r.Warnings[0], "imported as any")
	assert.Contains(t, rep.Text(), "          warning: rpc.discover:"+r.Socket+": #/")
	assert.Contains(t, string(rep.JSON()), `"warnings": [`)
}
