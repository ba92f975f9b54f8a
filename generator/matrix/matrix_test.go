// Package matrix proves the generated artifacts against each other with
// the real toolchains: every generated client (Python, JavaScript, Go, Rust)
// against every generated server (Rust, Go) over both transports, JSON
// round trips of one value through every language, clients of services
// known only from an OpenRPC document, and the hero_logic example.
package matrix

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang/golangtest"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/emit/rust"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// The kitchen_sink builds, once per test binary.
var ks struct {
	python, js, goBin, rust, rustClient, tokio memo
}

// ksClient returns a directory with the files gen generates for
// kitchen_sink and the given drivers.
func ksClient(t testing.TB, m *memo, name string, gen emit.Generator, drivers map[string][]byte) string {
	return m.get(t, func(t testing.TB) string {
		s := clienttest.KitchenSink(t)
		files, err := gen(s, s.Service("TaskService"), emit.Options{})
		require.NoError(t, err)
		dir := scratchDir(t, name)
		writeGenerated(t, dir, files)
		writeFiles(t, dir, drivers)
		return dir
	})
}

// ksPython returns a directory with the generated client.py, the Python
// driver of generator/emit/python and testdata/roundtrip/roundtrip.py.
func ksPython(t testing.TB) string {
	return ksClient(t, &ks.python, "ks-python", python.Generate, map[string][]byte{
		"driver.py":    emitterTestdata(t, "python", "driver.py"),
		"roundtrip.py": readTestdata(t, "testdata", "roundtrip", "roundtrip.py"),
	})
}

// ksJS returns a directory with the generated client.js, the JavaScript
// driver of generator/emit/js and testdata/roundtrip/roundtrip.mjs.
func ksJS(t testing.TB) string {
	return ksClient(t, &ks.js, "ks-js", js.Generate, map[string][]byte{
		"driver.mjs":    emitterTestdata(t, "js", "driver.mjs"),
		"roundtrip.mjs": readTestdata(t, "testdata", "roundtrip", "roundtrip.mjs"),
	})
}

// ksGo returns the directory holding the Go driver (of
// generator/emit/golang) and the Go round-trip program, both built with
// the generated api.go.
func ksGo(t testing.TB) string {
	return ks.goBin.get(t, func(t testing.TB) string {
		s := clienttest.KitchenSink(t)
		files, err := golang.Generate(s, s.Service("TaskService"), emit.Options{})
		require.NoError(t, err)
		return goBuild(t, scratchDir(t, "ks-go"), map[string][]byte{
			"api.go":                files[0].Content,
			"openrpc.json":          openrpcDoc(t, s, s.Service("TaskService")),
			"cmd/driver/main.go":    emitterTestdata(t, "golang", "driver", "main.go"),
			"cmd/roundtrip/main.go": readTestdata(t, "testdata", "roundtrip", "main.go"),
		}, "./cmd/driver", "./cmd/roundtrip")
	})
}

// ksRust returns the binary of testdata/rust/main.rs built with the
// handler of testdata/rust/tasks.rs and the generated rust_types.rs and
// rust_server.rs.
func ksRust(t testing.TB) string {
	return ks.rust.get(t, func(t testing.TB) string {
		return cargoBuild(t, scratchDir(t, "ks-rust"), "oschema_matrix", ksRustServerFiles(t, "rust"))
	})
}

// ksRustServerFiles returns the sources of a crate serving kitchen_sink:
// testdata/<dir>/main.rs, the handler of testdata/rust/tasks.rs and the
// generated src/kitchen_sink/rust/rust_types.rs and rust_server.rs, with
// the src/kitchen_sink/openrpc.json rust_server.rs embeds.
func ksRustServerFiles(t testing.TB, dir string) map[string][]byte {
	s := clienttest.KitchenSink(t)
	files := map[string][]byte{
		"src/main.rs":  readTestdata(t, "testdata", dir, "main.rs"),
		"src/tasks.rs": readTestdata(t, "testdata", "rust", "tasks.rs"),
	}
	addGenerated(t, files, "src/kitchen_sink", "rust_types,rust_server", s, s.Service("TaskService"))
	return files
}

// ksRustClient returns the driver of generator/emit/rust (testdata/driver)
// built with the generated rust_types.rs and rust_client.rs.
func ksRustClient(t testing.TB) string {
	return ks.rustClient.get(t, func(t testing.TB) string {
		s := clienttest.KitchenSink(t)
		svc := s.Service("TaskService")
		files := map[string][]byte{"src/main.rs": emitterTestdata(t, "rust", "driver", "main.rs")}
		for _, gen := range []emit.Generator{rust.GenerateTypes, rust.GenerateClient} {
			out, err := gen(s, svc, emit.Options{})
			require.NoError(t, err)
			for _, f := range out {
				files["src/kitchen_sink/"+f.Name] = f.Content
			}
		}
		return cargoBuild(t, scratchDir(t, "ks-rust-client"), "oschema_matrix_client", files)
	})
}

// client runs one generated client's driver through clienttest.Script
// against endpoint and returns the transcript.
type client struct {
	name string
	run  func(t *testing.T, endpoint string) string
}

func kitchenSinkClients() []client {
	return []client{
		{"python", func(t *testing.T, endpoint string) string {
			dir := ksPython(t)
			return run(t, "", testtool.Look(t, "python3"), filepath.Join(dir, "driver.py"), dir, endpoint)
		}},
		{"javascript", func(t *testing.T, endpoint string) string {
			dir := ksJS(t)
			return run(t, "", testtool.Look(t, "node"), filepath.Join(dir, "driver.mjs"), filepath.Join(dir, "client.js"), endpoint)
		}},
		{"go", func(t *testing.T, endpoint string) string {
			return run(t, "", filepath.Join(ksGo(t), "driver"), endpoint, clienttest.Task1, clienttest.Task2)
		}},
		{"rust", func(t *testing.T, endpoint string) string {
			return run(t, "", ksRustClient(t), "script", endpoint, clienttest.Task1, clienttest.Task2)
		}},
	}
}

// TestKitchenSinkMatrix runs the scripted conversation of every client
// against every server over every transport. Each server is started once;
// the script begins with reset, so cells may share it.
func TestKitchenSinkMatrix(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestKitchenSinkMatrix")
	servers := []struct {
		name  string
		start func(t *testing.T) endpoints
	}{
		{"rust", func(t *testing.T) endpoints {
			return startServer(t, ksRust(t), "serve", socketPath(t))
		}},
		{"go", func(t *testing.T) endpoints {
			srv := golangtest.StartKitchenSink(t)
			return endpoints{Unix: clienttest.Endpoint(srv.Socket), HTTP: srv.URL}
		}},
	}
	for _, srv := range servers {
		srv := srv
		t.Run(srv.name, func(t *testing.T) {
			ep := srv.start(t)
			for _, c := range kitchenSinkClients() {
				c := c
				t.Run(c.name, func(t *testing.T) {
					for _, tr := range []struct{ name, endpoint string }{{"unix", ep.Unix}, {"http", ep.HTTP}} {
						tr := tr
						t.Run(tr.name, func(t *testing.T) {
							clienttest.CheckTranscript(t, c.run(t, tr.endpoint))
						})
					}
				})
			}
		})
	}
}
