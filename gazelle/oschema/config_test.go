package oschema

import (
	"strings"
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

// An artifact list means the same in the directive, the CLI and the rule:
// a set of names, "all" anywhere standing for every artifact, a name listed
// twice counted once. The directive writes what it means (["all"] for
// "all,go"), and the CLI (generator/artifacts.Select) selects the same
// artifacts from that as from the list itself. The rule's side is
// //rules/tests:all_and_more_test and :twice_test.
func TestArtifactListsAgree(t *testing.T) {
	names := func(as []artifacts.Artifact) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return out
	}
	for in, want := range map[string][]string{
		"all,go":         {"all"},
		"go,all":         {"all"},
		"all":            {"all"},
		"python,python":  {"python"},
		"js,python,js":   {"js", "python"},
		"rust_types, go": {"rust_types", "go"},
		// The directive writes go as given; the CLI and the rule add the
		// openrpc it embeds, from the list and from what was written alike.
		"go":          {"go"},
		"rust_server": {"rust_server"},
	} {
		got, err := parseArtifacts(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
		fromList, err := artifacts.Select(in)
		require.NoError(t, err, in)
		fromDirective, err := artifacts.Select(strings.Join(got, ","))
		require.NoError(t, err, in)
		assert.Equal(t, names(fromList), names(fromDirective), "%q: the CLI selects the same from the list and from what the directive wrote", in)
	}
}

// oschema_languages sets both language switches at once; oschema_go_library
// toggles only Go; a bad list leaves both as they were.
func TestLanguagesDirective(t *testing.T) {
	oc := DefaultConfig()
	require.NoError(t, applyDirective(oc, languagesDirective, "go, py"))
	assert.True(t, oc.GoLibrary)
	assert.True(t, oc.PyLibrary)
	require.NoError(t, applyDirective(oc, goLibraryDirective, "off"))
	assert.False(t, oc.GoLibrary)
	assert.True(t, oc.PyLibrary)
	require.NoError(t, applyDirective(oc, languagesDirective, "go"))
	assert.True(t, oc.GoLibrary)
	assert.False(t, oc.PyLibrary)

	err := applyDirective(oc, languagesDirective, "go,rust")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown language "rust"`)
	assert.True(t, oc.GoLibrary, "kept")
	assert.False(t, oc.PyLibrary, "kept")

	for _, none := range []string{"", "none"} {
		require.NoError(t, applyDirective(oc, languagesDirective, none))
		assert.False(t, oc.GoLibrary, none)
		assert.False(t, oc.PyLibrary, none)
	}
}

func TestPyModuleName(t *testing.T) {
	assert.Equal(t, "hero_logic_client", pyModuleName("examples/hero_logic"))
	assert.Equal(t, "hero_logic_v2_client", pyModuleName("x/hero-logic.v2"))
	assert.Equal(t, "_2d_client", pyModuleName("x/2d"))
	assert.Equal(t, "root_client", pyModuleName(""))
}

// importPathOf computes what oschema_library's import_path_of does
// (rules/private/library.bzl; //rules/tests:import_path_test and the
// failure tests next to it use the same cases).
func TestImportPathOf(t *testing.T) {
	for _, c := range []struct{ pkg, prefix, strip, want string }{
		{"a/b", "", "", "a/b"},
		{"third_party/ext", "", "/third_party", "ext"},
		{"rules/tests/fixture/prefixed/ext", "vendor", "/rules/tests/fixture/prefixed", "vendor/ext"},
		{"a/b", "x/", "", "x/a/b"},
		{"a/b", "x", "/a/b", "x"},
		{"a/b", "x", ".", "x"}, // relative: the package itself
	} {
		got, err := importPathOf(c.pkg, c.prefix, c.strip)
		require.NoError(t, err, "%+v", c)
		assert.Equal(t, c.want, got, "%+v", c)
	}
	for _, c := range []struct{ pkg, prefix, strip, msg string }{
		{"rules/tests", "", "/elsewhere", `the package "rules/tests" is not under "elsewhere"`},
		{"a", "/abs", "", `import_prefix "/abs" must not start with "/"`},
		{"rules/tests", "", "/rules/tests", "leave an empty import path"},
		{"a", "../up", "", `cannot contain ".."`},
	} {
		_, err := importPathOf(c.pkg, c.prefix, c.strip)
		require.Error(t, err, "%+v", c)
		assert.Contains(t, err.Error(), c.msg)
	}
}
