package resolve_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// TestFormatKeepsModel formats every file of every test schema and checks
// that the formatted workspace resolves to the same model.
func TestFormatKeepsModel(t *testing.T) {
	root := os.DirFS(workspace(t))
	formatted := fstest.MapFS{}
	var dirs []string
	err := fs.WalkDir(root, "generator/testdata/schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "generator/testdata/schemas" {
				dirs = append(dirs, p)
			}
			return nil
		}
		if !strings.HasSuffix(p, ".oschema") {
			return nil
		}
		src, err := fs.ReadFile(root, p)
		require.NoError(t, err)
		f, diags := syntax.Parse(p, src)
		require.Empty(t, diags)
		formatted[p] = &fstest.MapFile{Data: syntax.Format(f)}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		want, err := resolve.Load(root, dir)
		require.NoError(t, err, dir)
		got, err := resolve.Load(formatted, dir)
		require.NoError(t, err, dir)
		assert.Equal(t, want.Canonical(), got.Canonical(), dir)
	}
}
