package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestInstalledPackages lays the clients of two services out as the
// packages they are meant to be installed as, <schema>/__init__.py (the
// generated client, unchanged) next to an empty PEP 561 py.typed marker,
// in one directory on PYTHONPATH, as pip would put them in site-packages.
// Both import side by side (no `import client` collision), and mypy
// --strict, finding them through the interpreter's path alone (no
// MYPYPATH), uses their types: it rejects a wrong return type, and without
// py.typed it refuses to analyze the package at all.
func TestInstalledPackages(t *testing.T) {
	t.Parallel()
	mypy := testtool.Mypy(t)
	site, app := t.TempDir(), t.TempDir()
	for _, dir := range []string{"examples/hero_logic", "proc/hero_proc"} {
		s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), dir)
		require.NoError(t, err)
		files, err := Generate(s, s.Services[0], emit.Options{})
		require.NoError(t, err)
		pkg := filepath.Join(site, s.Name)
		require.NoError(t, os.MkdirAll(pkg, 0o755))
		require.Equal(t, []string{FileName, TypedFileName}, []string{files[0].Name, files[1].Name})
		require.NoError(t, os.WriteFile(filepath.Join(pkg, "__init__.py"), files[0].Content, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(pkg, "py.typed"), files[1].Content, 0o644))
	}
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(app, name), []byte(content), 0o644))
	}
	write("app.py", `from typing import List

import hero_logic
import hero_proc
from hero_proc import HeroProcClient


def statuses(c: HeroProcClient) -> List[hero_proc.ServiceStatus]:
    return c.service_list()


def play(c: hero_logic.LogicServiceClient) -> hero_logic.Play:
    return c.play_start("workflow", "{}")


print(hero_logic.LogicServiceClient.__module__, HeroProcClient.__module__)
`)
	write("wrong.py", `import hero_proc


def count(c: hero_proc.HeroProcClient) -> int:
    return c.service_list()
`)
	env := append(os.Environ(), "PYTHONPATH="+site, "MYPYPATH=")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = app, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(mypy[0], "app.py")
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "hero_logic hero_proc", strings.TrimSpace(out))

	check := append(append([]string{}, mypy...), "--strict", "--python-version", "3.9", "--no-incremental")
	out, err = run(append(check, "app.py")...)
	require.NoError(t, err, "mypy --strict on the installed packages:\n%s", out)
	out, err = run(append(check, "wrong.py")...)
	require.Error(t, err, "mypy accepted a wrong return type:\n%s", out)
	assert.Contains(t, out, `Incompatible return value type (got "List[ServiceStatus]", expected "int")`)

	require.NoError(t, os.Remove(filepath.Join(site, "hero_proc", "py.typed")))
	out, err = run(append(check, "app.py")...)
	require.Error(t, err, "without py.typed mypy must not analyze hero_proc:\n%s", out)
	assert.Contains(t, out, "missing library stubs or py.typed marker")
}
