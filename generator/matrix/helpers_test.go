package matrix

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang/golangtest"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// openrpcDoc is the openrpc.json of svc, which a generated api.go embeds
// from beside it (and rust_server.rs from one directory up).
func openrpcDoc(t testing.TB, s *model.Schema, svc *model.Service) []byte {
	t.Helper()
	doc, err := openrpc.Document(s, svc)
	require.NoError(t, err)
	return doc
}

// addGenerated generates the artifacts of list (as the CLI's -artifacts:
// rust_server brings openrpc) into files, under dir laid out as a
// directory of generated files (artifacts.Layout): dir/rust/*.rs, with
// the openrpc.json rust_server.rs embeds at dir/openrpc.json.
func addGenerated(t testing.TB, files map[string][]byte, dir, list string, s *model.Schema, svc *model.Service) {
	t.Helper()
	chosen, err := artifacts.Select(list)
	require.NoError(t, err)
	for _, a := range chosen {
		out, err := a.Generate(s, svc, emit.Options{})
		require.NoError(t, err)
		for _, f := range out {
			files[dir+"/"+artifacts.Path(f.Name, "")] = f.Content
		}
	}
}

// scratch is the directory every build of this test binary writes to;
// TestMain removes it.
var scratch struct {
	once sync.Once
	dir  string
}

// memo is a value built once per test binary; a failed build fails every
// later test that needs it too.
type memo struct {
	once sync.Once
	val  string
	err  string
}

func (m *memo) get(t testing.TB, build func(t testing.TB) string) string {
	t.Helper()
	m.once.Do(func() {
		m.err = "failed in an earlier test"
		m.val = build(t)
		m.err = ""
	})
	if m.err != "" {
		t.Fatalf("building: %s", m.err)
	}
	return m.val
}

func scratchDir(t testing.TB, name string) string {
	t.Helper()
	scratch.once.Do(func() {
		dir, err := os.MkdirTemp("", "oschema-matrix")
		if err != nil {
			panic(err)
		}
		scratch.dir = dir
	})
	dir := filepath.Join(scratch.dir, name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	golangtest.Cleanup()
	if scratch.dir != "" {
		os.RemoveAll(scratch.dir)
	}
	os.Exit(code)
}

// writeFiles writes name -> content under dir.
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, content, 0o644))
	}
}

func writeGenerated(t testing.TB, dir string, files []emit.File) {
	t.Helper()
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Content
	}
	writeFiles(t, dir, m)
}

func readTestdata(t testing.TB, rel ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rel...))
	require.NoError(t, err)
	return b
}

// emitterTestdata is a file of another package's testdata, reused here.
func emitterTestdata(t testing.TB, lang string, rel ...string) []byte {
	t.Helper()
	return readTestdata(t, append([]string{testtool.RepoRoot(t), "generator", "emit", lang, "testdata"}, rel...)...)
}

// goBuild builds the packages of a module written to dir into dir/bin and
// returns that directory. The module is example.com/kitchensink, the
// import path the drivers and the harness of generator/emit/golang use
// for whatever api.go the module holds.
func goBuild(t testing.TB, dir string, files map[string][]byte, pkgs ...string) string {
	t.Helper()
	return goBuildWith(t, testtool.Look(t, "go", "/usr/lib/go-1.19/bin/go"), dir, files, pkgs...)
}

// goBuildWith is goBuild with the go command goBin.
func goBuildWith(t testing.TB, goBin, dir string, files map[string][]byte, pkgs ...string) string {
	t.Helper()
	files["go.mod"] = []byte("module example.com/kitchensink\n\ngo 1.19\n")
	writeFiles(t, dir, files)
	bin := filepath.Join(dir, "bin") + string(filepath.Separator)
	cmd := exec.Command(goBin, append([]string{"build", "-o", bin}, pkgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build in %s:\n%s", dir, out)
	return bin
}

// run runs a command with stdin and returns its stdout, failing t (with
// stderr) when it fails.
func run(t testing.TB, stdin string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s %s failed: %s\nstdout:\n%s", filepath.Base(name), strings.Join(args, " "), stderr.String(), out)
	return string(out)
}

// endpoints are where a running server answers: "unix:<socket>" and
// "http://127.0.0.1:<port>/rpc", the forms every driver accepts.
type endpoints struct {
	Unix, HTTP string
}

// startServer starts a server command that follows golangtest.Start's
// protocol and returns its endpoints in the drivers' notation.
func startServer(t testing.TB, name string, args ...string) endpoints {
	t.Helper()
	s := golangtest.Start(t, name, args...)
	return endpoints{Unix: "unix:" + s.Socket, HTTP: s.URL}
}

// socketPath returns a fresh Unix socket path short enough for the
// 108-byte limit.
func socketPath(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "osm")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "rpc.sock")
}

// cargoBuild builds a binary crate offline from Debian's vendored serde
// sources with the shared target directory and returns the binary.
func cargoBuild(t testing.TB, dir, crate string, files map[string][]byte) string {
	t.Helper()
	return testtool.CargoBuild(t, dir, crate, files)
}
