package synth_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

func TestSchemaResolves(t *testing.T) {
	files := synth.Schema(200, 100)
	assert.Equal(t, files, synth.Schema(200, 100), "deterministic")
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[synth.Dir+"/"+name] = &fstest.MapFile{Data: src}
	}
	s, err := resolve.Load(fsys, synth.Dir)
	require.NoError(t, err)
	assert.Len(t, s.Decls, 200)
	require.Len(t, s.Services, 1)
	assert.Len(t, s.Services[0].Methods, 100+20*8, "100 written + 8 CRUD for each of 20 rootobjects")
}

// A large schema is split into files the generator accepts (at most
// 16 MiB each), and still resolves whole.
func TestLargeSchemaIsSplit(t *testing.T) {
	files := synth.Schema(30000, 10)
	var names []string
	for name, src := range files {
		names = append(names, name)
		assert.Less(t, len(src), 16<<20, name)
	}
	assert.Contains(t, names, "10_records_001.oschema")
	assert.Contains(t, names, "10_records_002.oschema")
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[synth.Dir+"/"+name] = &fstest.MapFile{Data: src}
	}
	s, err := resolve.Load(fsys, synth.Dir)
	require.NoError(t, err)
	assert.Len(t, s.Decls, 30000)
}
