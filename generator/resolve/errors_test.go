package resolve_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

// loadErr loads the files (path -> source) as schema "s" and returns the
// diagnostics as "line:col: message | hint" lines.
func loadErr(t *testing.T, files map[string]string) []string {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, src := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(src)}
	}
	_, err := resolve.Load(fsys, "s")
	require.Error(t, err)
	var list diag.List
	require.True(t, errors.As(err, &list), "not a diag.List: %v", err)
	var out []string
	for _, d := range list {
		s := fmt.Sprintf("%s:%d:%d: %s", d.Pos.File, d.Pos.Line, d.Pos.Col, d.Msg)
		if d.Hint != "" {
			s += " | " + d.Hint
		}
		out = append(out, s)
	}
	return out
}

func TestResolveErrors(t *testing.T) {
	const svc = "service S {\n    m()\n}\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown type did you mean", "Step = {\n    a: str\n}\nT = {\n    s: [Stpe]\n}\n",
			[]string{`s/a.oschema:5:9: unknown type "Stpe"; did you mean "Step"?`}},
		{"unknown type no suggestion", "T = {\n    s: Zebra\n}\n",
			[]string{`s/a.oschema:2:8: unknown type "Zebra" | declare it, or import the schema directory that declares it`}},
		{"int", "T = {\n    n: int\n}\n", []string{`s/a.oschema:2:8: unknown type "int"; did you mean "i64"?`}},
		{"float", "T = {\n    n: float\n}\n", []string{`s/a.oschema:2:8: unknown type "float"; did you mean "f64"?`}},
		{"string", "T = {\n    n: string\n}\n", []string{`s/a.oschema:2:8: unknown type "string"; did you mean "str"?`}},
		{"list alias", "T = {\n    n: list\n}\n", []string{`s/a.oschema:2:8: unknown type "list" | write [T] with T the element type`}},
		{"case", "Phase = \"a\"\nT = {\n    p: phase\n}\n", []string{`s/a.oschema:3:8: unknown type "phase"; did you mean "Phase"?`}},
		{"map key", "T = {\n    m: {i64: str}\n}\n", []string{`s/a.oschema:2:9: map keys must be str, found i64 | write {str: str}`}},
		{"duplicate decl", "T = {}\nT = \"a\"\n", []string{`s/a.oschema:2:1: T is already declared at s/a.oschema:1:1 | rename one of them`}},
		{"duplicate field", "T = {\n    a: str\n    a: i64\n}\n",
			[]string{`s/a.oschema:3:5: duplicate field "a" in T (first at s/a.oschema:2:5) | rename or remove one of them`}},
		{"duplicate enum value", "E = \"a\" | \"b\" | \"a\"\n",
			[]string{`s/a.oschema:1:17: duplicate enum value "a" in E (first at s/a.oschema:1:5) | rename or remove one of them`}},
		{"duplicate method", "service S {\n    m()\n    m(a: str)\n}\n",
			[]string{`s/a.oschema:3:5: duplicate method "m" in service S (first at s/a.oschema:2:5) | rename or remove one of them`}},
		{"duplicate param", "service S {\n    m(a: str, a: i64)\n}\n",
			[]string{`s/a.oschema:2:15: duplicate parameter "a" in method m (first at s/a.oschema:2:7) | rename or remove one of them`}},
		{"duplicate error", "service S {\n    error E = 1\n    error E = 2\n}\n",
			[]string{`s/a.oschema:3:11: duplicate error "E" in service S (first at s/a.oschema:2:11) | rename or remove one of them`}},
		{"duplicate error code", "service S {\n    error E = 1\n    error F = 1\n}\n",
			[]string{`s/a.oschema:3:11: error F has the same code 1 as E | give each error its own code`}},
		{"duplicate service", svc + svc, []string{
			`s/a.oschema:4:9: duplicate service "S" (first at s/a.oschema:1:9) | rename or remove one of them`}},
		{"duplicate version", "service S {\n    version \"1.0.0\"\n    version \"2.0.0\"\n}\n",
			[]string{`s/a.oschema:3:5: duplicate version in service S (first at s/a.oschema:2:5) | keep one version line`}},
		{"bad version", "service S {\n    version \"1.0\"\n}\n",
			[]string{`s/a.oschema:2:13: invalid version "1.0" | versions are semantic versions like "1.2.0"`}},
		{"decl name", "task_list = {}\n",
			[]string{`s/a.oschema:1:1: invalid declaration name "task_list" | declaration names are PascalCase: use TaskList`}},
		{"field name", "T = {\n    createdAt: otime\n}\n",
			[]string{`s/a.oschema:2:5: invalid field name "createdAt" | field names are snake_case: use created_at`}},
		{"method name", "service S {\n    PlayStart()\n}\n",
			[]string{`s/a.oschema:2:5: invalid method name "PlayStart" | method names are snake_case: use play_start`}},
		{"param name", "service S {\n    m(Sid: str)\n}\n",
			[]string{`s/a.oschema:2:7: invalid parameter name "Sid" | parameter names are snake_case: use sid`}},
		{"service name", "service my_svc {\n}\n",
			[]string{`s/a.oschema:1:9: invalid service name "my_svc" | service names are PascalCase: use MySvc`}},
		{"error name", "service S {\n    error not_found = 1\n}\n",
			[]string{`s/a.oschema:2:11: invalid error name "not_found" | error names are PascalCase: use NotFound`}},
		{"keywords are legal", "T = {\n    type: str\n    from: str\n    self: str\n}\n" + svc, nil},
		{"field collision Go", "T = {\n    user_id: str\n    user_i_d: str\n}\n",
			[]string{`s/a.oschema:3:5: field "user_i_d" collides with field "user_id" in T: both become UserID in Go | rename one of them`}},
		{"field collision all", "T = {\n    foo_bar: str\n    foo__bar: str\n}\n",
			[]string{`s/a.oschema:3:5: field "foo__bar" collides with field "foo_bar" in T: both become foo_bar in Rust and Python, FooBar in Go | rename one of them`}},
		{"field collision escape", "T = {\n    type: str\n    type_: str\n}\n",
			[]string{`s/a.oschema:3:5: field "type_" collides with field "type" in T: both become r#type in Rust, type_ in Python, Type in Go | rename one of them`}},
		{"decl collision", "HttpServer = {}\nHTTPServer = {}\n",
			[]string{`s/a.oschema:2:1: declaration "HTTPServer" collides with declaration "HttpServer": both become HttpServer in Rust, HTTPServer in Go | rename one of them`}},
		{"wrapper collision", "PlayStartInput = {}\nservice S {\n    play_start()\n}\n",
			[]string{`s/a.oschema:3:5: the Input wrapper of method "play_start" collides with declaration "PlayStartInput": both become PlayStartInput in Rust and Go | rename one of them`}},
		{"decl named like service", "S = {}\n" + svc,
			[]string{`s/a.oschema:2:9: service "S" has the same name as declaration at s/a.oschema:1:1 | rename one of them`}},
		{"error named like decl", "NotFound = {}\nservice S {\n    error NotFound = 1\n}\n",
			[]string{`s/a.oschema:3:11: error NotFound has the same name as the declaration at s/a.oschema:1:1 | rename the error or the declaration`}},
		{"enum value collision", "E = \"in_progress\" | \"in-progress\"\n",
			[]string{`s/a.oschema:1:21: enum value "in-progress" collides with enum value "in_progress" in E: both become InProgress in Rust and Go, IN_PROGRESS in Python | rename one of them`}},
		{"enum value not identifier", "E = \"2fa\" | \"a/b\" | \"\"\n", []string{
			`s/a.oschema:1:5: enum value "2fa" cannot become an identifier (it would be "2fa") | enum values start with a letter and use letters, digits, and _ - . or space between words`,
			`s/a.oschema:1:13: enum value "a/b" cannot become an identifier (it would be "A/b") | enum values start with a letter and use letters, digits, and _ - . or space between words`,
			`s/a.oschema:1:21: enum value is empty | enum values start with a letter and use letters, digits, and _ - . or space between words`}},
		{"self recursion", "Node = {\n    next: Node\n}\n",
			[]string{`s/a.oschema:1:1: record Node can never be built: it contains itself through required fields (Node.next -> Node) | make a field on the cycle optional (name?: T) or a list`}},
		{"mutual recursion", "A = {\n    b: B\n}\nB = {\n    c: C\n}\nC = {\n    a: A\n}\n",
			[]string{`s/a.oschema:1:1: record A can never be built: it contains itself through required fields (A.b -> B.c -> C.a -> A) | make a field on the cycle optional (name?: T) or a list`}},
		{"recursion broken by optional, list, map", "A = {\n    a?: A\n    l: [A]\n    m: {str: A}\n}\n", nil},
		{"reserved code", "service S {\n    error E = -32601\n}\n",
			[]string{`s/a.oschema:2:15: error code -32601 is reserved by JSON-RPC (-32768..-32100) | use a positive code like 1004, or a server error code in -32099..-32000`}},
		{"server error code ok", "service S {\n    error E = -32000\n    error F = -32099\n}\n", nil},
		{"code out of range", "service S {\n    error E = 99999999999\n}\n",
			[]string{`s/a.oschema:2:15: error code 99999999999 is out of range | JSON-RPC error codes are 32-bit integers`}},
		{"rootobject on enum", "[rootobject]\nE = \"a\"\n",
			[]string{`s/a.oschema:1:2: [rootobject] applies to records, and E is an enum | remove [rootobject] or make E a record`}},
		{"unknown attribute", "[rootobjct]\nT = {}\n",
			[]string{`s/a.oschema:1:2: unknown attribute [rootobjct]; did you mean [rootobject]? | the only decl attribute is [rootobject]`}},
		{"unknown field attribute", "T = {\n    a: str @indx\n}\n",
			[]string{`s/a.oschema:2:12: unknown field attribute @indx; did you mean @index? | the field attributes are @index and @secret`}},
		{"misspelled positional", "service S {\n    m(a: str) -> str @positonal\n}\n",
			[]string{`s/a.oschema:2:22: unknown method attribute @positonal; did you mean @positional? | the method attribute is @positional (params sent by position)`}},
		{"positional on a field", "T = {\n    a: str @positional\n}\n",
			[]string{`s/a.oschema:2:12: unknown field attribute @positional | the field attributes are @index and @secret`}},
		{"misspelled secret", "T = {\n    a: str @secrte\n}\n",
			[]string{`s/a.oschema:2:12: unknown field attribute @secrte; did you mean @secret? | the field attributes are @index and @secret`}},
		{"secret on a number", "T = {\n    a: i64 @secret\n}\n",
			[]string{`s/a.oschema:2:12: @secret marks str and bytes fields (redacted when printed), not i64 | mark the str or bytes field that holds the secret`}},
		{"secret on a list param", "service S {\n    m(a: [str] @secret)\n}\n",
			[]string{`s/a.oschema:2:16: @secret marks str and bytes parameters (redacted when printed), not [str] | mark the str or bytes field that holds the secret`}},
		{"rootobject sid type", "[rootobject]\nT = {\n    sid: i64\n}\n",
			[]string{`s/a.oschema:3:5: the sid of [rootobject] T must be a required str | write sid: str, or leave it out and it is added`}},
		{"rootobject two services", "[rootobject]\nT = {}\nservice A {\n}\nservice B {\n}\n",
			[]string{`s/a.oschema:1:2: [rootobject] T needs a single service to add its methods to, and this schema has 2 (A, B) | keep one service block in a schema with [rootobject] records, or split the schema`}},
		{"rootobject method clash", "[rootobject]\nT = {}\nservice S {\n    t_get()\n}\n",
			[]string{`s/a.oschema:4:5: method t_get is already generated by [rootobject] T | rename the method; [rootobject] T generates the CRUD methods t_new, _get, _set, _delete, _list, _list_full, _exists and _find`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"s/a.oschema": tt.src}
			if tt.want == nil {
				_, err := resolve.Load(mapFS(files), "s")
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.want, loadErr(t, files))
		})
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, src := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"missing dir", map[string]string{"s/a.oschema": "import \"no/such\"\n"},
			[]string{`s/a.oschema:1:8: schema directory "no/such" not found`}},
		{"empty dir", map[string]string{"s/a.oschema": "import \"e\"\n", "e/readme.md": "x"},
			[]string{`s/a.oschema:1:8: schema directory "e" has no .oschema files`}},
		{"bad path", map[string]string{"s/a.oschema": "import \"../x\"\n"},
			[]string{`s/a.oschema:1:8: invalid import path "../x" | import a workspace-relative schema directory, like "examples/common"`}},
		{"cycle", map[string]string{
			"s/a.oschema": "import \"b\"\n",
			"b/b.oschema": "import \"c\"\n",
			"c/c.oschema": "import \"s\"\n",
		}, []string{`c/c.oschema:1:8: import cycle: s -> b -> c -> s | schemas cannot import each other in a circle; move the shared decls into a schema both import`}},
		{"self import", map[string]string{"s/a.oschema": "import \"s\"\n"},
			[]string{`s/a.oschema:1:8: import cycle: s -> s | schemas cannot import each other in a circle; move the shared decls into a schema both import`}},
		{"shadowing", map[string]string{"s/a.oschema": "import \"c\"\nActor = {}\n", "c/c.oschema": "Actor = {}\n"},
			[]string{`s/a.oschema:2:1: Actor is already declared by import "c" | rename it, or use the imported one`}},
		{"two imports same name", map[string]string{"s/a.oschema": "import \"c\"\nimport \"d\"\n", "c/c.oschema": "Actor = {}\n", "d/d.oschema": "Actor = {}\n"},
			[]string{`s/a.oschema:2:8: Actor is declared by both "c" and "d" | rename one of them`}},
		{"not transitive", map[string]string{"s/a.oschema": "import \"c\"\nT = {\n    a: Actor\n}\n", "c/c.oschema": "import \"d\"\nX = {\n    a: Actor\n}\n", "d/d.oschema": "Actor = {}\n"},
			[]string{`s/a.oschema:3:8: unknown type "Actor"`}},
		{"error in import", map[string]string{"s/a.oschema": "import \"c\"\n", "c/c.oschema": "X = {\n    a: Nope\n}\n"},
			[]string{`c/c.oschema:2:8: unknown type "Nope" | declare it, or import the schema directory that declares it`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, loadErr(t, tt.files))
		})
	}
}

func TestImportedDeclsOrder(t *testing.T) {
	s, err := resolve.Load(mapFS(map[string]string{
		"s/a.oschema":    "import \"lib\"\nT = {\n    b: B\n    a: A\n}\n",
		"lib/a.oschema":  "import \"base\"\nA = {\n    x: X\n}\nB = {}\nUnused = {}\n",
		"base/x.oschema": "X = {}\n",
	}), "s")
	require.NoError(t, err)
	var got []string
	for _, d := range s.Decls {
		got = append(got, d.Name+"@"+d.Origin)
	}
	assert.Equal(t, []string{"T@", "B@lib", "A@lib", "X@base"}, got)
	assert.Equal(t, []string{"lib"}, s.Imports)
	assert.Equal(t, []string{"s/a.oschema", "lib/a.oschema", "base/x.oschema"}, s.Files)
}

func TestRenderedDiagnostic(t *testing.T) {
	_, err := resolve.Load(mapFS(map[string]string{"s/a.oschema": "Step = {}\nT = {\n\tsteps: [Stpe]\n}\n"}), "s")
	require.Error(t, err)
	assert.Equal(t, "s/a.oschema:3:10: unknown type \"Stpe\"; did you mean \"Step\"?\n    \tsteps: [Stpe]\n    \t        ^", err.Error())
}

func TestManyErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("T = {\n")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, "    f%d: Nope\n", i)
	}
	b.WriteString("}\n")
	got := loadErr(t, map[string]string{"s/a.oschema": b.String()})
	require.Len(t, got, diag.MaxErrors+1)
	assert.Equal(t, "s/a.oschema:2:9: unknown type \"Nope\" | declare it, or import the schema directory that declares it", got[0])
	assert.Equal(t, ":0:0: too many errors (30 more not shown)", got[diag.MaxErrors])
}
