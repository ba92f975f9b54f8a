// Package golangtest runs the generated Go server of the kitchen_sink test
// schema for other emitters' tests: a Python, JavaScript or Rust client
// generated from the same schema can be checked against a real server.
//
// The server is api.go generated for kitchen_sink, compiled with the
// deterministic implementation in ../testdata/kitchensink/impl.go (its
// doc comment lists the behaviour clients may rely on) and the command
// ../testdata/harness/main.go.
package golangtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// KitchenSinkDir is the workspace-relative directory of the schema served.
const KitchenSinkDir = "generator/testdata/schemas/kitchen_sink"

// Server is a running kitchen_sink server.
type Server struct {
	// Socket is the Unix socket it serves POST /rpc, GET /openrpc.json
	// and GET /health on.
	Socket string
	// URL is its JSON-RPC endpoint over loopback TCP,
	// "http://127.0.0.1:<port>/rpc".
	URL string
}

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// Cleanup removes the server binary StartKitchenSink built. Call it from
// TestMain after m.Run, once no server runs any more.
func Cleanup() {
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
}

// Binary returns the kitchen_sink server command (../testdata/harness),
// built once per test binary, for tests that start it with flags of their
// own (-socket, -http, -read-timeout) and follow Start's protocol.
func Binary(t testing.TB) string {
	t.Helper()
	goBin := testtool.Look(t, "go", "/usr/lib/go-1.19/bin/go")
	root := testtool.RepoRoot(t)
	build.once.Do(func() { build.dir, build.bin, build.err = buildHarness(goBin, root) })
	if build.err != nil {
		t.Fatalf("building the kitchen_sink Go server: %v", build.err)
	}
	return build.bin
}

// StartKitchenSink builds the server (once per test binary), starts a
// fresh instance with an empty store, and stops it when t ends. A missing
// go command skips t, or fails it with OSCHEMA_REQUIRE_TOOLS=1.
func StartKitchenSink(t testing.TB) *Server {
	t.Helper()
	goBin := testtool.Look(t, "go", "/usr/lib/go-1.19/bin/go")
	root := testtool.RepoRoot(t)
	build.once.Do(func() { build.dir, build.bin, build.err = buildHarness(goBin, root) })
	if build.err != nil {
		t.Fatalf("building the kitchen_sink Go server: %v", build.err)
	}

	dir, err := os.MkdirTemp("", "oschema-ks")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	socket := filepath.Join(dir, "rpc.sock")
	return Start(t, build.bin, "-socket", socket, "-http", "127.0.0.1:0")
}

// Start runs a server command that prints one line
// "LISTENING unix:<socket> http://<host:port>/rpc" once it accepts
// connections and exits when its stdin closes; it is stopped (killed after
// 5 s) when t ends. The Rust, Go and imported-schema servers of the tests
// all follow this protocol.
func Start(t testing.TB, name string, args ...string) *Server {
	t.Helper()
	cmd := exec.Command(name, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the server exits when its stdin closes
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		if !ok {
			t.Fatalf("%s exited before listening: %s", name, stderr.String())
		}
		s := &Server{}
		for _, ep := range strings.Fields(strings.TrimPrefix(l, "LISTENING ")) {
			switch {
			case strings.HasPrefix(ep, "unix:"):
				s.Socket = strings.TrimPrefix(ep, "unix:")
			case strings.HasPrefix(ep, "http://"):
				s.URL = ep
			}
		}
		if s.Socket == "" || s.URL == "" {
			t.Fatalf("%s announced %q", name, l)
		}
		return s
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start within 30s: %s", name, stderr.String())
	}
	return nil
}

// buildHarness generates api.go for kitchen_sink and builds the harness
// command with it into a temporary directory.
func buildHarness(goBin, root string) (dir, bin string, err error) {
	s, err := resolve.Load(os.DirFS(root), KitchenSinkDir)
	if err != nil {
		return dir, "", err
	}
	files, err := golang.Generate(s, s.Services[0], emit.Options{})
	if err != nil {
		return dir, "", err
	}
	doc, err := openrpc.Document(s, s.Services[0])
	if err != nil {
		return dir, "", err
	}
	dir, err = os.MkdirTemp("", "oschema-ks-build")
	if err != nil {
		return dir, "", err
	}
	testdata := filepath.Join(root, "generator", "emit", "golang", "testdata")
	impl, err := os.ReadFile(filepath.Join(testdata, "kitchensink", "impl.go"))
	if err != nil {
		return dir, "", err
	}
	main, err := os.ReadFile(filepath.Join(testdata, "harness", "main.go"))
	if err != nil {
		return dir, "", err
	}
	for name, content := range map[string][]byte{
		"go.mod":              []byte("module example.com/kitchensink\n\ngo 1.19\n"),
		"api.go":              files[0].Content,
		"openrpc.json":        doc, // api.go embeds it
		"impl.go":             impl,
		"cmd/harness/main.go": main,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return dir, "", err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return dir, "", err
		}
	}
	bin = filepath.Join(dir, "kitchen_sink_server")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/harness")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, bin, nil
}
