package resolve_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

// deniedFS answers every operation on a path under its prefix with
// permission denied (the tests may run as root, who is never denied).
type deniedFS struct {
	fs.FS
	prefix string
}

func (d deniedFS) Open(name string) (fs.File, error) {
	if strings.HasPrefix(name, d.prefix) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.FS.Open(name)
}

// TestSpecialFiles: only regular files are read, at most 16 MiB; anything
// else is an error naming the file and what it is, without reading or
// blocking.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, setup func(p string)) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(p, 0o755))
		setup(p)
	}
	mk("zero", func(p string) { require.NoError(t, os.Symlink("/dev/zero", filepath.Join(p, "a.oschema"))) })
	mk("fifo", func(p string) { require.NoError(t, syscall.Mkfifo(filepath.Join(p, "a.oschema"), 0o644)) })
	mk("dir", func(p string) { require.NoError(t, os.Mkdir(filepath.Join(p, "a.oschema"), 0o755)) })
	mk("big", func(p string) {
		require.NoError(t, os.WriteFile(filepath.Join(p, "a.oschema"), make([]byte, resolve.MaxFileSize+1), 0o644))
	})
	mk("file", func(p string) { require.NoError(t, os.WriteFile(filepath.Join(p, "x"), []byte("A = {}\n"), 0o644)) })
	for _, tc := range []struct{ dir, want string }{
		{"zero", "zero/a.oschema is a device, not a schema file: only regular files are read"},
		{"fifo", "fifo/a.oschema is a named pipe (FIFO), not a schema file: only regular files are read"},
		{"dir", "dir/a.oschema is a directory, not a schema file: only regular files are read"},
		{"big", "big/a.oschema is too large (16.0 MiB): files are limited to 16 MiB"},
		{"missing", `schema directory "missing" not found`},
		{"file/x", `schema directory "file/x" is not a directory`},
	} {
		_, err := resolve.Load(os.DirFS(dir), tc.dir)
		require.Error(t, err, tc.dir)
		assert.Equal(t, tc.want, err.Error(), tc.dir)
	}

	fsys := fstest.MapFS{"ok/a.oschema": {Data: []byte("A = {\n    a: str\n}\n")}}
	_, err := resolve.Load(deniedFS{fsys, "ok"}, "ok")
	require.Error(t, err)
	assert.Equal(t, `schema directory "ok" cannot be read: permission denied`, err.Error())
	_, err = resolve.Load(deniedFS{fsys, "ok/a"}, "ok")
	require.Error(t, err)
	assert.Equal(t, "ok/a.oschema: permission denied", err.Error())

	_, err = resolve.ReadOSFile(filepath.Join(dir, "nope.json"))
	assert.True(t, err != nil && strings.HasSuffix(err.Error(), "nope.json: no such file"), "%v", err)
	assert.False(t, errors.Is(err, fs.ErrNotExist)) // a message, not a wrapped error
}
