package syntax_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

func addSeeds(f *testing.F) {
	for _, p := range testdataFiles(f) {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"", "A = {", "A = \"a\" |\n", "service S {\n  m(\n", "[rootobject]\n", "A = {\n  x: [{str: [A]}] @index # c\n}\n",
		"Mode = \"x\"  # the x\n  # why\n  | \"y\"\n", "service S {\n  m(\n    # d\n    a: str, # t\n  ) -> [str]\n}\n",
		"T = {\n  \"userId\"?: str\n  \"user_id\": str\n}\nservice S {\n  a.b(\"x-y\": str)\n  \"c.d\"(\n    # d\n    \"pageSize\": u32,\n  )\n}\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzParse: the parser never panics or hangs, on any input.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file, _ := syntax.Parse("f.oschema", src)
		if file == nil {
			t.Fatal("Parse returned a nil file")
		}
		syntax.Imports(src)
	})
}

// FuzzFormat: formatting a valid file gives a valid file that formats to
// itself and has the same docs and structure.
func FuzzFormat(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := syntax.Parse("f.oschema", src)
		if len(diags) > 0 {
			return
		}
		once := syntax.Format(file)
		file2, diags := syntax.Parse("f.oschema", once)
		if len(diags) > 0 {
			t.Fatalf("formatted output does not parse: %v\n--- input\n%q\n--- output\n%s", diags, src, once)
		}
		twice := syntax.Format(file2)
		if !bytes.Equal(once, twice) {
			t.Fatalf("Format is not idempotent\n--- input\n%q\n--- once\n%s\n--- twice\n%s", src, once, twice)
		}
		if a, b := summary(file), summary(file2); a != b {
			t.Fatalf("formatting changed the meaning\n--- before\n%s\n--- after\n%s\n--- input %q", a, b, src)
		}
	})
}
