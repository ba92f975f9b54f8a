package syntax_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

func TestQuotedAndDottedNames(t *testing.T) {
	f := mustParse(t, "a.oschema", []byte(`T = {
    "userId": str
    "x-trace"?: str  # doc
    plain: i64
}
service S {
    service.start(name: str, "dryRun"?: bool) -> T
    "stream_currentLogs"("pageSize"?: u32)
    "version"()
    "error"(
        # doc
        "a b": str,
    )
}
`))
	d := f.Nodes[0].(*syntax.Decl)
	require.Len(t, d.Fields, 3)
	assert.Equal(t, "userId", d.Fields[0].Name)
	assert.True(t, d.Fields[0].Quoted)
	assert.Equal(t, "x-trace", d.Fields[1].Name)
	assert.True(t, d.Fields[1].Optional)
	assert.Equal(t, "doc", d.Fields[1].Doc())
	assert.False(t, d.Fields[2].Quoted)
	svc := f.Nodes[1].(*syntax.Service)
	require.Len(t, svc.Members, 4)
	m := svc.Members[0].(*syntax.Method)
	assert.Equal(t, "service.start", m.Name)
	assert.False(t, m.Quoted)
	assert.Equal(t, "dryRun", m.Params[1].Name)
	assert.True(t, m.Params[1].Quoted)
	m = svc.Members[1].(*syntax.Method)
	assert.Equal(t, "stream_currentLogs", m.Name)
	assert.True(t, m.Quoted)
	assert.Equal(t, "pageSize", m.Params[0].Name)
	assert.Equal(t, "version", svc.Members[2].(*syntax.Method).Name, "a quoted keyword is a method name")
	m = svc.Members[3].(*syntax.Method)
	assert.Equal(t, "error", m.Name)
	assert.Equal(t, "a b", m.Params[0].Name)
	assert.Equal(t, "doc", m.Params[0].Doc())
}

func TestDottedNameErrors(t *testing.T) {
	const pascal = "only method names may be dotted; "
	tests := []struct {
		name, src string
		want      []string
	}{
		{"field", "T = {\n    a.b: str\n}\n",
			[]string{`2:5: dotted name "a.b" is only allowed for a method, not a field | only method names may be dotted; write the wire name as a string: "a.b": T`}},
		{"parameter", "service S {\n    m(page.size: u32)\n}\n",
			[]string{`2:7: dotted name "page.size" is only allowed for a method, not a parameter | only method names may be dotted; write the wire name as a string: "page.size": T`}},
		{"type", "T = {\n    a: common.Actor\n}\n",
			[]string{`2:8: dotted name "common.Actor" is only allowed for a method, not a type | only method names may be dotted; a type is a declared name such as Step (imported declarations are used without a prefix) or one of str, bool, i32, i64, u32, u64, f32, f64, otime, bytes, any`}},
		{"result type", "service S {\n    m() -> a.B\n}\n",
			[]string{`2:12: dotted name "a.B" is only allowed for a method, not a type | only method names may be dotted; a type is a declared name such as Step (imported declarations are used without a prefix) or one of str, bool, i32, i64, u32, u64, f32, f64, otime, bytes, any`}},
		{"declaration", "a.B = {}\n",
			[]string{`1:1: dotted name "a.B" is only allowed for a method, not a declaration | ` + pascal + `declaration names are PascalCase, like TaskService`}},
		{"service", "service a.S {\n}\n",
			[]string{`1:9: dotted name "a.S" is only allowed for a method, not a service | ` + pascal + `service names are PascalCase, like TaskService`, `2:1: unexpected "}": no open record or service`}},
		{"error", "service S {\n    error A.B = 1\n}\n",
			[]string{`2:11: dotted name "A.B" is only allowed for a method, not an error | ` + pascal + `error names are PascalCase, like TaskService`}},
		{"attribute", "[root.object]\nT = {}\n",
			[]string{`1:2: dotted name "root.object" is only allowed for a method, not an attribute | write [rootobject]`}},
		{"field attribute", "T = {\n    a: str @in.dex\n}\n",
			[]string{`2:13: dotted name "in.dex" is only allowed for a method, not an attribute | write @index`}},
		{"quoted field without colon", "T = {\n    \"userId\" str\n}\n",
			[]string{`2:14: expected ":" after "userId", found "str" | write "userId": str`}},
		{"quoted method without paren", "service S {\n    \"getUser\" -> str\n}\n",
			[]string{`2:15: expected "(" after method name "getUser", found "->" | write "getUser"(param: T) -> Result`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseErrs(tt.src))
		})
	}
}

// TestFormatNames: a quoted name is written bare when it can be; a bare
// name stays as written (a bad one is the resolver's to report).
func TestFormatNames(t *testing.T) {
	src := "T = {\n    \"user_id\": str\n    \"userId\"?: str\n    \"a.b\": str\n    Bad: str\n}\n\n" +
		"service S {\n    \"service.start\"(\"name\": str) -> T\n    \"stream_currentLogs\"()\n    \"Service.Start\"()\n    job.create(\n        # doc\n        \"pageSize\": u32,\n    )\n}\n"
	want := "T = {\n    user_id: str\n    \"userId\"?: str\n    \"a.b\": str\n    Bad: str\n}\n\n" +
		"service S {\n    service.start(name: str) -> T\n    \"stream_currentLogs\"()\n    \"Service.Start\"()\n    job.create(\n        # doc\n        \"pageSize\": u32,\n    )\n}\n"
	once := string(syntax.Format(mustParse(t, "a.oschema", []byte(src))))
	assert.Equal(t, want, once)
	assert.Equal(t, once, string(syntax.Format(mustParse(t, "a.oschema", []byte(once)))))
}

func TestNameForms(t *testing.T) {
	for name, want := range map[string]string{
		"user_id": "user_id", "userId": `"userId"`, "a.b": `"a.b"`, "x-trace": `"x-trace"`, "_x": `"_x"`, `a"b\c`: `"a\"b\\c"`,
	} {
		assert.Equal(t, want, syntax.FieldName(name), name)
	}
	for name, want := range map[string]string{
		"service.start": "service.start", "a.b_c.d2": "a.b_c.d2", "play_start": "play_start",
		"a..b": `"a..b"`, "a.": `"a."`, ".a": `".a"`, "a.B": `"a.B"`, "a.2": `"a.2"`, "stream_currentLogs": `"stream_currentLogs"`,
	} {
		assert.Equal(t, want, syntax.MethodName(name), name)
	}
}
