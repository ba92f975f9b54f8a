package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/artifacts"
	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// The benchmarks only mean something if the workload is the one the
// targets are set for and every artifact really produces output.
func TestWorkloadHasTheTargetSize(t *testing.T) {
	s, svc, err := Load(Workspace(Types, Methods))
	require.NoError(t, err)
	require.Len(t, s.Decls, Types)
	written := 0
	for _, m := range svc.Methods {
		if m.CRUD == "" {
			written++
		}
	}
	require.Equal(t, Methods, written)
	assert.Greater(t, len(svc.Methods), Methods, "rootobjects add CRUD methods")
}

// Emitting the full size takes seconds (the benchmarks do it); a tenth
// exercises the same emitters and constructs.
func TestEveryArtifactEmits(t *testing.T) {
	s, svc, err := Load(Workspace(Types/10, Methods/10))
	require.NoError(t, err)
	for _, a := range artifacts.All {
		files, err := a.Generate(s, svc, emit.Options{})
		require.NoError(t, err, a.Name)
		require.Len(t, files, len(a.Files), a.Name)
		for _, f := range files {
			if f.Name == "py.typed" {
				assert.Empty(t, f.Content, "the PEP 561 marker is empty")
				continue
			}
			if f.Name != "package.json" { // a manifest: its size does not grow with the schema
				assert.Greater(t, len(f.Content), 20000, "%s of %s is suspiciously small for %d methods", f.Name, a.Name, len(svc.Methods))
			}
			assert.Contains(t, string(f.Content[:400]), s.Hash(), "%s has no model hash header", f.Name)
		}
	}
}

func TestAllSumsEveryArtifact(t *testing.T) {
	fsys := Workspace(40, 10)
	s, svc, err := Load(fsys)
	require.NoError(t, err)
	want := 0
	for _, a := range artifacts.All {
		n, err := Emit(a, s, svc)
		require.NoError(t, err)
		want += n
	}
	total, err := All(fsys)
	require.NoError(t, err)
	assert.Equal(t, want, total)
}

func TestProtoIsEquivalentBySize(t *testing.T) {
	s, svc, err := Load(Workspace(Types, Methods))
	require.NoError(t, err)
	proto, st := Proto(s)
	records, enums, fields := 0, 0, 0
	for _, d := range s.Decls {
		if d.Kind == model.DeclEnum {
			enums++
		} else {
			records++
			fields += len(d.Fields)
		}
	}
	assert.Equal(t, enums, st.Enums)
	assert.Equal(t, fields, st.Fields)
	assert.Equal(t, len(svc.Methods), st.RPCs)
	assert.Equal(t, records+2*st.RPCs+st.Wrappers, st.Messages)
	text := string(proto)
	assert.Equal(t, st.RPCs, strings.Count(text, "\n  rpc "))
	assert.Equal(t, st.Enums, strings.Count(text, "\nenum "))
	assert.Equal(t, st.Messages, strings.Count(text, "\nmessage "))

	again, _ := Proto(s)
	assert.Equal(t, proto, again, "Proto must be deterministic")
}

func TestProtoShapes(t *testing.T) {
	s := loadKitchenSink(t)
	proto, st := Proto(s)
	text := string(proto)
	for _, want := range []string{
		"package kitchen_sink;",
		"enum Phase {\n  PHASE_UNSPECIFIED = 0;\n  PHASE_PENDING = 1;",
		"  map<string, Int64List> matrix = 17;",
		"message Int64List {\n  repeated int64 items = 1;\n}",
		"  repeated Step steps = 16;",
		"  optional string from = 21;",
		"  Step note = 3;", // messages have presence: no optional label
		"  bytes extra = 13;",
		"  string created_at = 11;",
		"  rpc TaskStart(TaskStartInput) returns (TaskStartOutput);",
		"message ResetOutput {\n}",
		"message SumOutput {\n  double result = 1;\n}",
		"  // higher runs first\n  int32 priority = 4;",
	} {
		assert.True(t, strings.Contains(text, want), "the proto lacks %q", want)
	}
	if t.Failed() {
		t.Logf("proto:\n%s", text)
	}
	assert.Equal(t, 1, st.Wrappers)
}

// Names proto would share (decls, Input/Output messages, wrappers, enum
// values all live in one scope) stay distinct.
func TestProtoNameClashes(t *testing.T) {
	s := loadCollisions(t)
	proto, st := Proto(s)
	text := string(proto)
	for _, want := range []string{
		"message StringList {\n  repeated StringList2 x = 1;\n}",
		"message StringList2 {\n  repeated string items = 1;\n}",
		"message EchoInput {\n  map<string, Int32Map> v = 1;\n}",
		"message EchoOutput {\n  repeated StringListList result = 1;\n}",
		"rpc Echo(EchoInput) returns (EchoOutput);",
		"message Int32Map {\n  map<string, int32> items = 1;\n}",
		"  MODE_UNSPECIFIED = 0;\n  MODE_UNSPECIFIED2 = 1;",
	} {
		assert.True(t, strings.Contains(text, want), "the proto lacks %q", want)
	}
	assert.Equal(t, 3, st.Wrappers)
	if t.Failed() {
		t.Logf("proto:\n%s", text)
	}
}

func loadCollisions(t *testing.T) *model.Schema {
	t.Helper()
	src := "Mode = \"unspecified\" | \"fast\"\n" +
		"StringList = {\n    x: [[str]]\n}\n" +
		"service Svc {\n    echo(v: {str: {str: i32}}) -> [[StringList]]\n}\n"
	s, err := resolve.Load(fstest.MapFS{"clash/a.oschema": {Data: []byte(src)}}, "clash")
	require.NoError(t, err)
	return s
}

// protoc itself must accept what Proto writes, or the side-by-side timing
// measures an error message.
func TestProtocAcceptsProto(t *testing.T) {
	protoc := testtool.Look(t, "protoc")
	small, _, err := Load(Workspace(60, 20))
	require.NoError(t, err)
	for name, s := range map[string]*model.Schema{"synth": small, "kitchen_sink": loadKitchenSink(t), "clash": loadCollisions(t)} {
		dir := t.TempDir()
		proto, _ := Proto(s)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".proto"), proto, 0o644))
		for _, out := range []string{"py", "cpp"} {
			require.NoError(t, os.Mkdir(filepath.Join(dir, out), 0o755))
		}
		cmd := exec.Command(protoc, "--python_out=py", "--cpp_out=cpp", name+".proto")
		cmd.Dir = dir
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "protoc rejected %s.proto:\n%s", name, msg)
		py, err := os.ReadFile(filepath.Join(dir, "py", name+"_pb2.py"))
		require.NoError(t, err)
		assert.Contains(t, string(py), "_builder.BuildTopDescriptorsAndMessages")
		_, err = os.Stat(filepath.Join(dir, "cpp", name+".pb.cc"))
		require.NoError(t, err)
	}
}

func loadKitchenSink(t *testing.T) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/kitchen_sink")
	require.NoError(t, err)
	return s
}
