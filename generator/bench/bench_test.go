package bench

import (
	"os"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// Run with: go test -run='^$' -bench=. -benchmem ./generator/bench/
// tools/bench-generator runs them next to oschema and protoc timings.

// benchWorkspace is the synthetic workspace of the target size, or of
// OSCHEMA_BENCH_TYPES / OSCHEMA_BENCH_METHODS when set (the bench script
// passes its TYPES / METHODS so both halves of its report agree).
func benchWorkspace(b *testing.B) fstest.MapFS {
	types, methods := Types, Methods
	for _, v := range []struct {
		env string
		n   *int
	}{{"OSCHEMA_BENCH_TYPES", &types}, {"OSCHEMA_BENCH_METHODS", &methods}} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				b.Fatalf("%s=%q: want a non-negative integer", v.env, s)
			}
			*v.n = n
		}
	}
	return Workspace(types, methods)
}

func BenchmarkParseResolve(b *testing.B) {
	fsys := benchWorkspace(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Load(fsys); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmit(b *testing.B) {
	// Two loads of the same schema, used in turn: openrpc.Document caches
	// the last document it built (tests ask for it in turn), and
	// a benchmark that reused one model would measure that cache instead of
	// the emitter.
	var models [2]struct {
		s   *model.Schema
		svc *model.Service
	}
	for i := range models {
		s, svc, err := Load(benchWorkspace(b))
		if err != nil {
			b.Fatal(err)
		}
		models[i].s, models[i].svc = s, svc
	}
	for _, a := range artifacts.All {
		a := a
		b.Run(a.Name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; i < b.N; i++ {
				m := models[i%2]
				var err error
				if n, err = Emit(a, m.s, m.svc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "out-bytes/op")
		})
	}
}

func BenchmarkAll(b *testing.B) {
	fsys := benchWorkspace(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		var err error
		if n, err = All(fsys); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "out-bytes/op")
}
