package resolve

import (
	"github.com/lhumina-code/rules_oschema/generator/diag"

	"sort"
	"strings"
)

// typeAliases are type names people reach for from other languages, with
// the oschema spelling to suggest.
var typeAliases = map[string]string{
	"int": "i64", "integer": "i64", "int64": "i64", "long": "i64",
	"int32": "i32", "uint": "u64", "uint64": "u64", "uint32": "u32", "usize": "u64",
	"float": "f64", "double": "f64", "float64": "f64", "number": "f64", "float32": "f32",
	"string": "str", "String": "str", "text": "str",
	"boolean": "bool", "Bool": "bool",
	"datetime": "otime", "time": "otime", "timestamp": "otime", "date": "otime",
	"binary": "bytes", "blob": "bytes", "bytearray": "bytes",
	"object": "any", "json": "any", "Any": "any", "dict": "{str: T}", "map": "{str: T}",
	"list": "[T]", "array": "[T]", "Vec": "[T]",
}

// suggest returns the candidate closest to name, or "" if none is close
// enough to be a likely typo. A case-insensitive match wins.
func suggest(name string, candidates []string) string {
	for _, c := range candidates {
		if c != name && strings.EqualFold(c, name) {
			return c
		}
	}
	best, bestDist := "", 0
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if c == name {
			continue
		}
		d := diag.EditDistance(strings.ToLower(name), strings.ToLower(c))
		limit := 1
		if len(name) >= 5 {
			limit = 2
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}
