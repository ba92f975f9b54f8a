package syntax_test

import (
	"sort"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

func BenchmarkParse(b *testing.B) {
	files := synth.Schema(2000, 1000)
	var names []string
	size := 0
	for n, src := range files {
		names = append(names, n)
		size += len(src)
	}
	sort.Strings(names)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range names {
			if _, diags := syntax.Parse(n, files[n]); len(diags) > 0 {
				b.Fatal(diags)
			}
		}
	}
}
