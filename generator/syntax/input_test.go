package syntax_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// TestInputErrors: bytes that are not UTF-8 and NUL are reported at the
// byte, a leading BOM is skipped, nesting is limited, keyword typos and
// non-ASCII letters in names are named as such.
func TestInputErrors(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + "str" + strings.Repeat("]", n) }
	tests := []struct {
		name, src string
		want      []string
	}{
		{"bad UTF-8 in comment", "A = {\n    a: str # caf\xe9\n}\n", []string{`2:17: comment is not valid UTF-8: byte 0xe9 | schema files are UTF-8: save the file as UTF-8, or remove the byte`}},
		{"NUL in comment", "# a\x00b\nA = {}\n", []string{`1:4: NUL byte in comment | remove it`}},
		{"bad UTF-8 in string", "E = \"ab\xffc\" | \"d\"\n", []string{`1:8: string is not valid UTF-8: byte 0xff | schema files are UTF-8: save the file as UTF-8, or remove the byte`}},
		{"NUL in string", "E = \"a\x00\"\n", []string{`1:7: NUL byte in string | remove it`}},
		{"BOM skipped", "\xef\xbb\xbfA = {\n    a: str\n}\n", nil},
		{"BOM then error", "\xef\xbb\xbfA {\n}\n", []string{`1:3: expected "=" after A | write A = {...`, `2:1: unexpected "}": no open record or service`}},
		{"depth 32 ok", "A = {\n    a: " + deep(32) + "\n}\n", nil},
		{"depth 33", "A = {\n    a: " + deep(33) + "\n}\n", []string{`2:40: type nested too deeply: more than 32 levels of [...] and {str: ...} | name the inner type: declare a record for it`}},
		{"depth 100000", "A = {\n    a: " + deep(100000) + "\n}\n", []string{`2:40: type nested too deeply: more than 32 levels of [...] and {str: ...} | name the inner type: declare a record for it`}},
		{"improt", "improt \"x\"\n", []string{`1:1: unknown keyword "improt"; did you mean import? | write import "x"`}},
		{"servce", "servce S {\n    m()\n}\n", []string{`1:1: unknown keyword "servce"; did you mean service? | write service S {`}},
		{"non-ASCII letter", "R\u00ebc = {\n    a: str\n}\n", []string{`1:2: name "Rëc" has the non-ASCII letter "ë": names are ASCII letters, digits and _ | names become identifiers of every target language: write the name with ASCII letters (a-z, A-Z)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseErrs(tt.src))
		})
	}
	// What reaches the AST is valid UTF-8 without NUL.
	f, _ := syntax.Parse("a.oschema", []byte("# caf\xe9\x00\nA = {}\n"))
	for _, n := range f.Nodes {
		if d, ok := n.(*syntax.Decl); ok {
			assert.Equal(t, "caf\uFFFD\uFFFD", strings.TrimSpace(d.Doc()))
		}
	}
}
