// Command synthgen writes the benchmark's synthetic workspace: the schema
// as .oschema files under DIR/synth/ and its proto3 equivalent as
// DIR/synth.proto, for tools/bench-generator to time `oschema generate`
// and protoc on the same work.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/lhumina-code/rules_oschema/generator/bench"
	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
)

func main() {
	types := flag.Int("types", bench.Types, "number of decls (records and enums)")
	methods := flag.Int("methods", bench.Methods, "number of written methods (rootobjects add CRUD methods)")
	out := flag.String("out", "", "workspace `directory` to write into (required)")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 || *types < 1 || *methods < 0 {
		fmt.Fprintln(os.Stderr, "usage: synthgen -out DIR [-types N] [-methods N]")
		os.Exit(2)
	}
	if err := run(*out, *types, *methods); err != nil {
		fmt.Fprintln(os.Stderr, "synthgen:", err)
		os.Exit(1)
	}
}

func run(out string, types, methods int) error {
	fsys := bench.Workspace(types, methods)
	s, _, err := bench.Load(fsys)
	if err != nil {
		return fmt.Errorf("the synthetic schema does not load: %w", err)
	}
	proto, st := bench.Proto(s)

	paths := make([]string, 0, len(fsys))
	for p := range fsys {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if err := os.MkdirAll(filepath.Join(out, filepath.FromSlash(bench.SchemaDir)), 0o755); err != nil {
		return err
	}
	for _, p := range paths {
		if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(p)), fsys[p].Data, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, synth.Dir+".proto"), proto, 0o644); err != nil {
		return err
	}
	fmt.Printf("schema %s: %d decls, %d methods; %s.proto: %d messages (%d wrappers), %d enums, %d record fields, %d rpcs\n",
		bench.SchemaDir, len(s.Decls), len(s.Services[0].Methods), synth.Dir,
		st.Messages, st.Wrappers, st.Enums, st.Fields, st.RPCs)
	return nil
}
