package openrpc

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lhumina-code/rules_oschema/generator/schemaprint"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// FuzzImport feeds arbitrary bytes to Import. It must never panic, and a
// document it accepts must print as .oschema that parses, and export
// (Generate) and import again to the same model. Seeds: every document in testdata; found inputs are kept in
// testdata/fuzz/FuzzImport.
func FuzzImport(f *testing.F) {
	for _, pattern := range []string{"testdata/import/*.json", "testdata/golden/*.json"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(param(`{"oneOf": [{"type": "null"}, {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}]}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Fail on inputs that hang, not only on ones that panic.
		timer := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input: %q", data)) })
		defer timer.Stop()
		s, err := Import("fuzz.json", data)
		if err != nil {
			if s != nil {
				t.Fatal("a schema and an error")
			}
			return
		}
		// It prints as .oschema that parses (names bare or quoted).
		if _, diags := syntax.Parse("fuzz.oschema", schemaprint.Print(s)); len(diags) > 0 {
			t.Fatalf("accepted document prints as .oschema that does not parse: %v\n%s", diags, schemaprint.Print(s))
		}
		for _, svc := range s.Services {
			out, err := Document(s, svc)
			if err != nil {
				t.Fatalf("accepted document does not export: %v", err)
			}
			again, err := Import("fuzz.json", out)
			if err != nil {
				t.Fatalf("exported document does not import: %v\n%s", err, out)
			}
			if again.Canonical() != s.Canonical() {
				t.Fatalf("round trip changed the model:\n%s\n---\n%s", s.Canonical(), again.Canonical())
			}
		}
	})
}
