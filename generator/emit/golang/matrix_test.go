package golang_test

// The cross-language checks of the Go artifact, against the shared
// conversation of generator/emit/clienttest: the generated Go client
// against the reference server (which checks every request's wire form),
// and the Python, JavaScript and Go clients against the generated Go
// server (golangtest). An external test package, since golangtest
// imports this package.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang/golangtest"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

func TestMain(m *testing.M) {
	code := m.Run()
	golangtest.Cleanup()
	if goDriver.dir != "" {
		os.RemoveAll(goDriver.dir)
	}
	os.Exit(code)
}

var goDriver struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// buildGoDriver builds testdata/driver with the generated api.go.
func buildGoDriver(t *testing.T) string {
	t.Helper()
	goBin := testtool.Look(t, "go", "/usr/lib/go-1.19/bin/go")
	s := clienttest.KitchenSink(t)
	goDriver.once.Do(func() {
		files, err := golang.Generate(s, s.Service("TaskService"), emit.Options{})
		if err != nil {
			goDriver.err = err
			return
		}
		doc, err := openrpc.Document(s, s.Service("TaskService"))
		if err != nil {
			goDriver.err = err
			return
		}
		main, err := os.ReadFile(filepath.Join("testdata", "driver", "main.go"))
		if err != nil {
			goDriver.err = err
			return
		}
		dir, err := os.MkdirTemp("", "oschema-go-driver")
		if err != nil {
			goDriver.err = err
			return
		}
		goDriver.dir = dir
		for name, content := range map[string][]byte{
			"go.mod":             []byte("module example.com/kitchensink\n\ngo 1.19\n"),
			"api.go":             files[0].Content,
			"openrpc.json":       doc,
			"cmd/driver/main.go": main,
		} {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if goDriver.err = os.MkdirAll(filepath.Dir(p), 0o755); goDriver.err != nil {
				return
			}
			if goDriver.err = os.WriteFile(p, content, 0o644); goDriver.err != nil {
				return
			}
		}
		goDriver.bin = filepath.Join(dir, "driver")
		cmd := exec.Command(goBin, "build", "-o", goDriver.bin, "./cmd/driver")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
		goDriver.out, goDriver.err = cmd.CombinedOutput()
	})
	require.NoError(t, goDriver.err, "building the Go driver: %s", goDriver.out)
	return goDriver.bin
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s failed: %s\nstdout:\n%s", name, stderr.String(), out)
	return string(out)
}

func runGoDriver(t *testing.T, endpoint string) string {
	return run(t, buildGoDriver(t), endpoint, clienttest.Task1, clienttest.Task2)
}

// endpoints returns a fresh Go server's two endpoints, each with its own
// empty store.
func goServerEndpoints(t *testing.T) map[string]string {
	return map[string]string{
		"unix": clienttest.Endpoint(golangtest.StartKitchenSink(t).Socket),
		"http": golangtest.StartKitchenSink(t).URL,
	}
}

func TestGoClientAgainstReferenceServer(t *testing.T) {
	for _, transport := range []string{"unix", "http"} {
		t.Run(transport, func(t *testing.T) {
			srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
			endpoint := srv.ListenHTTP(t)
			if transport == "unix" {
				endpoint = clienttest.Endpoint(srv.ListenUnix(t))
			}
			clienttest.CheckTranscript(t, runGoDriver(t, endpoint))
			clienttest.CheckRequests(t, srv.Requests())
		})
	}
}

func TestGoClientAgainstGoServer(t *testing.T) {
	for transport, endpoint := range goServerEndpoints(t) {
		t.Run(transport, func(t *testing.T) {
			clienttest.CheckTranscript(t, runGoDriver(t, endpoint))
		})
	}
}

func TestPythonClientAgainstGoServer(t *testing.T) {
	py := testtool.Look(t, "python3")
	s := clienttest.KitchenSink(t)
	files, err := python.Generate(s, s.Service("TaskService"), emit.Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, files[0].Name), files[0].Content, 0o644))
	driver, err := os.ReadFile(filepath.Join("..", "python", "testdata", "driver.py"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "driver.py"), driver, 0o644))
	for transport, endpoint := range goServerEndpoints(t) {
		t.Run(transport, func(t *testing.T) {
			clienttest.CheckTranscript(t, run(t, py, filepath.Join(dir, "driver.py"), dir, endpoint))
		})
	}
}

func TestJavaScriptClientAgainstGoServer(t *testing.T) {
	node := testtool.Look(t, "node")
	s := clienttest.KitchenSink(t)
	files, err := js.Generate(s, s.Service("TaskService"), emit.Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644))
	}
	driver, err := os.ReadFile(filepath.Join("..", "js", "testdata", "driver.mjs"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "driver.mjs"), driver, 0o644))
	for transport, endpoint := range goServerEndpoints(t) {
		t.Run(transport, func(t *testing.T) {
			clienttest.CheckTranscript(t, run(t, node, filepath.Join(dir, "driver.mjs"), filepath.Join(dir, "client.js"), endpoint))
		})
	}
}
