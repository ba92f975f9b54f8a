package stage

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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
