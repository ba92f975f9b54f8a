package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// reservedNamesSchema uses, as decl, field, param and method names, the
// names target languages or the generated code rely on.
const reservedNamesSchema = "generator/testdata/schemas/reserved_names"

// TestCheckImpliesGenerate is the promise of `check`: whenever it accepts a
// schema, `generate -artifacts all` succeeds, and the outputs compile. It
// runs over every schema under generator/testdata/schemas (the golden
// schemas and reserved_names, which uses Error, Result, Client, str,
// params, constructor, ... as names). Go code is vetted with the host Go
// and Go 1.19, Python is byte-compiled, JavaScript syntax-checked, and on
// reserved_names the TypeScript declarations are type-checked; Rust is
// compiled for reserved_names and no_methods by the rust package's
// TestCargo.
func TestCheckImpliesGenerate(t *testing.T) {
	root := testtool.RepoRoot(t)
	entries, err := os.ReadDir(filepath.Join(root, "generator", "testdata", "schemas"))
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, "generator/testdata/schemas/"+e.Name())
		}
	}
	sort.Strings(dirs)
	require.Contains(t, dirs, reservedNamesSchema)
	for _, dir := range dirs {
		dir := dir
		t.Run(filepath.Base(dir), func(t *testing.T) {
			code, _, stderr := runCLI("check", "-root", root, dir)
			if code != 0 {
				require.NotEqual(t, reservedNamesSchema, dir, "check rejected %s:\n%s", dir, stderr)
				return // check refused it: generate need not work
			}
			out := t.TempDir()
			code, _, stderr = runCLI("generate", "-root", root, "-artifacts", "all", "-out", out, dir)
			if strings.Contains(stderr, "has no service: add a `service Name { ... }` block") {
				t.Skipf("%s is a types-only schema (imported by others)", dir)
			}
			require.Equal(t, 0, code, "check accepted %s but generate failed:\n%s", dir, stderr)
			compileOutputs(t, out, true, dir == reservedNamesSchema)
		})
	}
}

// TestCheckImpliesGenerateOnFuzzCorpus makes the same promise over the
// fuzzers' inputs: the committed corpus entries of FuzzParse, FuzzFormat
// and FuzzImport, and their seeds (every .oschema file under
// generator/testdata, every import and golden OpenRPC document). Each is
// a schema alone; most are refused by check, and those accepted must
// generate and compile (Go is vetted on a sample of them). With
// OSCHEMA_FUZZ_CACHE=1 it also takes every input the fuzzers found
// interesting on this machine ($GOCACHE/fuzz), to run after tools/fuzz.
func TestCheckImpliesGenerateOnFuzzCorpus(t *testing.T) {
	root := testtool.RepoRoot(t)
	type input struct {
		name string
		json bool
		data []byte
	}
	var inputs []input
	addCorpus := func(dir string, json bool) {
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			return
		}
		require.NoError(t, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			data, ok := corpusBytes(b)
			require.True(t, ok, "%s/%s is not a go test fuzz v1 []byte entry", dir, e.Name())
			inputs = append(inputs, input{filepath.Base(dir) + "/" + e.Name(), json, data})
		}
	}
	for _, target := range []string{"FuzzParse", "FuzzFormat"} {
		addCorpus(filepath.Join(root, "generator", "syntax", "testdata", "fuzz", target), false)
	}
	addCorpus(filepath.Join(root, "generator", "openrpc", "testdata", "fuzz", "FuzzImport"), true)
	require.NoError(t, filepath.Walk(filepath.Join(root, "generator", "testdata"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".oschema") {
			b, err := os.ReadFile(p)
			if err == nil {
				rel, _ := filepath.Rel(root, p)
				inputs = append(inputs, input{rel, false, b})
			}
			return err
		}
		return err
	}))
	for _, pattern := range []string{"import/*.json", "golden/*.json"} {
		paths, err := filepath.Glob(filepath.Join(root, "generator", "openrpc", "testdata", pattern))
		require.NoError(t, err)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			rel, _ := filepath.Rel(root, p)
			inputs = append(inputs, input{rel, true, b})
		}
	}
	if os.Getenv("OSCHEMA_FUZZ_CACHE") == "1" {
		cache, err := exec.Command(testtool.Look(t, "go"), "env", "GOCACHE").Output()
		require.NoError(t, err)
		base := filepath.Join(strings.TrimSpace(string(cache)), "fuzz", "github.com", "lhumina-code", "rules_oschema", "generator")
		addCorpus(filepath.Join(base, "syntax", "FuzzParse"), false)
		addCorpus(filepath.Join(base, "syntax", "FuzzFormat"), false)
		addCorpus(filepath.Join(base, "openrpc", "FuzzImport"), true)
	}
	require.NotEmpty(t, inputs)

	accepted, vetted := 0, 0
	for _, in := range inputs {
		ws := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(ws, "WORKSPACE"), nil, 0o644))
		arg := "svc"
		if in.json {
			arg = "doc.json"
			require.NoError(t, os.WriteFile(filepath.Join(ws, arg), in.data, 0o644))
		} else {
			require.NoError(t, os.Mkdir(filepath.Join(ws, arg), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(ws, arg, "00.oschema"), in.data, 0o644))
		}
		if code, _, _ := runCLI("check", "-root", ws, arg); code != 0 {
			continue
		}
		out := filepath.Join(ws, "out")
		code, _, stderr := runCLI("generate", "-root", ws, "-artifacts", "all", "-out", out, arg)
		if strings.Contains(stderr, "has no service") {
			continue // types only: nothing to generate
		}
		require.Equal(t, 0, code, "check accepted %s but generate failed:\n%s", in.name, stderr)
		accepted++
		vet := vetted < 3
		if vet {
			vetted++
		}
		compileOutputs(t, out, vet, false)
	}
	t.Logf("%d inputs, %d accepted by check, generated and compiled (Go vetted on %d)", len(inputs), accepted, vetted)
	require.NotZero(t, accepted)
}

// corpusBytes returns the input of a "go test fuzz v1" file holding one
// []byte value.
func corpusBytes(b []byte) ([]byte, bool) {
	lines := strings.SplitN(strings.TrimSpace(string(b)), "\n", 2)
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, false
	}
	v := strings.TrimSpace(lines[1])
	if !strings.HasPrefix(v, "[]byte(") || !strings.HasSuffix(v, ")") {
		return nil, false
	}
	s, err := strconv.Unquote(v[len("[]byte(") : len(v)-1])
	if err != nil {
		return nil, false
	}
	return []byte(s), true
}

// compileOutputs compiles what generate wrote to out: Go (when vet) with
// every supported Go, Python, JavaScript, and (when typescript) the
// TypeScript declarations.
func compileOutputs(t *testing.T, out string, vet, typescript bool) {
	t.Helper()
	run := func(dir, name string, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), b)
	}
	// Go: a module with api.go and the openrpc.json it embeds, vetted by
	// every supported Go.
	api, err := os.ReadFile(filepath.Join(out, "api.go"))
	require.NoError(t, err)
	doc, err := os.ReadFile(filepath.Join(out, "openrpc.json"))
	require.NoError(t, err)
	if vet {
		mod := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/api\n\ngo 1.19\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(mod, "api.go"), api, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(mod, "openrpc.json"), doc, 0o644))
		goEnv := []string{"GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0"}
		run(mod, testtool.Look(t, "go"), goEnv, "vet", "./...")
		run(mod, testtool.Look(t, "go1.19", "/usr/lib/go-1.19/bin/go"), goEnv, "vet", "./...")
	}
	// Python: byte-compile the package's __init__.py (into a temp dir: out
	// stays clean).
	py, err := filepath.Glob(filepath.Join(out, "python", "*", "__init__.py"))
	require.NoError(t, err)
	require.Len(t, py, 1, "one Python package")
	pyc := filepath.Join(t.TempDir(), "client.pyc")
	run(out, testtool.Look(t, "python3"), nil, "-c",
		"import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
		py[0], pyc)
	// JavaScript: syntax of client.js; on a sample, tsc on client.d.ts.
	node := testtool.Look(t, "node")
	run(out, node, nil, "--check", "js/client.js")
	if typescript {
		bin := filepath.Join(testtool.NodeModules(t), "typescript", "bin", "tsc")
		run(out, node, nil, bin, "--strict", "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "node", "js/client.d.ts")
	}
}
