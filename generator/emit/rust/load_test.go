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

// loadWireNames returns the schema written with dotted method names and
// quoted camelCase names (generator/testdata/schemas/wire_names).
func loadWireNames(t *testing.T) (*model.Schema, *model.Service) {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/wire_names")
	require.NoError(t, err)
	require.Len(t, s.Services, 1)
	return s, s.Services[0]
}

// loadSchemaDir loads a schema of generator/testdata/schemas with one service.
func loadSchemaDir(name string) func(t *testing.T) (*model.Schema, *model.Service) {
	return func(t *testing.T) (*model.Schema, *model.Service) {
		t.Helper()
		s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/"+name)
		require.NoError(t, err)
		require.Len(t, s.Services, 1)
		return s, s.Services[0]
	}
}
