package resolve_test

import (
	"testing"
	"testing/fstest"

	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

func BenchmarkResolve(b *testing.B) {
	fsys := fstest.MapFS{}
	for name, src := range synth.Schema(2000, 1000) {
		fsys[synth.Dir+"/"+name] = &fstest.MapFile{Data: src}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := resolve.Load(fsys, synth.Dir); err != nil {
			b.Fatal(err)
		}
	}
}
