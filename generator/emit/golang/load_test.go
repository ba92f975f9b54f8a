package golang

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

const kitchenSinkDir = "generator/testdata/schemas/kitchen_sink"

// loadKitchenSink returns the kitchen_sink model as the resolver builds it
// from the shared test schema.
func loadKitchenSink(t *testing.T) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), kitchenSinkDir)
	require.NoError(t, err)
	return s
}
