package oschema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRelsToIndex: what lazy indexing must index for a directory is its
// schema's imports (directories), sorted, without the schema itself, and
// nothing for a directory without a schema.
func TestRelsToIndex(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "svc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "00.oschema"), []byte(`import "shared/types"
import "common"

Rec = {
    a: str
}

service S {
    get() -> Rec
}
`), 0o644))
	c := config.New()
	c.RepoRoot = root
	c.Exts[languageName] = DefaultConfig()
	r := GenerateForDir(c, dir, "svc", nil, []string{"00.oschema"})
	require.NotEmpty(t, r.Gen)
	assert.Equal(t, []string{"common", "shared/types"}, r.RelsToIndex)

	empty := filepath.Join(root, "docs")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	assert.Empty(t, GenerateForDir(c, empty, "docs", nil, nil).RelsToIndex)
}
