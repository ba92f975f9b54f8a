package syntax_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

func parseErrs(src string) []string {
	_, diags := syntax.Parse("a.oschema", []byte(src))
	var out []string
	for _, d := range diags {
		s := fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg)
		if d.Hint != "" {
			s += " | " + d.Hint
		}
		out = append(out, s)
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"missing colon", "T = {\n    name str\n}\n", []string{`2:10: expected ":" after name, found "str" | write name: str`}},
		{"question after type", "T = {\n    a: str?\n}\n", []string{`2:11: "?" goes after the field name, not the type | write a?: str`}},
		{"unclosed list", "T = {\n    x: [str\n}\n", []string{`2:12: expected "]" to close the list type, found end of line`}},
		{"map colon", "T = {\n    x: {str str}\n}\n", []string{`2:13: expected ":" in map type, found "str" | a map type is {str: T}`}},
		{"no type", "T = {\n    x:\n}\n", []string{`2:7: expected a type, found end of line | a type is str, bool, i32, i64, u32, u64, f32, f64, otime, bytes, any, [T], {str: T} or a declared name`}},
		{"field on brace line", "T = { a: str }\n", []string{`1:7: a field must start on a new line after "{" | write one field per line, then "}" on its own line`}},
		{"junk after field", "T = {\n    y: str }\n}\n", []string{`2:12: unexpected "}" after field y`}},
		{"unclosed record", "T = {\n    a: str\nU = {}\n", []string{`1:5: record T is not closed: missing "}" | add "}" on its own line after the last field`}},
		{"unclosed at eof", "T = {\n    a: str\n", []string{`1:5: record T is not closed: missing "}" | add "}" on its own line after the last field`}},
		{"enum missing pipe", "E = \"a\" \"b\"\n", []string{`1:9: unexpected string "b" after enum value | separate enum values with "|"`}},
		{"enum dangling pipe", "E = \"a\" |\n", []string{`1:10: expected an enum value string, found end of line | enum values are strings: Name = "a" | "b"`}},
		{"enum ident", "E = \"a\" | b\n", []string{`1:11: expected an enum value string, found "b" | enum values are strings: Name = "a" | "b"`}},
		{"missing equals", "T {\n}\n", []string{`1:3: expected "=" after T | write T = {...`, `2:1: unexpected "}": no open record or service`}},
		{"bad rhs", "T = 5\n", []string{`1:5: expected "{" or a string after "=", found integer 5 | a record is Name = { field: T ... }, an enum is Name = "a" | "b"`}},
		{"junk top", "hello\n", []string{`1:1: expected a declaration, service or import, found "hello" | a file holds imports, then declarations (Name = {...} or Name = "a" | "b") and services (service Name {...})`}},
		{"illegal char", "T = {\n    a: str $\n}\n", []string{`2:12: unexpected invalid character "$" after field a`}},
		{"unterminated string", "E = \"abc\n", []string{`1:5: string not terminated | close it with " on the same line`}},
		{"bad escape", "E = \"a\\qb\"\n", []string{`1:7: unknown escape sequence \q | strings know \" \\ \n and \t`}},
		{"import after decl", "T = {}\nimport \"x\"\n", []string{`2:1: imports must come before declarations and services | move the import to the top of the file`}},
		{"import not string", "import x\n", []string{`1:8: expected the imported directory as a string, found "x" | write import "workspace/relative/dir"`}},
		{"service no name", "service {\n}\n", []string{`1:9: expected a service name, found "{" | write service Name {`, `2:1: unexpected "}": no open record or service`}},
		{"params comma", "service S {\n    m(a: str b: str)\n}\n", []string{`2:14: expected "," or ")" after parameter a, found "b"`}},
		{"missing paren", "service S {\n    m(\n        a: str,\n    n()\n}\n", []string{`4:5: missing ")" in method m | close the parameter list of m with ")"`}},
		{"index on param", "service S {\n    m(a: str @index)\n}\n", []string{`2:14: @index is not allowed on a parameter | remove @index; it marks record fields`}},
		{"version not string", "service S {\n    version 1\n}\n", []string{`2:13: expected the version as a string, found integer 1 | write version "1.0.0"`}},
		{"error code", "service S {\n    error X = abc\n}\n", []string{`2:15: expected the error code (an integer), found "abc" | write error X = 1004`}},
		{"bad int", "service S {\n    error X = 12ab\n}\n", []string{`2:15: invalid error code 12ab`}},
		{"method no paren", "service S {\n    m -> str\n}\n", []string{`2:7: expected "(" after method name m, found "->" | write m(param: T) -> Result`}},
		{"unclosed service", "service S {\n    m()\n", []string{`1:11: service S is not closed: missing "}" | add "}" on its own line after the last method`}},
		{"many errors, one per line", "T = {\n    a b c d\n    e f\n}\n", []string{
			`2:7: expected ":" after a, found "b" | write a: b`, `3:7: expected ":" after e, found "f" | write e: f`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseErrs(tt.src))
		})
	}
}

func TestParseRecovers(t *testing.T) {
	f, diags := syntax.Parse("a.oschema", []byte("T = {\n    a str\n    b: i64\n}\nE = \"x\" | \"y\"\nservice S {\n    bad(\n    ok() -> E\n}\n"))
	require.Len(t, diags, 2)
	require.Len(t, f.Nodes, 3)
	d := f.Nodes[0].(*syntax.Decl)
	require.Len(t, d.Fields, 1)
	assert.Equal(t, "b", d.Fields[0].Name)
	svc := f.Nodes[2].(*syntax.Service)
	require.Len(t, svc.Members, 1)
	assert.Equal(t, "ok", svc.Members[0].(*syntax.Method).Name)
}

func TestDocComments(t *testing.T) {
	f, diags := syntax.Parse("a.oschema", []byte(`# free

# line one
#  line two
T = {  # after brace
    # field doc
    a: str  # trailing
    # not doc

    b: str
}
E = "a"  # enum doc
M = "x"  # x doc
    # y doc
    | "y"
`))
	require.Empty(t, diags)
	d := f.Nodes[0].(*syntax.Decl)
	assert.Equal(t, "line one\n line two\nafter brace", d.Doc())
	assert.Equal(t, "field doc\ntrailing", d.Fields[0].Doc())
	assert.Equal(t, "", d.Fields[1].Doc())
	assert.Equal(t, "enum doc", f.Nodes[1].(*syntax.Decl).Doc())
	m := f.Nodes[2].(*syntax.Decl)
	assert.Equal(t, "", m.Doc())
	assert.Equal(t, "x doc", m.Values[0].Doc())
	assert.Equal(t, "y doc", m.Values[1].Doc())
}

func TestImports(t *testing.T) {
	assert.Equal(t, []string{"a/b", "c"}, syntax.Imports([]byte("# x\nimport \"a/b\"\nimport \"c\"\nT = { broken\n")))
	assert.Nil(t, syntax.Imports([]byte("T = {}\n  x import \"no\"\n")))
}
