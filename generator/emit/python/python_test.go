package python

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func kitchenSink(t *testing.T) (*model.Schema, []byte) {
	t.Helper()
	s := clienttest.KitchenSink(t)
	files, err := Generate(s, s.Service("TaskService"), emit.Options{})
	require.NoError(t, err)
	require.Len(t, files, 2)
	require.Equal(t, "client.py", files[0].Name)
	require.Equal(t, "py.typed", files[1].Name, "the PEP 561 marker")
	require.Empty(t, files[1].Content)
	return s, files[0].Content
}

// writeClient writes the kitchen_sink client.py and the driver into a
// fresh directory and returns it.
func writeClient(t *testing.T) string {
	t.Helper()
	_, src := kitchenSink(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.py"), src, 0o644))
	driver, err := os.ReadFile(filepath.Join("testdata", "driver.py"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "driver.py"), driver, 0o644))
	return dir
}

func TestGolden(t *testing.T) {
	_, got := kitchenSink(t)
	golden := filepath.Join("testdata", "kitchen_sink", "client.py")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./generator/emit/python -update to create it")
	assert.Equal(t, string(want), string(got), "golden differs; rerun with -update and review the diff")
}

func TestGoldenCompilesAndTypeChecks(t *testing.T) {
	t.Parallel()
	// The golden file itself, so what is committed is what is proven.
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "kitchen_sink", "client.py"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.py"), src, 0o644))
	driver, err := os.ReadFile(filepath.Join("testdata", "driver.py"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "driver.py"), driver, 0o644))

	py := testtool.Look(t, "python3")
	out, err := exec.Command(py, "-m", "py_compile", filepath.Join(dir, "client.py")).CombinedOutput()
	require.NoError(t, err, "py_compile: %s", out)

	mypy := testtool.Mypy(t)
	args := append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py", "driver.py")
	cmd := exec.Command(mypy[0], args...)
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict: %s", out)
}

func TestMypyRejectsWrongTypes(t *testing.T) {
	t.Parallel()
	dir := writeClient(t)
	bad := `from client import Phase, TaskServiceClient

c = TaskServiceClient()
c.task_get(42)
p: int = c.task_start("t1")
c.task_find(phase="running")
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.py"), []byte(bad), 0o644))
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--no-incremental", "bad.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "mypy accepted wrongly typed calls: %s", out)
	s := string(out)
	assert.Contains(t, s, `bad.py:4: error: Argument 1 to "task_get" of "TaskServiceClient" has incompatible type "int"; expected "str"`)
	assert.Contains(t, s, `bad.py:5: error: Incompatible types in assignment (expression has type "Phase", variable has type "int")`)
	assert.Contains(t, s, `bad.py:6: error: Argument "phase" to "task_find" of "TaskServiceClient" has incompatible type "str"; expected "Optional[Phase]"`)
}

func runDriver(t *testing.T, dir, endpoint string, extra ...string) string {
	t.Helper()
	py := testtool.Look(t, "python3")
	args := append([]string{filepath.Join(dir, "driver.py"), dir, endpoint}, extra...)
	cmd := exec.Command(py, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "driver failed: %s\nstdout:\n%s", stderr.String(), out)
	return string(out)
}

func TestRuntimeUnixSocket(t *testing.T) {
	dir := writeClient(t)
	srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
	out := runDriver(t, dir, clienttest.Endpoint(srv.ListenUnix(t)))
	clienttest.CheckTranscript(t, out)
	clienttest.CheckRequests(t, srv.Requests())
}

func TestRuntimeHTTP(t *testing.T) {
	dir := writeClient(t)
	srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
	out := runDriver(t, dir, srv.ListenHTTP(t))
	clienttest.CheckTranscript(t, out)
	clienttest.CheckRequests(t, srv.Requests())
}

func TestRuntimeTimeout(t *testing.T) {
	dir := writeClient(t)
	srv := clienttest.NewServer(t, clienttest.KitchenSink(t))
	srv.Hang = true
	for _, endpoint := range []string{clienttest.Endpoint(srv.ListenUnix(t)), srv.ListenHTTP(t)} {
		start := time.Now()
		out := runDriver(t, dir, endpoint, "timeout")
		assert.Less(t, time.Since(start), 5*time.Second, "timeout did not cut the call short")
		assert.Contains(t, out, `"type": "RpcTimeoutError"`, endpoint)
		assert.Contains(t, out, "within 0.3 s", endpoint)
	}
}

// TestConversions runs the encode/decode helpers on values the driver
// does not cover: other RFC 3339 spellings, naive datetimes, bad base64,
// null optionals, enum members given as plain strings.
func TestConversions(t *testing.T) {
	dir := writeClient(t)
	script := `
import datetime, sys
sys.path.insert(0, sys.argv[1])
import client as c

p = c._parse_time
utc = datetime.timezone.utc
assert p("2024-01-02T03:04:05Z") == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc)
assert p("2024-01-02T03:04:05.5Z").microsecond == 500000
assert p("2024-01-02T03:04:05.123456789Z").microsecond == 123456
t = p("2024-01-02T05:04:05-02:30")
assert t.utcoffset() == -datetime.timedelta(hours=2, minutes=30), t
assert c._format_time(t) == "2024-01-02T05:04:05-02:30"
assert c._format_time(p("2024-01-02T03:04:05.250Z")) == "2024-01-02T03:04:05.250000Z"
odd = datetime.timezone(datetime.timedelta(minutes=19, seconds=32))
assert c._format_time(datetime.datetime(1900, 1, 1, 0, 19, 32, tzinfo=odd)) == "1900-01-01T00:00:00Z"
for bad in ["2024-01-02", "2024-01-02T03:04:05", "yesterday", "2024-01-02t03:04:05.5z",
            "2024-01-02 03:04:05Z", "2024-01-02T03:04:05.1234567890Z", "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:60Z", "2024-01-01T00:00:00+24:00", "0000-01-01T00:00:00Z",
            "\u0662\u0660\u0662\u0664-01-01T00:00:00Z", "2024-01-01T00:00:00Z\n"]:
    try:
        p(bad)
        raise SystemExit("parsed " + bad)
    except ValueError:
        pass
try:
    c._format_time(datetime.datetime(2024, 1, 1))
    raise SystemExit("formatted a naive datetime")
except ValueError as e:
    assert "timezone" in str(e)
try:
    c._format_time("2024-01-01T00:00:00Z")
    raise SystemExit("formatted a string")
except TypeError:
    pass
try:
    c._b64decode("not base64!")
    raise SystemExit("decoded bad base64")
except ValueError:
    pass
a = c.Actor.from_dict({"name": "x", "email": None})
assert a.email is None and a.to_dict() == {"name": "x"}
s = c.Step.from_dict({"title": "a", "children": [], "note": {"title": "b", "children": []}})
assert s.note is not None and s.note.title == "b"
assert c.Task.from_dict.__doc__
assert c.Phase("done") is c.Phase.DONE and c.Phase.DONE == "done"
e = c.NotFoundError()
assert isinstance(e, c.RpcError) and e.code == 1004 == c.NotFoundError.CODE
assert e.message == "The task does not exist."
assert c.TaskServiceClient.task_start.__doc__ == "Start a task; returns its new phase."
assert "Attributes:" in c.Task.__doc__ and "from_: a keyword in Python" in c.Task.__doc__
try:
    c.HttpTransport("ftp://x")
    raise SystemExit("accepted ftp")
except ValueError:
    pass
print("ok")
`
	py := testtool.Look(t, "python3")
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "ok\n", string(out))
}

func TestDeterministic(t *testing.T) {
	_, a := kitchenSink(t)
	for i := 0; i < 5; i++ {
		_, b := kitchenSink(t)
		require.Equal(t, string(a), string(b))
	}
	assert.NotContains(t, string(a), "/work/", "no absolute paths")
	assert.True(t, strings.HasPrefix(string(a), "# Code generated by oschema from generator/testdata/schemas/kitchen_sink (service TaskService). DO NOT EDIT.\n# oschema-model: sha256:"))
}

// TestHeroLogicExample generates the client of examples/hero_logic, which
// must have the methods the ecosystem's callers use, and type-checks it.
func TestHeroLogicExample(t *testing.T) {
	t.Parallel()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "examples/hero_logic")
	require.NoError(t, err)
	require.Len(t, s.Services, 1)
	files, err := Generate(s, s.Services[0], emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	for _, n := range []string{"play_start", "workflow_version_fetch", "workflow_clone", "example_to_input_data"} {
		assert.Contains(t, src, "    def "+n+"(", n)
	}
	assert.Contains(t, src, `DEFAULT_SOCKET_PATH = "~/hero/var/sockets/hero_logic/rpc.sock"`)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.py"), files[0].Content, 0o644))
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict: %s", out)
}

func TestHeroLogicMethodNames(t *testing.T) {
	str := model.Scalar(model.KindStr)
	svc := &model.Service{Name: "LogicService", Version: "1.0.0"}
	for _, n := range []string{"play_start", "workflow_version_fetch", "workflow_clone", "example_to_input_data"} {
		svc.Methods = append(svc.Methods, &model.Method{Name: n, Params: []*model.Field{{Name: "workflow_sid", Type: str}}, Result: str})
	}
	s := &model.Schema{Name: "hero_logic", Path: "examples/hero_logic", Services: []*model.Service{svc}}
	files, err := Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	for _, n := range []string{"play_start", "workflow_version_fetch", "workflow_clone", "example_to_input_data"} {
		assert.Regexp(t, `    def `+n+`\(\s*self, workflow_sid: str, \*, timeout: Optional\[float\] = None\s*\) -> str:\n`, src)
	}
	assert.Contains(t, src, `DEFAULT_SOCKET_PATH = "~/hero/var/sockets/hero_logic/rpc.sock"`)
	assert.Contains(t, src, "class LogicServiceClient:")
}

func TestWireNamesFromOpenRPC(t *testing.T) {
	// A model imported from OpenRPC keeps the document's spelling.
	rec := &model.Decl{Name: "LogLine", Kind: model.DeclRecord, Fields: []*model.Field{
		{Name: "currentLogs", Type: model.ListOf(model.Scalar(model.KindStr))},
		{Name: "class", Type: model.Scalar(model.KindStr), Optional: true},
	}}
	svc := &model.Service{Name: "Zinit", Methods: []*model.Method{
		{Name: "service.start", Params: []*model.Field{{Name: "name", Type: model.Scalar(model.KindStr)}}, Result: model.Ref(rec)},
	}}
	s := &model.Schema{Name: "zinit", Path: "x/zinit.json", Decls: []*model.Decl{rec}, Services: []*model.Service{svc}}
	files, err := Generate(s, svc, emit.Options{SocketPath: "/tmp/zinit.sock"})
	require.NoError(t, err)
	src := string(files[0].Content)
	assert.Contains(t, src, "    current_logs: List[str]\n")
	assert.Contains(t, src, "    class_: Optional[str] = None\n")
	assert.Contains(t, src, `"currentLogs": self.current_logs,`)
	assert.Contains(t, src, `class_=_optional(d, "class", path, _str),`)
	assert.Contains(t, src, "    def service_start(self, name: str, *, timeout: Optional[float] = None) -> LogLine:\n")
	assert.Contains(t, src, `return self._call("service.start", params, LogLine.from_dict, timeout)`)
	assert.Contains(t, src, `DEFAULT_SOCKET_PATH = "/tmp/zinit.sock"`)
	assert.Contains(t, src, "class ZinitClient:")
}

func TestBadInput(t *testing.T) {
	_, err := Generate(nil, nil, emit.Options{})
	assert.Error(t, err)

	mk := func(decls []*model.Decl, methods ...*model.Method) error {
		svc := &model.Service{Name: "S", Methods: methods}
		_, err := Generate(&model.Schema{Name: "s", Decls: decls, Services: []*model.Service{svc}}, svc, emit.Options{})
		return err
	}
	err = mk([]*model.Decl{{Name: "SClient", Kind: model.DeclRecord}})
	assert.EqualError(t, err, "python: service S: the client class: Python name SClient collides with decl SClient")
	err = mk([]*model.Decl{{Name: "E", Kind: model.DeclEnum, Values: []*model.EnumValue{{Value: "a-b"}, {Value: "a_b"}}}})
	assert.EqualError(t, err, `python: service S: enum E: value "a_b" gives the Python member "A_B", which is not a unique identifier`)
}

// TestReservedNamesEscaped: names client.py defines or uses get a
// trailing underscore, like keywords; the wire names stay.
func TestReservedNamesEscaped(t *testing.T) {
	str := model.Scalar(model.KindStr)
	svc := &model.Service{Name: "S", Methods: []*model.Method{{Name: "discover", Params: []*model.Field{{Name: "params", Type: str}, {Name: "result", Type: str}}}}}
	s := &model.Schema{Name: "s", Decls: []*model.Decl{
		{Name: "RpcError", Kind: model.DeclRecord},
		{Name: "List", Kind: model.DeclRecord, Fields: []*model.Field{{Name: "to_dict", Type: str}, {Name: "str", Type: str}}},
	}, Services: []*model.Service{svc}}
	files, err := Generate(s, svc, emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	assert.Contains(t, src, "class RpcError_:")
	assert.Contains(t, src, "class List_:")
	assert.Contains(t, src, "    to_dict_: str\n    str_: str\n")
	assert.Contains(t, src, `"to_dict": self.to_dict_,`)
	assert.Contains(t, src, "    def discover_(\n        self, params_: str, result_: str, *, timeout: Optional[float] = None\n    ) -> None:\n")
	assert.Contains(t, src, `"params": params_,`)
}

// TestEdgeSchemaTypeChecks runs mypy --strict on the client of a schema
// with the type combinations kitchen_sink does not reach, and round-trips
// a value through from_dict/to_dict.
func TestEdgeSchemaTypeChecks(t *testing.T) {
	t.Parallel()
	s := clienttest.EdgeSchema()
	files, err := Generate(s, s.Services[0], emit.Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.py"), files[0].Content, 0o644))
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict: %s", out)

	script := `
import json, sys
sys.path.insert(0, sys.argv[1])
import client as c
wire = {
    "at": "2024-01-02T03:04:05Z",
    "times": ["2024-01-02T03:04:05+01:00"],
    "blobs": {"a": "AAE="},
    "colors": {"x": ["light-red", "2d", "None"]},
    "nested": [[{"at": "2024-01-02T03:04:05Z", "nested": [], "empty": {}}]],
    "by_name": {"k": {"at": "2024-01-02T03:04:05Z", "nested": []}},
    "anything": [1, {"a": None}],
    "color": "2d",
    "lambda": 1.5,
}
item = c.Item.from_dict(wire)
assert item.blobs == {"a": b"\x00\x01"}, item.blobs
assert item.colors == {"x": [c.Color.LIGHT_RED, c.Color.V_2D, c.Color.NONE]}
assert item.lambda_ == 1.5
assert item.nested[0][0].empty == c.Empty()
assert json.dumps(item.to_dict(), sort_keys=True) == json.dumps(wire, sort_keys=True), item.to_dict()
assert c.QuotaError().message == "Over quota."
assert c.ConflictError().code == -32050
print("ok")
`
	py := testtool.Look(t, "python3")
	out, err = exec.Command(py, "-c", script, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func TestBrokenReplies(t *testing.T) {
	dir := writeClient(t)
	sock := clienttest.ListenBroken(t)
	script := `
import sys
sys.path.insert(0, sys.argv[1])
import client as c
cl = c.TaskServiceClient(c.UnixSocketTransport(sys.argv[2], timeout=5))
for name, call in [("list", cl.task_list), ("exists", lambda: cl.task_exists("x")), ("sum", lambda: cl.sum([1.0]))]:
    try:
        call()
        print(name, "no error")
    except (c.RpcError, c.ProtocolError) as e:
        print(name, type(e).__name__, e)
try:
    c.TaskServiceClient(c.UnixSocketTransport(sys.argv[2] + ".missing")).reset()
except OSError as e:
    print("missing", type(e).__name__, type(e.__cause__).__name__)
`
	py := testtool.Look(t, "python3")
	out, err := exec.Command(py, "-c", script, dir, sock).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, `list ProtocolError task_list: HTTP 502, not a JSON-RPC response: 'bad gateway\n'
exists RpcError parse error (code -32700)
sum ProtocolError sum: response id 999 does not match request id 3
missing TransportError FileNotFoundError
`, string(out))
}

// black returns the command prefix running black (Debian's, under
// /usr/bin/python3, which may not be the python3 on PATH).
func black(t *testing.T) []string {
	t.Helper()
	testtool.SkipUnderBazel(t, "black")
	for _, c := range [][]string{{"black"}, {"/usr/bin/black"}, {"/usr/bin/python3", "-m", "black"}} {
		if exec.Command(c[0], append(c[1:], "--version")...).Run() == nil {
			return c
		}
	}
	if testtool.Required() {
		t.Fatal("black not found (OSCHEMA_REQUIRE_TOOLS=1): apt-get install black (./bazelw setup does)")
	}
	t.Skip("black not found: apt-get install black (set OSCHEMA_REQUIRE_TOOLS=1 to make this a failure)")
	return nil
}

func pyflakes(t *testing.T) []string {
	t.Helper()
	testtool.SkipUnderBazel(t, "pyflakes")
	for _, c := range [][]string{{"/usr/bin/python3", "-m", "pyflakes"}, {"python3", "-m", "pyflakes"}} {
		if exec.Command(c[0], append(c[1:], "--version")...).Run() == nil {
			return c
		}
	}
	if testtool.Required() {
		t.Fatal("pyflakes not found (OSCHEMA_REQUIRE_TOOLS=1): apt-get install python3-pyflakes (./bazelw setup does)")
	}
	t.Skip("pyflakes not found: apt-get install python3-pyflakes (set OSCHEMA_REQUIRE_TOOLS=1 to make this a failure)")
	return nil
}

// checkStyle runs black --check (defaults: 88 columns) and pyflakes on
// src and returns their combined output and whether both passed.
func checkStyle(t *testing.T, src []byte) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "client.py")
	require.NoError(t, os.WriteFile(f, src, 0o644))
	bl := black(t)
	out, err := exec.Command(bl[0], append(bl[1:], "--check", "--diff", "-q", "--target-version", "py39", f)...).CombinedOutput()
	ok := err == nil
	pf := pyflakes(t)
	out2, err := exec.Command(pf[0], append(pf[1:], f)...).CombinedOutput()
	return string(out) + string(out2), ok && err == nil
}

func generated(t *testing.T, s *model.Schema) []byte {
	t.Helper()
	require.NotEmpty(t, s.Services)
	files, err := Generate(s, s.Services[0], emit.Options{})
	require.NoError(t, err)
	return files[0].Content
}

// TestBlackAndPyflakes proves generated clients pass black and pyflakes
// unchanged: the golden, the edge schema, the examples, and a schema of
// long names that forces every line-splitting rule.
func TestBlackAndPyflakes(t *testing.T) {
	t.Parallel()
	black(t) // skips under bazel test before the examples are needed
	golden, err := os.ReadFile(filepath.Join("testdata", "kitchen_sink", "client.py"))
	require.NoError(t, err)
	cases := map[string][]byte{
		"kitchen_sink golden": golden,
		"edge":                generated(t, clienttest.EdgeSchema()),
		"long names":          generated(t, longNames()),
	}
	noErrors := clienttest.EdgeSchema()
	noErrors.Services[0].Errors = nil
	// No enums, records, lists or errors: nothing to import for them.
	minimal := &model.Schema{Name: "m", Path: "x/m", Services: []*model.Service{{Name: "M", Methods: []*model.Method{
		{Name: "echo", Params: []*model.Field{{Name: "s", Type: model.Scalar(model.KindStr)}}, Result: model.Scalar(model.KindStr)},
	}}}}
	cases["minimal"] = generated(t, minimal)
	cases["no errors"] = generated(t, noErrors)
	for _, ex := range []string{"examples/hero_logic", "proc/hero_proc"} {
		s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), ex)
		require.NoError(t, err)
		cases[ex] = generated(t, s)
	}
	for name, src := range cases {
		out, ok := checkStyle(t, src)
		assert.True(t, ok, "%s: black/pyflakes:\n%s", name, out)
	}
}

// TestStyleChecksCanFail feeds the checkers what they must reject, so the
// test above cannot pass by not checking.
func TestStyleChecksCanFail(t *testing.T) {
	t.Parallel()
	_, src := kitchenSink(t)
	misformatted := strings.Replace(string(src), "    CODE = 1004\n", "    CODE=1004\n", 1)
	require.NotEqual(t, string(src), misformatted)
	out, ok := checkStyle(t, []byte(misformatted))
	assert.False(t, ok)
	assert.Contains(t, out, "+    CODE = 1004")

	unused := strings.Replace(string(src), "import base64\n", "import base64\nimport sys\n", 1)
	out, ok = checkStyle(t, []byte(unused))
	assert.False(t, ok)
	assert.Contains(t, out, "'sys' imported but unused")
}

// longNames is a schema whose names are long enough that black splits
// signatures, conversions, calls and assignments.
func longNames() *model.Schema {
	str := model.Scalar(model.KindStr)
	long := "a_rather_long_field_name_that_keeps_going"
	color := &model.Decl{Name: "AnEnumerationWithQuiteALongName", Kind: model.DeclEnum, Values: []*model.EnumValue{
		{Value: "a-value-that-is-long-enough-to-need-parentheses-around-it-when-assigned-x"},
		{Value: "plain", Doc: `Say "hi"`},
	}}
	inner := &model.Decl{Name: "AnInnerRecordWithAVeryLongNameIndeed", Kind: model.DeclRecord, Doc: `"Quoted" summary`,
		Fields: []*model.Field{{Name: "when", Type: model.Scalar(model.KindOtime)}}}
	outer := &model.Decl{Name: "OuterRecordWithLongName", Kind: model.DeclRecord,
		Doc: "Summary.\n  indented detail\n  more detail",
		Fields: []*model.Field{
			{Name: long + "_items", Type: model.ListOf(model.Ref(inner))},
			{Name: long + "_map", Type: model.MapOf(model.ListOf(model.Ref(inner)))},
			{Name: long + "_colors", Type: model.MapOf(model.Ref(color)), Optional: true},
			{Name: long + "_times", Type: model.ListOf(model.Scalar(model.KindOtime)), Optional: true},
			{Name: long + "_nested", Type: model.MapOf(model.MapOf(model.ListOf(model.Ref(inner)))), Optional: true},
			{Name: "blob_" + long, Type: model.Scalar(model.KindBytes)},
		}}
	svc := &model.Service{Name: "AServiceWithALongName", Errors: []*model.ErrorDef{
		{Name: "SomethingWentWrongInAWayThatNeedsALongName", Code: 4242, Doc: `The "thing" went wrong in a way that takes a long sentence to explain.`},
	}, Methods: []*model.Method{
		{Name: "a_method_name_that_is_long_" + long, Params: []*model.Field{{Name: "first_" + long, Type: model.ListOf(model.Ref(inner))}}, Result: model.ListOf(model.Ref(inner))},
		{Name: "short", Params: []*model.Field{
			{Name: "a", Type: str}, {Name: "b_" + long, Type: model.MapOf(model.Ref(color))},
			{Name: "c_" + long, Type: model.ListOf(model.Ref(outer)), Optional: true},
		}, Result: model.MapOf(model.ListOf(model.Ref(color)))},
		{Name: "only_self_but_the_name_is_long_enough_to_split_the_signature_" + long},
		{Name: "identity_result_" + long, Result: model.MapOf(model.ListOf(str))},
	}}
	return &model.Schema{Name: "long_names", Path: "x/long_names", Decls: []*model.Decl{color, inner, outer}, Services: []*model.Service{svc}}
}

// TestWireNamesSchema: the schema written with dotted method names and
// quoted camelCase names (generator/testdata/schemas/wire_names) gives
// snake_case Python with the wire names in the calls and dicts, which
// passes mypy --strict and round-trips a record through its wire form.
func TestWireNamesSchema(t *testing.T) {
	t.Parallel()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/wire_names")
	require.NoError(t, err)
	files, err := Generate(s, s.Services[0], emit.Options{})
	require.NoError(t, err)
	src := string(files[0].Content)
	for _, want := range []string{
		`return self._call("service.start", params, ServiceStatus.from_dict, timeout)`,
		`self._call("stream_currentLogs", params, _list_of(_str), timeout)`,
		`return self._call("getUserById", params, ServiceStatus.from_dict, timeout)`,
		`self._call("system.shutdown", params, _ignore, timeout)`,
		"    def stream_current_logs(\n        self, *, name: Optional[str] = None, timeout: Optional[float] = None\n    ) -> List[str]:\n",
		"    def get_user_by_id(\n        self, user_id: str, *, timeout: Optional[float] = None\n    ) -> ServiceStatus:\n",
		`"userId": self.user_id,`,
		`user_id=_req(d, "userId", path, _str),`,
		"    x_trace: Optional[str] = None\n",
	} {
		assert.Contains(t, src, want)
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client.py"), files[0].Content, 0o644))
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict: %s", out)

	script := `
import json, sys
sys.path.insert(0, sys.argv[1])
import client as c
wire = {"name": "a", "state": "running", "userId": "u", "x-trace": "t", "HTTPProxy": "p", "restartCount": 2}
s = c.ServiceStatus.from_dict(wire)
assert s.user_id == "u" and s.x_trace == "t" and s.http_proxy == "p", s
assert s.to_dict() == wire, s.to_dict()
print("ok")
`
	py := testtool.Look(t, "python3")
	out, err = exec.Command(py, "-c", script, dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "ok\n", string(out))
}
