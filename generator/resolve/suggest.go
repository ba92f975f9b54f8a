package resolve

import (
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
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
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

// editDistance is the Levenshtein distance with transpositions counted
// as one edit ("Stpe" -> "Step" is 1).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 100
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := 0; j <= len(rb); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := d[i-1][j] + 1
			if x := d[i][j-1] + 1; x < v {
				v = x
			}
			if x := d[i-1][j-1] + cost; x < v {
				v = x
			}
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				if x := d[i-2][j-2] + 1; x < v {
					v = x
				}
			}
			d[i][j] = v
		}
	}
	return d[len(ra)][len(rb)]
}
