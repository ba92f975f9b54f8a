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
