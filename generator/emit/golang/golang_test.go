package golang

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/internal/synth"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const goldenPath = "testdata/kitchen_sink/api.go.golden"

func generate(t *testing.T, s *model.Schema, opts emit.Options) []byte {
	t.Helper()
	files, err := Generate(s, s.Services[0], opts)
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, FileName, files[0].Name)
	return files[0].Content
}

func TestGolden(t *testing.T) {
	got := generate(t, loadKitchenSink(t), emit.Options{})
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
		require.NoError(t, os.WriteFile(goldenPath, got, 0o644))
	}
	want, err := os.ReadFile(goldenPath)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), string(got), "api.go differs from %s; run go test -update if intended", goldenPath)
}

func TestDeterministic(t *testing.T) {
	first := generate(t, loadKitchenSink(t), emit.Options{})
	for i := 0; i < 5; i++ {
		require.Equal(t, string(first), string(generate(t, loadKitchenSink(t), emit.Options{})))
	}
	text := string(first)
	assert.NotContains(t, text, "/work/", "absolute path in output")
	assert.NotContains(t, text, "/tmp/", "absolute path in output")
}

// TestGofmtClean proves the emitter's own layout is gofmt's: go/format
// leaves the output of every kind of schema unchanged, byte for byte.
func TestGofmtClean(t *testing.T) {
	for name, s := range map[string]*model.Schema{
		"kitchen_sink": loadKitchenSink(t),
		"odd":          oddSchema(),
		"docs":         docSchema(),
		"empty":        emptySchema(),
		"synth":        synthSchema(t, 60, 40),
	} {
		t.Run(name, func(t *testing.T) {
			src := generate(t, s, emit.Options{})
			formatted, err := format.Source(src)
			require.NoError(t, err)
			assert.Equal(t, string(formatted), string(src))
		})
	}
}

// TestGofmt119Clean runs Go 1.19's gofmt, the oldest the project supports,
// over the same outputs.
func TestGofmt119Clean(t *testing.T) {
	// Beside Go 1.19's go binary: a plain Look("gofmt") would find the
	// host's newer gofmt first on PATH.
	gofmt := filepath.Join(filepath.Dir(goToolchains(t)["go1.19"]), "gofmt")
	require.FileExists(t, gofmt)
	dir := t.TempDir()
	for name, s := range map[string]*model.Schema{
		"kitchen_sink": loadKitchenSink(t),
		"odd":          oddSchema(),
		"docs":         docSchema(),
		"synth":        synthSchema(t, 60, 40),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".go"), generate(t, s, emit.Options{}), 0o644))
	}
	out, err := exec.Command(gofmt, "-l", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Empty(t, string(out), "gofmt -l lists generated files")
}

// TestDocsCompile: doc comments gofmt rewrites (lists, code, headings,
// directives) still compile and keep their text.
func TestDocsCompile(t *testing.T) {
	s := docSchema()
	api := generate(t, s, emit.Options{})
	src := string(api)
	for _, want := range []string{
		"// Note represents a note.\n//\n// # Format\n//\n// - first\n// - second\n//\n//\tcode line\n//\n//go:generate nothing\ntype Note struct {",
		"// Server is the DocService service: serves notes.\n//\n// # Title\n//\n// More text:\n//  1. one\n//  2. two\n//\n// Implement it",
		"// NoteGetOutput is the result of note_get: the note;\n//\n//\tits code\ntype NoteGetOutput = Note",
		"\t// Body text\n\t//   indented stays\n\tBody ",
	} {
		assert.True(t, strings.Contains(src, want), "generated code lacks %q", want)
	}
	goRun(t, goToolchains(t)["go1.19"], writeModule(t, s, api), "vet", "./...")
}

// TestSynthCompiles builds the output of a synthetic schema that has
// every type in many combinations.
func TestSynthCompiles(t *testing.T) {
	s := synthSchema(t, 60, 40)
	api := generate(t, s, emit.Options{})
	goRun(t, goToolchains(t)["go1.19"], writeModule(t, s, api), "vet", "./...")
}

func synthSchema(t *testing.T, types, methods int) *model.Schema {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range synth.Schema(types, methods) {
		fsys[synth.Dir+"/"+name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	s, err := resolve.Load(fsys, synth.Dir)
	require.NoError(t, err)
	return s
}

func emptySchema() *model.Schema {
	return &model.Schema{Name: "empty", Path: "x/empty", Services: []*model.Service{{Name: "EmptyService", Version: "1.0.0"}}}
}

// docSchema has doc comments that go/doc/comment reformats.
func docSchema() *model.Schema {
	kind := &model.Decl{Name: "Kind", Kind: model.DeclEnum, Doc: "Kinds:\n- a\n- b", Values: []*model.EnumValue{
		{Value: "a", Doc: "First.\n\n  code"}, {Value: "bb"}, {Value: "ccc", Doc: "Third."}, {Value: "d"}}}
	note := &model.Decl{Name: "Note", Kind: model.DeclRecord,
		Doc: "a note.\n\n# Format\n\n- first\n- second\n\n\tcode line\n\n\ngo:generate nothing   ", Fields: []*model.Field{
			{Name: "id", Type: model.Scalar(model.KindStr)},
			{Name: "kind_of_note", Type: model.Ref(kind)},
			{Name: "body", Doc: "body text\n  indented stays", Type: model.Scalar(model.KindStr)},
			{Name: "x", Type: model.Scalar(model.KindI32), Optional: true},
			{Name: "longer_name", Type: model.MapOf(model.ListOf(model.Ref(kind))), Optional: true},
			{Name: "café", Type: model.Scalar(model.KindBool)},
		}}
	svc := &model.Service{Name: "DocService", Version: "1.0.0", Doc: "Serves notes.\n\nTitle\n\nMore text:\n  1. one\n  2. two",
		Errors: []*model.ErrorDef{{Name: "Gone", Code: 1, Doc: "Gone away.\nSecond line."}},
		Methods: []*model.Method{
			{Name: "note_get", Doc: "Get a note.\nSee [Note] and https://example.com/x.", Params: []*model.Field{
				{Name: "id", Type: model.Scalar(model.KindStr)}, {Name: "kind", Type: model.Ref(kind), Optional: true}},
				Result: model.Ref(note), ResultDoc: "The note;\n\n\tits code"},
			{Name: "note_drop", Doc: "- dash first", Params: []*model.Field{{Name: "id", Type: model.Scalar(model.KindStr)}}},
		}}
	return &model.Schema{Name: "docs", Path: "x/docs", Decls: []*model.Decl{kind, note}, Services: []*model.Service{svc}}
}

func TestHeaderAndPackage(t *testing.T) {
	s := loadKitchenSink(t)
	src := string(generate(t, s, emit.Options{}))
	assert.True(t, strings.HasPrefix(src, emit.Header("//", s, s.Services[0])), "file starts with emit.Header")
	assert.Contains(t, src, "\npackage kitchensink\n")
	assert.Contains(t, src, `DefaultSocketPath = "~/hero/var/sockets/kitchen_sink/rpc.sock"`)
	src = string(generate(t, s, emit.Options{GoPackage: "tasks", SocketPath: "/run/tasks.sock"}))
	assert.Contains(t, src, "\npackage tasks\n")
	assert.Contains(t, src, `DefaultSocketPath = "/run/tasks.sock"`)
}

// The //go:embed of openRPCDocument precedes all code: rules_go's builder
// (v0.34) finds the directive with a scanner that a rune literal such as
// '"' throws off, and then builds without the embed configuration.
func TestEmbedBeforeCode(t *testing.T) {
	src := string(generate(t, loadKitchenSink(t), emit.Options{}))
	embed := strings.Index(src, "\n//go:embed openrpc.json\nvar openRPCDocument string\n")
	require.NotEqual(t, -1, embed)
	imports := strings.Index(src, "\nimport (")
	require.NotEqual(t, -1, imports)
	for _, code := range []string{"\nconst ", "\nvar ", "\nfunc ", "\ntype ", `'"'`} {
		i := strings.Index(src[imports:], code)
		require.True(t, i < 0 || imports+i > embed, "%q before the //go:embed line", code)
	}
}

// writeModule writes a module holding api.go, the openrpc.json of s it
// embeds, and the given testdata files.
func writeModule(t *testing.T, s *model.Schema, api []byte, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	doc, err := openrpc.Document(s, s.Services[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/kitchensink\n\ngo 1.19\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.go"), api, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, openrpc.FileName), doc, 0o644))
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	return dir
}

// goRun runs the go command in dir, offline and without workspace files.
func goRun(t *testing.T, goBin, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s in %s:\n%s", goBin, strings.Join(args, " "), dir, out)
}

// goToolchains are the go commands the generated code must work with:
// the host's and Go 1.19, the oldest the project supports.
func goToolchains(t *testing.T) map[string]string {
	return map[string]string{
		"host":   testtool.Look(t, "go"),
		"go1.19": testtool.Look(t, "go1.19", "/usr/lib/go-1.19/bin/go"),
	}
}

// TestKitchenSinkRuns compiles the generated api.go with a hand-written
// implementation and test (testdata/kitchensink) and runs that test: the
// generated Client against the generated Handler over a Unix socket and
// loopback HTTP, every method, error code, batches and notifications.
func TestKitchenSinkRuns(t *testing.T) {
	s := loadKitchenSink(t)
	api := generate(t, s, emit.Options{})
	for _, name := range []string{"host", "go1.19"} {
		goBin := goToolchains(t)[name]
		t.Run(name, func(t *testing.T) {
			dir := writeModule(t, s, api, "kitchensink/impl.go", "kitchensink/api_test.go")
			goRun(t, goBin, dir, "vet", "./...")
			goRun(t, goBin, dir, "test", "-count=1", "./...")
		})
	}
}

// TestGoldenCompiles keeps the golden file honest: it is the code the
// tests above run, and it builds.
func TestGoldenCompiles(t *testing.T) {
	golden, err := os.ReadFile(goldenPath)
	require.NoError(t, err)
	s := loadKitchenSink(t)
	require.Equal(t, string(golden), string(generate(t, s, emit.Options{})))
	dir := writeModule(t, s, golden, "kitchensink/impl.go")
	goRun(t, goToolchains(t)["go1.19"], dir, "build", "./...")
}

// TestOddSchemaCompiles covers what kitchen_sink does not: keywords as
// names, acronyms, no errors, no otime, a method
// without params or result, enum values that are not identifiers.
func TestOddSchemaCompiles(t *testing.T) {
	s := oddSchema()
	api := generate(t, s, emit.Options{})
	src := string(api)
	for _, want := range []string{
		"StateInProgress State = \"in-progress\"",
		"State2fa State = \"2fa\"",
		"UserID string `json:\"user_id\"`",
		"Type *string `json:\"type,omitempty\"`",
		"Func map[string][]State `json:\"func,omitempty\"`",
		"Blob []byte `json:\"blob,omitempty\"`",
		"Meta json.RawMessage `json:\"meta,omitempty\"`",
		"Range *State `json:\"range,omitempty\"`",
		"func (c *Client) Select(ctx context.Context, in SelectInput) ([]Item, error)",
		"func (c *Client) Ping(ctx context.Context) error",
		"// Item is the thing.\n// Second line.\n",
		`return fmt.Errorf("func[%q][%d]: %q is not a State", k0, i1, string(v0[i1]))`,
	} {
		assert.True(t, strings.Contains(collapse(src), collapse(want)), "generated code lacks %s", want)
	}
	dir := writeModule(t, s, api, "odd/api_test.go")
	goRun(t, goToolchains(t)["go1.19"], dir, "vet", "./...")
	goRun(t, goToolchains(t)["go1.19"], dir, "test", "-count=1", "./...")
}

// TestEmptyServiceCompiles: no decls, no methods, no errors.
func TestEmptyServiceCompiles(t *testing.T) {
	s := emptySchema()
	api := generate(t, s, emit.Options{})
	assert.Contains(t, string(api), "type Server interface {\n}")
	goRun(t, goToolchains(t)["go1.19"], writeModule(t, s, api), "vet", "./...")
}

func oddSchema() *model.Schema {
	state := &model.Decl{Name: "State", Kind: model.DeclEnum, Values: []*model.EnumValue{
		{Value: "in-progress", Doc: "Still going."}, {Value: "2fa"}, {Value: "Done"}}}
	item := &model.Decl{Name: "Item", Kind: model.DeclRecord, Doc: "The thing.\nSecond line.", Fields: []*model.Field{
		{Name: "user_id", Type: model.Scalar(model.KindStr)},
		{Name: "type", Type: model.Scalar(model.KindStr), Optional: true},
		{Name: "func", Type: model.MapOf(model.ListOf(model.Ref(state))), Optional: true},
		{Name: "blob", Type: model.Scalar(model.KindBytes), Optional: true},
		{Name: "meta", Type: model.Scalar(model.KindAny), Optional: true},
		{Name: "states", Type: model.ListOf(model.Ref(state))},
	}}
	svc := &model.Service{Name: "OddService", Version: "1.0.0", Methods: []*model.Method{
		{Name: "select", Params: []*model.Field{{Name: "range", Type: model.Ref(state), Optional: true}}, Result: model.ListOf(model.Ref(item))},
		{Name: "ping"},
		{Name: "http_url", Result: model.MapOf(model.Scalar(model.KindAny))},
		{Name: "raw", Params: []*model.Field{{Name: "v", Type: model.Scalar(model.KindAny)}}, Result: model.Scalar(model.KindAny)},
	}}
	return &model.Schema{Name: "odd-schema", Path: "x/odd-schema", Decls: []*model.Decl{state, item}, Services: []*model.Service{svc}}
}

func TestGenerateErrors(t *testing.T) {
	rec := func(name string, fields ...*model.Field) *model.Decl {
		return &model.Decl{Name: name, Kind: model.DeclRecord, Fields: fields}
	}
	str := model.Scalar(model.KindStr)
	for _, tc := range []struct {
		name string
		edit func(s *model.Schema)
		opts emit.Options
		want string
	}{
		{"decl named like an input", func(s *model.Schema) { s.Decls = append(s.Decls, rec("TaskStartInput")) }, emit.Options{},
			"type TaskStartInput and method task_start both become the Go identifier TaskStartInput"},
		{"field escaped into another", func(s *model.Schema) {
			s.Decls = append(s.Decls, rec("Odd", &model.Field{Name: "marshal_json", Type: str}, &model.Field{Name: "MarshalJSON_", Type: str}))
		}, emit.Options{}, "field Odd.marshal_json and field Odd.MarshalJSON_ both become the Go identifier MarshalJSON_"},
		{"fields colliding", func(s *model.Schema) {
			s.Decls = append(s.Decls, rec("Odd", &model.Field{Name: "userId", Type: str}, &model.Field{Name: "user_id", Type: str}))
		}, emit.Options{}, "field Odd.userId and field Odd.user_id both become the Go identifier UserID"},
		{"field not an identifier", func(s *model.Schema) {
			s.Decls = append(s.Decls, rec("Odd", &model.Field{Name: "9lives", Type: str}))
		}, emit.Options{}, `field Odd.9lives: "9lives" is not a usable Go identifier`},
		{"package keyword", func(s *model.Schema) {}, emit.Options{GoPackage: "func"}, `Go package name "func" is a Go keyword`},
		{"package not an identifier", func(s *model.Schema) {}, emit.Options{GoPackage: "my-pkg"}, `"my-pkg" is not a valid Go package name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loadKitchenSink(t)
			tc.edit(s)
			_, err := Generate(s, s.Services[0], tc.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "go: "), err.Error())
		})
	}
	_, err := Generate(nil, nil, emit.Options{})
	assert.Error(t, err)
	_, err = Generate(&model.Schema{Name: "9"}, &model.Service{Name: "S"}, emit.Options{})
	assert.ErrorContains(t, err, "not a valid Go package name")
}

func TestTagRejectsWhatEncodingJSONIgnores(t *testing.T) {
	for _, name := range []string{"a,b", `a"b`, "a\\b", "", "-"} {
		_, err := tag(&model.Field{Name: name})
		assert.Error(t, err, "%q", name)
	}
	got, err := tag(&model.Field{Name: "service.start", Optional: true})
	require.NoError(t, err)
	assert.Equal(t, "`json:\"service.start,omitempty\"`", got)
	got, err = tag(&model.Field{Name: "café"})
	require.NoError(t, err)
	assert.Equal(t, "`json:\"café\"`", got)
}

func TestPackageName(t *testing.T) {
	for in, want := range map[string]string{"hero_logic": "herologic", "kitchen_sink": "kitchensink", "Odd-Schema": "oddschema"} {
		got, err := PackageName(&model.Schema{Name: in}, emit.Options{})
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestOutputFollowsModelOrder(t *testing.T) {
	// The model's slices are the only source of order: reversing the
	// decls reverses the types in the output.
	s := loadKitchenSink(t)
	pos := func(src []byte, decl string) int { return bytes.Index(src, []byte("\ntype "+decl+" ")) }
	a := generate(t, s, emit.Options{})
	require.True(t, pos(a, "Phase") < pos(a, "Task") && pos(a, "Task") < pos(a, "Actor"))
	for i, j := 0, len(s.Decls)-1; i < j; i, j = i+1, j-1 {
		s.Decls[i], s.Decls[j] = s.Decls[j], s.Decls[i]
	}
	b := generate(t, s, emit.Options{})
	assert.True(t, pos(b, "Actor") < pos(b, "Task") && pos(b, "Task") < pos(b, "Phase"))
}

// collapse replaces runs of spaces and tabs by one space, so checks of
// generated code do not depend on gofmt's alignment.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// TestWireNamesSchemaRuns generates the schema written with dotted method
// names and quoted camelCase fields and params
// (generator/testdata/schemas/wire_names): identifiers are idiomatic Go,
// the wire names are in json tags and method constants, and the code
// builds and serves them with Go 1.19 (testdata/wire_names).
func TestWireNamesSchemaRuns(t *testing.T) {
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), "generator/testdata/schemas/wire_names")
	require.NoError(t, err)
	api := generate(t, s, emit.Options{})
	src := collapse(string(api))
	for _, want := range []string{
		`MethodServiceStart = "service.start"`,
		`MethodServiceListPage = "service.list_page"`,
		`MethodStreamCurrentLogs = "stream_currentLogs"`,
		`MethodGetUserByID = "getUserById"`,
		`MethodSystemShutdown = "system.shutdown"`,
		"UserID string `json:\"userId\"`",
		"StartedAt *time.Time `json:\"startedAt,omitempty\"`",
		"XTrace *string `json:\"x-trace,omitempty\"`",
		"HTTPProxy *string `json:\"HTTPProxy,omitempty\"`",
		"DryRun *bool `json:\"dryRun,omitempty\"`",
		"PageSize *uint32 `json:\"pageSize,omitempty\"`",
		"func (c *Client) ServiceStart(ctx context.Context, in ServiceStartInput) (ServiceStatus, error)",
		"func (c *Client) StreamCurrentLogs(ctx context.Context, in StreamCurrentLogsInput) ([]string, error)",
		"func (c *Client) GetUserByID(ctx context.Context, in GetUserByIDInput) (ServiceStatus, error)",
		"func (c *Client) SystemShutdown(ctx context.Context) error",
	} {
		assert.True(t, strings.Contains(src, collapse(want)), "generated code lacks %s", want)
	}
	dir := writeModule(t, s, api, "wire_names/api_test.go")
	goRun(t, goToolchains(t)["go1.19"], dir, "vet", "./...")
	goRun(t, goToolchains(t)["go1.19"], dir, "test", "-count=1", "./...")
}

// TestReservedNamesEscaped: a decl named like a type of the generated code
// and a method named like one of the Client's own get a trailing
// underscore instead of an error, and the result vets.
func TestReservedNamesEscaped(t *testing.T) {
	s := loadKitchenSink(t)
	s.Decls = append(s.Decls, &model.Decl{Name: "Client", Kind: model.DeclRecord}, &model.Decl{Name: "Server", Kind: model.DeclRecord})
	s.Services[0].Methods = append(s.Services[0].Methods, &model.Method{Name: "discover"})
	api := generate(t, s, emit.Options{})
	src := string(api)
	assert.Contains(t, src, "\ntype Client_ struct {")
	assert.Contains(t, src, "\ntype Server_ struct {")
	assert.Contains(t, src, "\tMethodDiscover_ ")
	goRun(t, goToolchains(t)["go1.19"], writeModule(t, s, api), "vet", "./...")
}
