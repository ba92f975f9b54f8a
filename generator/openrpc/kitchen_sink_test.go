package openrpc

import (
	"os"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadKitchenSink(t *testing.T) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/kitchen_sink")
	require.NoError(t, err)
	return s
}

// TestKitchenSinkParsed ties the hand-built model (and so the goldens) to
// what the parser really produces from generator/testdata/schemas.
func TestKitchenSinkParsed(t *testing.T) {
	s := loadKitchenSink(t)
	assert.Equal(t, handKitchenSink().Canonical(), s.Canonical())
	golden(t, "golden/kitchen_sink.openrpc.json", generate(t, s))
}

func TestKitchenSinkRoundTrip(t *testing.T) {
	s := loadKitchenSink(t)
	got, err := Import("generator/testdata/schemas/kitchen_sink/openrpc.json", generate(t, s))
	require.NoError(t, err)
	assert.Equal(t, s.Canonical(), got.Canonical())
	assert.Equal(t, s.Hash(), got.Hash())
	assert.Equal(t, s.Imports, got.Imports)
}

func TestKitchenSinkMetaSchema(t *testing.T) {
	out, ok := metaValidate(t, map[string][]byte{"kitchen_sink.json": generate(t, loadKitchenSink(t))})
	require.True(t, ok, out)
	assert.Contains(t, out, "ok kitchen_sink.json")
}
