package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// previous fills out/ with a previous run's files and returns them.
func previous(t *testing.T) map[string]string {
	t.Helper()
	old := map[string]string{}
	for _, name := range []string{"js/client.d.ts", "js/client.js", "python/greeter/__init__.py", "openrpc.json", "rust/rust_server.rs"} {
		old[name] = "previous " + name
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join("out", name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join("out", name), []byte(old[name]), 0o644))
	}
	return old
}

func assertUnchanged(t *testing.T, old map[string]string, extra ...string) {
	t.Helper()
	for name, content := range old {
		b, err := os.ReadFile(filepath.Join("out", name))
		require.NoError(t, err)
		assert.Equal(t, content, string(b), "%s was replaced by a failed run", name)
	}
	want := append(extra, sortedKeys(old)...)
	assert.ElementsMatch(t, want, listDir(t, "out"), "no temporary or new files are left")
}

// TestGenerateIsAtomic: a target that cannot be written is found before
// any file is replaced, and a rename that fails half way puts back the
// files renamed before it.
func TestGenerateIsAtomic(t *testing.T) {
	workspace(t, map[string]string{"svc/greeter/00.oschema": goodSchema})
	require.NoError(t, os.MkdirAll("out/rust/rust_types.rs", 0o755))
	old := previous(t)
	code, _, stderr := runCLI("generate", "-out", "out", "svc/greeter")
	assert.Equal(t, 1, code)
	assert.Equal(t, "writing out/rust/rust_types.rs: it is a directory; remove it or write the file elsewhere (nothing was written)\n", stderr)
	assertUnchanged(t, old)

	require.NoError(t, os.RemoveAll("out/rust/rust_types.rs"))
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == 4 { // openrpc.json: three files are in place already
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EIO}
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	code, _, stderr = runCLI("generate", "-out", "out", "svc/greeter")
	assert.Equal(t, 1, code)
	assert.Regexp(t, `^writing out/openrpc.json: rename out/\.openrpc\.json\.tmp\d+ out/openrpc.json: input/output error \(the files written before it were restored\)\n$`, stderr)
	assertUnchanged(t, old)
}

// TestFmtWriteKeepsLinksAndModes: fmt -w writes through a symlink and
// keeps the file's mode.
func TestFmtWriteKeepsLinksAndModes(t *testing.T) {
	workspace(t, map[string]string{"real/a.oschema": "A = {\n  a:   str\n}\n"})
	require.NoError(t, os.Chmod("real/a.oschema", 0o600))
	require.NoError(t, os.MkdirAll("link", 0o755))
	require.NoError(t, os.Symlink("../real/a.oschema", "link/a.oschema"))
	code, _, stderr := runCLI("fmt", "-w", "link/a.oschema")
	require.Equal(t, 0, code, stderr)
	target, err := os.Readlink("link/a.oschema")
	require.NoError(t, err, "the link is still a link")
	assert.Equal(t, "../real/a.oschema", target)
	b, err := os.ReadFile("real/a.oschema")
	require.NoError(t, err)
	assert.Equal(t, "A = {\n    a: str\n}\n", string(b))
	st, err := os.Stat("real/a.oschema")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.Equal(t, []string{"a.oschema"}, listDir(t, "real"), "no temporary files left")
}

// TestSpecialFilesAreRefused: the CLI reads regular files only.
func TestSpecialFilesAreRefused(t *testing.T) {
	workspace(t, map[string]string{"ok/a.oschema": goodSchema})
	require.NoError(t, os.MkdirAll("zero", 0o755))
	require.NoError(t, os.Symlink("/dev/zero", "zero/a.oschema"))
	require.NoError(t, os.MkdirAll("fifo", 0o755))
	require.NoError(t, syscall.Mkfifo("fifo/a.oschema", 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "zero"}, "zero/a.oschema is a device, not a schema file: only regular files are read\n"},
		{[]string{"check", "fifo"}, "fifo/a.oschema is a named pipe (FIFO), not a schema file: only regular files are read\n"},
		{[]string{"generate", "-out", "out", "fifo"}, "fifo/a.oschema is a named pipe (FIFO), not a schema file: only regular files are read\n"},
		{[]string{"fmt", "fifo/a.oschema"}, "fifo/a.oschema is a named pipe (FIFO), not a schema file: only regular files are read\n"},
		{[]string{"fmt", "zero"}, "zero/a.oschema is a device, not a schema file: only regular files are read\n"},
	} {
		code, _, stderr := runCLI(tc.args...)
		assert.Equal(t, 1, code, "%v", tc.args)
		assert.Equal(t, tc.want, stderr, "%v", tc.args)
	}
	_, err := os.Stat("out")
	assert.True(t, errors.Is(err, os.ErrNotExist), "nothing written")
}
