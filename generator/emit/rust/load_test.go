package rust

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// loadKitchenSink returns the shared kitchen_sink schema, parsed and
// resolved from generator/testdata/schemas/kitchen_sink, and its service.
func loadKitchenSink(t *testing.T) (*model.Schema, *model.Service) {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/kitchen_sink")
	require.NoError(t, err)
	require.Len(t, s.Services, 1)
	return s, s.Services[0]
}
