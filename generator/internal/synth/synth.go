// Package synth generates large, valid, deterministic schemas for
// benchmarks and scale tests of the front end and the emitters.
package synth

import (
	"fmt"
	"strings"
)

// Dir is the schema directory of the files Schema returns; their paths
// are Dir + "/" + name.
const Dir = "synth"

var scalars = []string{"str", "bool", "i32", "i64", "u32", "u64", "f32", "f64", "otime", "bytes", "any"}

// Schema returns the files of a synthetic schema: types decls (every
// fifth an enum, every tenth record a [rootobject]) with mixed field
// types referencing earlier decls through required fields and later ones
// through optional fields or lists (so no record is impossible to build),
// and a service of methods methods. Keys are file names inside Dir; the
// output depends only on the arguments. Records go to files of at most
// recordsPerFile records ("10_records.oschema", then
// "10_records_001.oschema", ...), so a schema of any size stays under the
// generator's per-file size limit.
func Schema(types, methods int) map[string][]byte {
	var enums strings.Builder
	enums.WriteString("# Synthetic enums.\n")
	var recordFiles []*strings.Builder
	var records *strings.Builder
	name := func(i int) string {
		if i%5 == 0 {
			return fmt.Sprintf("Kind%d", i)
		}
		return fmt.Sprintf("Rec%d", i)
	}
	var recs []int
	for i := 0; i < types; i++ {
		if i%5 == 0 {
			fmt.Fprintf(&enums, "\n# Enum number %d.\n%s = \"alpha\" | \"beta_%d\" | \"gamma\"\n", i, name(i), i)
			continue
		}
		if len(recs)%recordsPerFile == 0 {
			records = &strings.Builder{}
			records.WriteString("# Synthetic records.\n")
			recordFiles = append(recordFiles, records)
		}
		recs = append(recs, i)
		fmt.Fprintf(records, "\n# Record number %d.\n", i)
		if i%10 == 1 {
			records.WriteString("[rootobject]\n")
		}
		fmt.Fprintf(records, "%s = {\n", name(i))
		for f := 0; f < 8; f++ {
			fname := fmt.Sprintf("field_%d", f)
			var typ, mark string
			switch f {
			case 0:
				typ, mark = "str", "  @index"
			case 1:
				typ = scalars[i%len(scalars)]
			case 2:
				typ = "[" + scalars[(i+3)%len(scalars)] + "]"
			case 3:
				typ = "{str: " + scalars[(i+5)%len(scalars)] + "}"
			case 4:
				if i > 0 {
					typ = name((i * 7) % i) // an earlier decl, required
				} else {
					typ = "str"
				}
			case 5:
				fname += "?"
				typ = name((i + 1) % types) // a later decl, optional
			case 6:
				typ = "[" + name((i+2)%types) + "]"
			case 7:
				fname += "?"
				typ = "{str: [" + name((i*3)%types) + "]}"
			}
			fmt.Fprintf(records, "    %s: %s%s  # doc of %s\n", fname, typ, mark, fname)
		}
		records.WriteString("}\n")
	}
	var rpc strings.Builder
	rpc.WriteString("# A synthetic service.\nservice SynthService {\n    version \"1.0.0\"\n    # Not found.\n    error NotFound = 1004\n")
	for m := 0; m < methods; m++ {
		a, b := "str", "i64"
		var res string
		if len(recs) > 0 {
			a = name(recs[m%len(recs)])
			res = " -> [" + name(recs[(m*7)%len(recs)]) + "]"
		}
		if m%4 == 3 {
			res = ""
		}
		fmt.Fprintf(&rpc, "    # Method %d.\n    op_%d(first: %s, second?: %s, third: [str])%s\n", m, m, a, b, res)
	}
	rpc.WriteString("}\n")
	files := map[string][]byte{
		"00_enums.oschema": []byte(enums.String()),
		"90_rpc.oschema":   []byte(rpc.String()),
	}
	if len(recordFiles) == 0 {
		files["10_records.oschema"] = []byte("# Synthetic records.\n")
	}
	for k, b := range recordFiles {
		name := "10_records.oschema"
		if k > 0 {
			name = fmt.Sprintf("10_records_%03d.oschema", k)
		}
		files[name] = []byte(b.String())
	}
	return files
}

// recordsPerFile keeps each file near 3 MB.
const recordsPerFile = 10000
