package stage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkStage200 stages 200 live services (served in process, each on
// its own Unix socket, with the beta schema) with no pre-generated
// clients: the worst case, where every client is generated. Each
// iteration stages into a fresh directory; the Only sub-benchmark
// re-stages one service, as watch mode does after it changed.
func BenchmarkStage200(b *testing.B) {
	tmp, err := os.MkdirTemp("", "stgb")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	sockets := filepath.Join(tmp, "s")
	s := loadTestSchema(b, "v2", "beta")
	for i := 0; i < 200; i++ {
		serveDocTB(b, filepath.Join(sockets, fmt.Sprintf("svc%03d", i), SocketName), s)
	}
	b.Run("all", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out := filepath.Join(tmp, fmt.Sprintf("out%d", i))
			rep, err := Stage(context.Background(), Options{Sockets: sockets, OutPython: filepath.Join(out, "py"), OutJS: filepath.Join(out, "js")})
			if err != nil || len(rep.Services) != 200 {
				b.Fatal(err)
			}
			os.RemoveAll(out)
		}
	})
	b.Run("one", func(b *testing.B) {
		out := filepath.Join(tmp, "one")
		opts := Options{Sockets: sockets, OutPython: filepath.Join(out, "py"), OutJS: filepath.Join(out, "js")}
		if _, err := Stage(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		opts.Only = []string{"svc100"}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := Stage(context.Background(), opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}
