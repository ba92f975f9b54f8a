package apidiff

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func load(t *testing.T, dir string) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS("testdata"), dir)
	require.NoError(t, err)
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(p, got, 0o644))
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "run go test -update to create %s", p)
	assert.Equal(t, string(want), string(got))
}

func TestGolden(t *testing.T) {
	r := Compare(load(t, "old"), load(t, "new"))
	golden(t, "diff.txt.golden", []byte(r.Text()))
	golden(t, "diff.json.golden", r.JSON())
	assert.True(t, r.HasBreaking())
}

// TestEveryKind makes sure the golden pair exercises every change kind
// with the severities the package doc promises.
func TestEveryKind(t *testing.T) {
	r := Compare(load(t, "old"), load(t, "new"))
	got := map[string]Severity{}
	for _, c := range r.Changes {
		got[c.Kind+" "+c.Where] = c.Severity
	}
	want := map[string]Severity{
		VersionChanged + " JobService":                   Compatible,
		MethodAdded + " JobService.cancel":               Compatible,
		MethodRemoved + " JobService.drop":               Breaking,
		ParamAdded + " JobService.create(label)":         Compatible,
		ParamAdded + " JobService.get(depth)":            Breaking,
		ParamRemoved + " JobService.get(trace)":          Breaking,
		ParamTypeChanged + " JobService.create(retries)": Breaking,
		ParamOptionality + " JobService.create(dry)":     Breaking,
		ParamOptionality + " JobService.get(verbose)":    Compatible,
		ResultChanged + " JobService.count":              Breaking,
		ParamMoved + " JobService.move(name)":            Breaking,
		ParamMoved + " JobService.move(to)":              Breaking,
		ParamAdded + " JobService.move(reason)":          Compatible,
		ParamAdded + " JobService.page(offset)":          Breaking,
		ParamMoved + " JobService.page(limit)":           Breaking,
		ParamStructure + " JobService.ping":              Compatible,
		ParamStructure + " JobService.pong":              Breaking,
		TypeAdded + " Label":                             Compatible,
		TypeRemoved + " Legacy":                          Breaking,
		TypeKindChanged + " Shape":                       Breaking,
		FieldAdded + " Job.comment":                      Compatible,
		FieldAdded + " Job.created":                      Compatible,
		FieldAdded + " JobSpec.priority":                 Breaking,
		FieldRemoved + " Job.note":                       Breaking,
		FieldRemoved + " JobSpec.limit":                  Breaking,
		FieldTypeChanged + " Job.size":                   Breaking,
		FieldOptionality + " Job.owner":                  Breaking,
		FieldOptionality + " Job.tag":                    Compatible,
		FieldOptionality + " JobSpec.hint":               Breaking,
		EnumValueAdded + " State=paused":                 Compatible,
		EnumValueAdded + " Mode=auto":                    Compatible,
		EnumValueRemoved + " State=stale":                Breaking,
		ErrorAdded + " JobService!Denied":                Compatible,
		ErrorRemoved + " JobService!Old":                 Breaking,
		ErrorCodeChanged + " JobService!Busy":            Breaking,
	}
	assert.Equal(t, want, got)
}

func TestSameSchema(t *testing.T) {
	r := Compare(load(t, "old"), load(t, "old"))
	assert.Empty(t, r.Changes)
	assert.False(t, r.HasBreaking())
	assert.Equal(t, "old "+r.OldHash+"\nnew "+r.NewHash+"\nno changes\n", r.Text())
	assert.Contains(t, string(r.JSON()), `"changes": []`)
}

// TestDocsOnly: a doc change moves the hash but lists nothing.
func TestDocsOnly(t *testing.T) {
	old := load(t, "old")
	changed := load(t, "old")
	changed.Services[0].Methods[0].Doc = "Reworded."
	changed.Seal() // recompute the hash of the edited copy
	r := Compare(old, changed)
	assert.Empty(t, r.Changes)
	assert.NotEqual(t, r.OldHash, r.NewHash)
	assert.Contains(t, r.Text(), "documentation only")
}
