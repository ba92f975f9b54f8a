package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
			compileOutputs(t, out, dir == reservedNamesSchema)
		})
	}
}

// compileOutputs compiles what generate wrote to out.
func compileOutputs(t *testing.T, out string, typescript bool) {
	t.Helper()
	run := func(dir, name string, env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), b)
	}
	// Go: a module with api.go alone, vetted by every supported Go.
	api, err := os.ReadFile(filepath.Join(out, "api.go"))
	require.NoError(t, err)
	mod := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/api\n\ngo 1.19\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "api.go"), api, 0o644))
	goEnv := []string{"GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0"}
	run(mod, testtool.Look(t, "go"), goEnv, "vet", "./...")
	run(mod, testtool.Look(t, "go1.19", "/usr/lib/go-1.19/bin/go"), goEnv, "vet", "./...")
	// Python: byte-compile client.py (into a temp dir: out stays clean).
	pyc := filepath.Join(t.TempDir(), "client.pyc")
	run(out, testtool.Look(t, "python3"), nil, "-c",
		"import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
		"client.py", pyc)
	// JavaScript: syntax of client.js; on a sample, tsc on client.d.ts.
	node := testtool.Look(t, "node")
	run(out, node, nil, "--check", "client.js")
	if typescript {
		bin := filepath.Join(testtool.NodeModules(t), "typescript", "bin", "tsc")
		run(out, node, nil, bin, "--strict", "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "node", "client.d.ts")
	}
}
