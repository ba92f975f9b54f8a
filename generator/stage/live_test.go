package stage

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang/golangtest"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// loadTestSchema loads testdata/<base>/<name>.
func loadTestSchema(t testing.TB, base, name string) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(filepath.Join("testdata", base)), name)
	require.NoError(t, err)
	return s
}

// pregenerate writes the openrpc, python and js artifacts of s into dir,
// as a committed generated/ directory holds them (artifacts.Layout).
func pregenerate(t testing.TB, s *model.Schema, dir string) {
	t.Helper()
	pregenerateAs(t, s, dir, func(name string) string {
		pkg, err := artifacts.DefaultPythonPackage(s.Name)
		require.NoError(t, err)
		return artifacts.Path(name, pkg)
	})
}

// pregenerateAs is pregenerate with each file at path(its name).
func pregenerateAs(t testing.TB, s *model.Schema, dir string, path func(string) string) {
	t.Helper()
	chosen, err := artifacts.Select("openrpc,python,js")
	require.NoError(t, err)
	for _, a := range chosen {
		files, err := a.Generate(s, s.Services[0], emit.Options{})
		require.NoError(t, err)
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(path(f.Name)))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, f.Content, 0o644))
		}
	}
}

// buildServer generates api.go for s, adds testdata/impl/<impl>.go and the
// kitchen_sink harness command, and builds it.
func buildServer(goBin, root, dir string, s *model.Schema, impl string) (string, error) {
	files, err := golang.Generate(s, s.Services[0], emit.Options{})
	if err != nil {
		return "", err
	}
	doc, err := openrpc.Document(s, s.Services[0])
	if err != nil {
		return "", err
	}
	pkg, err := golang.PackageName(s, emit.Options{})
	if err != nil {
		return "", err
	}
	implSrc, err := os.ReadFile(filepath.Join("testdata", "impl", impl+".go"))
	if err != nil {
		return "", err
	}
	harness, err := os.ReadFile(filepath.Join(root, "generator", "emit", "golang", "testdata", "harness", "main.go"))
	if err != nil {
		return "", err
	}
	main := strings.Replace(string(harness), `ks "example.com/kitchensink"`, `ks "example.com/`+pkg+`"`, 1)
	for name, content := range map[string][]byte{
		"go.mod":              []byte("module example.com/" + pkg + "\n\ngo 1.19\n"),
		"api.go":              files[0].Content,
		"openrpc.json":        doc, // api.go embeds it
		"impl.go":             implSrc,
		"cmd/harness/main.go": []byte(main),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(dir, pkg+"_server")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/harness")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

// shortTemp returns a short temporary directory: Unix socket paths are
// limited to about 100 bytes.
func shortTemp(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "stg")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// listenHang accepts connections on socket and never answers.
func listenHang(t testing.TB, socket string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(socket), 0o755))
	l, err := net.Listen("unix", socket)
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
}

// serveHTTP serves h on socket until t ends or stop is called (which
// removes the socket file).
func serveHTTP(t testing.TB, socket string, h http.HandlerFunc) (stop func()) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(socket), 0o755))
	l, err := net.Listen("unix", socket)
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return func() { srv.Close() }
}

// zinitDoc is a document of a server nobody here wrote, returned as a
// JSON string, the way zinit answers rpc.discover.
const zinitDoc = `{"openrpc":"1.3.2","info":{"title":"Zinit","version":"0.2.0"},"methods":[{"name":"service_list","params":[],"result":{"name":"services","schema":{"type":"array","items":{"type":"string"}}}}]}`

// TestStageLiveServices runs generated Go servers as processes: alpha
// matches its pre-generated client, beta runs a newer schema than its
// pre-generated client (a method added, a field's type changed), gamma
// has no pre-generated client; hang never answers, garbage answers
// something that is not JSON-RPC, and zinit returns its document as a
// JSON string. The staged Python and JS clients then call the services.
func TestStageLiveServices(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds generated Go servers with the go command")
	goBin := testtool.Look(t, "go", "/usr/lib/go-1.19/bin/go")
	root := testtool.RepoRoot(t)

	alpha := loadTestSchema(t, ".", "alpha")
	betaOld := loadTestSchema(t, "v1", "beta")
	betaNew := loadTestSchema(t, "v2", "beta")
	gamma := loadTestSchema(t, ".", "gamma")

	tmp := shortTemp(t)
	from := filepath.Join(tmp, "from")
	pregenerate(t, alpha, filepath.Join(from, "alpha", "generated"))
	pregenerate(t, betaOld, filepath.Join(from, "beta", "generated"))

	// Build the three servers concurrently.
	type job struct {
		s    *model.Schema
		impl string
		bin  string
		err  error
	}
	jobs := []*job{{s: alpha, impl: "alpha"}, {s: betaNew, impl: "beta"}, {s: gamma, impl: "gamma"}}
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func(i int, j *job) {
			defer wg.Done()
			j.bin, j.err = buildServer(goBin, root, filepath.Join(tmp, "build", j.impl), j.s, j.impl)
		}(i, j)
	}
	wg.Wait()
	sockets := filepath.Join(tmp, "s")
	for _, j := range jobs {
		require.NoError(t, j.err)
		sock := filepath.Join(sockets, j.impl, SocketName)
		require.NoError(t, os.MkdirAll(filepath.Dir(sock), 0o755))
		golangtest.Start(t, j.bin, "-socket", sock, "-http", "127.0.0.1:0")
	}
	listenHang(t, filepath.Join(sockets, "hang", SocketName))
	serveHTTP(t, filepath.Join(sockets, "garbage", SocketName), func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html>not json-rpc</html>")
	})
	serveHTTP(t, filepath.Join(sockets, "zinit", SocketName), func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%q}`, zinitDoc)
	})

	outPy := filepath.Join(tmp, "py")
	outJS := filepath.Join(tmp, "js")
	// A service staged earlier whose socket is gone.
	require.NoError(t, os.MkdirAll(outPy, 0o755))
	for _, f := range []string{"old_client.py", "old_client.py.hash", "old_interface.py"} {
		require.NoError(t, os.WriteFile(filepath.Join(outPy, f), []byte("x\n"), 0o644))
	}

	opts := Options{Sockets: sockets, From: []string{from}, OutPython: outPy, OutJS: outJS, Timeout: time.Second}
	start := time.Now()
	rep, err := Stage(context.Background(), opts)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the hanging service must not hold up the others beyond its timeout")

	status := map[string]string{}
	byName := map[string]Result{}
	for _, r := range rep.Services {
		status[r.Service] = r.Status
		byName[r.Service] = r
	}
	assert.Equal(t, map[string]string{
		"alpha": StatusCurrent, "beta": StatusDrift, "gamma": StatusFallback,
		"hang": StatusTimeout, "garbage": StatusError, "zinit": StatusFallback,
	}, status)
	assert.True(t, rep.Drift)
	assert.Equal(t, []string{"old"}, rep.Removed)
	assert.NoFileExists(t, filepath.Join(outPy, "old_client.py"))
	assert.NoFileExists(t, filepath.Join(outPy, "old_interface.py"))

	// Hashes: the live hash of a generated server is its schema's hash
	// (the value in its clients' headers and its x-oschema-model).
	assert.Equal(t, alpha.Hash(), byName["alpha"].LiveHash)
	assert.Equal(t, alpha.Hash(), byName["alpha"].Announced)
	assert.Equal(t, betaNew.Hash(), byName["beta"].LiveHash)
	assert.Equal(t, betaOld.Hash(), byName["beta"].ClientHash)
	require.NotNil(t, byName["beta"].Diff)
	kinds := map[string]bool{}
	for _, c := range byName["beta"].Diff.Changes {
		kinds[c.Kind+" "+c.Where] = true
	}
	assert.True(t, kinds["method-added BetaService.scale"], "%v", kinds)
	assert.True(t, kinds["field-type-changed Point.x"], "%v", kinds)

	// The matching client is copied byte for byte; the others are marked.
	pre, err := os.ReadFile(filepath.Join(from, "alpha", "generated", "python", "alpha", "__init__.py"))
	require.NoError(t, err)
	staged, err := os.ReadFile(filepath.Join(outPy, "alpha_client.py"))
	require.NoError(t, err)
	assert.Equal(t, string(pre), string(staged))
	for svc, want := range map[string]string{"beta": "is stale", "gamma": "(fallback)", "zinit": "(fallback)"} {
		for _, f := range []string{filepath.Join(outPy, svc+"_client.py"), filepath.Join(outJS, svc+"_client.js")} {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			lines := strings.SplitN(string(data), "\n", 4)
			assert.Contains(t, lines[2], StageMarker, f)
			assert.Contains(t, lines[2], want, f)
		}
	}
	for _, svc := range []string{"alpha", "beta", "gamma", "zinit"} {
		h, err := os.ReadFile(filepath.Join(outPy, svc+"_client.py.hash"))
		require.NoError(t, err)
		assert.Equal(t, byName[svc].LiveHash+"\n", string(h))
		assert.FileExists(t, filepath.Join(outJS, svc+"_client.js.hash"))
		assert.FileExists(t, filepath.Join(outPy, svc+"_interface.py"))
	}
	for _, svc := range []string{"hang", "garbage"} {
		assert.NoFileExists(t, filepath.Join(outPy, svc+"_client.py"))
	}
	assert.Contains(t, byName["garbage"].Error, "not JSON-RPC")

	// The report is part of the product.
	clean := func(b []byte) []byte { return []byte(strings.ReplaceAll(string(b), tmp, "$TMP")) }
	golden(t, "stage.txt.golden", clean([]byte(rep.Text())))
	golden(t, "stage.json.golden", clean(rep.JSON()))

	// Staging again writes nothing.
	again, err := Stage(context.Background(), opts)
	require.NoError(t, err)
	for _, r := range again.Services {
		assert.Empty(t, r.Written, r.Service)
	}

	// The staged clients call the live services.
	python := testtool.Look(t, "python3")
	script := `
import sys
sys.path.insert(0, sys.argv[1])
sockets = sys.argv[2]
import alpha_client, beta_client, gamma_client
import alpha_interface, beta_interface, gamma_interface, zinit_interface
def unix(mod, svc):
    return mod.UnixSocketTransport(sockets + "/" + svc + "/rpc.sock", timeout=5)
print(alpha_client.AlphaServiceClient(unix(alpha_client, "alpha")).greet("py"))
b = beta_client.BetaServiceClient(unix(beta_client, "beta"))
p = b.get_point("a")
print(p.label, p.x)
q = b.scale(p, 2.0)
print(q.label, q.x)
print(gamma_client.GammaServiceClient(unix(gamma_client, "gamma")).add(2, 3))
print(beta_client.BetaServiceClient().scale(p, 4.0).x)
`
	out, err := exec.Command(python, "-c", script, outPy, sockets).CombinedOutput()
	require.NoError(t, err, "%s", out)
	// x is an f64 in v2: the client decodes it as a float.
	assert.Equal(t, "hello py\na 1.5\na 3.0\n5\n6.0\n", string(out))

	if node, ok := lookNode(); ok {
		js := `
const dir = process.argv[1];
const sockets = process.argv[2];
const a = await import(dir + "/alpha_client.js");
const b = await import(dir + "/beta_client.js");
const g = await import(dir + "/gamma_client.js");
console.log(await new a.AlphaServiceClient({socketPath: sockets + "/alpha/rpc.sock"}).greet({name: "js"}));
const bc = new b.BetaServiceClient({socketPath: sockets + "/beta/rpc.sock"});
const p = await bc.getPoint({label: "j"});
console.log((await bc.scale({p, factor: 3})).x);
console.log(await new g.GammaServiceClient().add({a: 4, b: 5}));
`
		out, err := exec.Command(node, "--input-type=module", "-e", js, outJS, sockets).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Equal(t, "hello js\n4.5\n9\n", string(out))
	}
}

func lookNode() (string, bool) {
	p, err := exec.LookPath("node")
	return p, err == nil
}

// stageRustCrate is the cargo package of testdata/rust/main.rs, and so the
// name of its binary in the shared cargo target directory.
const stageRustCrate = "oschema_stage_rust_servers"

// buildRustServers builds testdata/rust/main.rs with the generated
// rust_types.rs and rust_server.rs of each schema (module name -> schema),
// laid out as the CLI's -out does (src/<module>/rust/, and the
// src/<module>/openrpc.json rust_server.rs embeds): one crate, one binary,
// serving the service its first argument names.
func buildRustServers(t *testing.T, schemas map[string]*model.Schema) string {
	t.Helper()
	main, err := os.ReadFile(filepath.Join("testdata", "rust", "main.rs"))
	require.NoError(t, err)
	files := map[string][]byte{"src/main.rs": main}
	chosen, err := artifacts.Select("rust_types,rust_server")
	require.NoError(t, err)
	for module, s := range schemas {
		for _, a := range chosen {
			out, err := a.Generate(s, s.Services[0], emit.Options{})
			require.NoError(t, err)
			for _, f := range out {
				files["src/"+module+"/"+artifacts.Path(f.Name, "")] = f.Content
			}
		}
	}
	start := time.Now()
	bin := testtool.CargoBuild(t, t.TempDir(), stageRustCrate, files)
	t.Logf("cargo build: %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// TestStageLiveRustServices runs generated Rust servers as processes:
// alpha matches its pre-generated client, beta runs a newer schema (v2)
// than its pre-generated client (v1). The staged Python and JS clients
// then call them.
func TestStageLiveRustServices(t *testing.T) {
	testtool.SkipUnderBazel(t, "builds generated Rust servers with cargo")
	alpha := loadTestSchema(t, ".", "alpha")
	betaOld := loadTestSchema(t, "v1", "beta")
	betaNew := loadTestSchema(t, "v2", "beta")
	bin := buildRustServers(t, map[string]*model.Schema{"alpha": alpha, "beta": betaNew})

	tmp := shortTemp(t)
	from := filepath.Join(tmp, "from")
	pregenerate(t, alpha, filepath.Join(from, "alpha", "generated"))
	pregenerate(t, betaOld, filepath.Join(from, "beta", "generated"))
	sockets := filepath.Join(tmp, "s")
	for _, svc := range []string{"alpha", "beta"} {
		srv := golangtest.Start(t, bin, svc, filepath.Join(sockets, svc, SocketName))
		require.Equal(t, filepath.Join(sockets, svc, SocketName), srv.Socket)
	}

	outPy := filepath.Join(tmp, "py")
	outJS := filepath.Join(tmp, "js")
	opts := Options{Sockets: sockets, From: []string{from}, OutPython: outPy, OutJS: outJS, Timeout: 5 * time.Second}
	rep, err := Stage(context.Background(), opts)
	require.NoError(t, err)
	byName := map[string]Result{}
	for _, r := range rep.Services {
		byName[r.Service] = r
	}
	require.Len(t, byName, 2)
	a, b := byName["alpha"], byName["beta"]
	assert.Equal(t, StatusCurrent, a.Status, a.Error)
	assert.Equal(t, StatusDrift, b.Status, b.Error)
	assert.True(t, rep.Drift)
	// A generated Rust server announces the hash of its schema, as a Go
	// one does. Its rpc.discover document goes through serde_json::Value,
	// whose objects (without serde_json's preserve_order feature) sort
	// their keys, so Point's properties arrive as label, x: the imported
	// model orders its fields that way and hashes differently from the
	// schema (alpha, with one parameter, is not affected). The announced
	// hash is what still matches beta's clients.
	assert.Equal(t, alpha.Hash(), a.LiveHash)
	assert.Equal(t, alpha.Hash(), a.Announced)
	assert.Equal(t, betaNew.Hash(), b.Announced)
	// The Rust server answers rpc.discover with its document as written
	// (not re-serialised with sorted keys), so the live model is the
	// schema's, record fields in order.
	assert.Equal(t, betaNew.Hash(), b.LiveHash)
	assert.Equal(t, betaOld.Hash(), b.ClientHash)
	require.NotNil(t, b.Diff)
	kinds := map[string]bool{}
	for _, c := range b.Diff.Changes {
		kinds[c.Kind+" "+c.Where] = true
	}
	assert.True(t, kinds["method-added BetaService.scale"], "%v", kinds)
	assert.True(t, kinds["field-type-changed Point.x"], "%v", kinds)

	pre, err := os.ReadFile(filepath.Join(from, "alpha", "generated", "python", "alpha", "__init__.py"))
	require.NoError(t, err)
	staged, err := os.ReadFile(filepath.Join(outPy, "alpha_client.py"))
	require.NoError(t, err)
	assert.Equal(t, string(pre), string(staged), "the matching client is copied byte for byte")
	for _, f := range []string{filepath.Join(outPy, "beta_client.py"), filepath.Join(outJS, "beta_client.js")} {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		lines := strings.SplitN(string(data), "\n", 4)
		require.Len(t, lines, 4, f)
		assert.Contains(t, lines[2], StageMarker+"generated at staging time", f)
		assert.Contains(t, lines[2], "is stale", f)
	}

	again, err := Stage(context.Background(), opts)
	require.NoError(t, err)
	for _, r := range again.Services {
		assert.Empty(t, r.Written, r.Service)
	}

	python := testtool.Look(t, "python3")
	script := `
import sys
sys.path.insert(0, sys.argv[1])
sockets = sys.argv[2]
import alpha_client, beta_client, alpha_interface, beta_interface
def unix(mod, svc):
    return mod.UnixSocketTransport(sockets + "/" + svc + "/rpc.sock", timeout=5)
print(alpha_client.AlphaServiceClient(unix(alpha_client, "alpha")).greet("py"))
b = beta_client.BetaServiceClient(unix(beta_client, "beta"))
p = b.get_point("a")
print(p.label, p.x)
print(b.scale(p, 2.0).x)
print(beta_client.BetaServiceClient().scale(p, 4.0).x)
`
	out, err := exec.Command(python, "-c", script, outPy, sockets).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "hello py\na 1.5\n3.0\n6.0\n", string(out))

	node := testtool.Look(t, "node")
	js := `
const dir = process.argv[1];
const sockets = process.argv[2];
const a = await import(dir + "/alpha_client.js");
const b = await import(dir + "/beta_client.js");
console.log(await new a.AlphaServiceClient({socketPath: sockets + "/alpha/rpc.sock"}).greet({name: "js"}));
const bc = new b.BetaServiceClient();
const p = await bc.getPoint({label: "j"});
console.log(p.label, (await bc.scale({p, factor: 3})).x);
`
	out, err = exec.Command(node, "--input-type=module", "-e", js, outJS, sockets).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "hello js\nj 4.5\n", string(out))
}

// TestCandidateLayouts: pre-generated clients are found in the
// per-language layout of a generated/ directory (python/<package>/,
// js/) and in a flat directory (files placed with -o or out_names), once
// each: the js/ of a candidate is not a candidate of its own.
func TestCandidateLayouts(t *testing.T) {
	alpha := loadTestSchema(t, ".", "alpha")
	root := t.TempDir()
	layout := filepath.Join(root, "svc", "generated")
	flat := filepath.Join(root, "flat", "out")
	pregenerate(t, alpha, layout)
	pregenerateAs(t, alpha, flat, func(name string) string { return name })
	// An __init__.py that the generator did not write is not a client.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "svc", "generated", "python", "aaa"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "svc", "generated", "python", "aaa", "__init__.py"), []byte("x = 1\n"), 0o644))

	idx, err := indexClients([]string{root})
	require.NoError(t, err)
	require.Len(t, idx, 2, "one candidate per directory of generated files")
	byDir := map[string]*candidate{}
	for _, c := range idx {
		byDir[c.dir] = c
	}
	require.Contains(t, byDir, flat)
	require.Contains(t, byDir, layout)
	assert.Equal(t, map[string]string{
		"python": filepath.Join(layout, "python", "alpha", "__init__.py"),
		"js":     filepath.Join(layout, "js", "client.js"),
	}, byDir[layout].files)
	assert.Equal(t, map[string]string{
		"python": filepath.Join(flat, "client.py"),
		"js":     filepath.Join(flat, "client.js"),
	}, byDir[flat].files)
	for _, c := range idx {
		assert.Equal(t, alpha.Hash(), c.hashes["python"], c.dir)
		assert.Equal(t, alpha.Hash(), c.hashes["js"], c.dir)
		assert.True(t, c.names["alpha"], "%s answers to its schema's name", c.dir)
	}
}
