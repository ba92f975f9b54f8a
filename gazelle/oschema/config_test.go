package oschema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
)

// The directive accepts exactly what oschema_clients and the CLI accept.
func TestKnownArtifactsMatchRegistry(t *testing.T) {
	want := append([]string{"all"}, artifacts.Names()...)
	assert.ElementsMatch(t, want, knownArtifacts)
}

func TestExpandNaming(t *testing.T) {
	assert.Equal(t, "hero_logic_schema", expandNaming(defaultLibraryNaming, "examples/hero_logic"))
	assert.Equal(t, "clients", expandNaming(defaultClientsNaming, "examples/hero_logic"))
	assert.Equal(t, "x_x", expandNaming("{dirname}_{dirname}", "a/x"))
	// The repository root does not take the checkout directory's name.
	assert.Equal(t, "root_schema", expandNaming(defaultLibraryNaming, ""))
}

func TestApplyDirectiveKeepsValueOnError(t *testing.T) {
	oc := DefaultConfig()
	require.NoError(t, applyDirective(oc, artifactsDirective, " python , js "))
	assert.Equal(t, []string{"python", "js"}, oc.Artifacts)
	err := applyDirective(oc, artifactsDirective, "python,")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "empty artifact name")
	assert.Equal(t, []string{"python", "js"}, oc.Artifacts)

	require.Error(t, applyDirective(oc, writebackDirective, "False"))
	assert.True(t, oc.Writeback)
	require.NoError(t, applyDirective(oc, writebackDirective, "false"))
	assert.False(t, oc.Writeback)

	// A child's change does not leak into its parent's configuration.
	child := oc.clone()
	require.NoError(t, applyDirective(child, artifactsDirective, "go"))
	assert.Equal(t, []string{"python", "js"}, oc.Artifacts)
}

func TestCleanImport(t *testing.T) {
	for in, want := range map[string]string{"a/b/": "a/b", "./a": "a", "a//b": "a/b"} {
		got, msg := cleanImport(in)
		assert.Empty(t, msg, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "/abs", "..", "../up", "a/../../up", `a\b`} {
		_, msg := cleanImport(bad)
		assert.NotEmpty(t, msg, bad)
	}
}
