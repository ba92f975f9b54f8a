package resolve_test

import (
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

const ksDir = "generator/testdata/schemas/kitchen_sink"

// workspace returns the repository root (the runfiles tree under Bazel).
func workspace(t testing.TB) string { return testtool.RepoRoot(t) }

func loadKitchenSink(t *testing.T) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(workspace(t)), ksDir)
	require.NoError(t, err)
	return s
}

func TestKitchenSink(t *testing.T) {
	s := loadKitchenSink(t)
	assert.Equal(t, "kitchen_sink", s.Name)
	assert.Equal(t, ksDir, s.Path)
	assert.Equal(t, []string{
		ksDir + "/00_enums.oschema",
		ksDir + "/10_types.oschema",
		ksDir + "/90_rpc.oschema",
		"generator/testdata/schemas/common/00_common.oschema",
	}, s.Files)
	assert.Equal(t, []string{"generator/testdata/schemas/common"}, s.Imports)

	var declNames []string
	for _, d := range s.Decls {
		declNames = append(declNames, d.Name)
	}
	assert.Equal(t, []string{"Phase", "Task", "Step", "Actor"}, declNames)

	phase := s.Decl("Phase")
	assert.Equal(t, model.DeclEnum, phase.Kind)
	assert.Equal(t, "Where a task is in its life.", phase.Doc, "a comment followed by a blank line is not a doc comment")
	assert.Equal(t, model.Pos{File: ksDir + "/00_enums.oschema", Line: 4, Col: 1}, phase.Pos)
	require.Len(t, phase.Values, 4)
	assert.Equal(t, "failed", phase.Values[3].Value)

	task := s.Decl("Task")
	assert.True(t, task.RootObject)
	assert.Equal(t, "A unit of work.", task.Doc)
	assert.Equal(t, "sid", task.Fields[0].Name, "[rootobject] adds sid first")
	assert.Equal(t, model.KindStr, task.Fields[0].Type.Kind)
	assert.Equal(t, model.Pos{}, task.Fields[0].Pos)
	assert.Equal(t, "", task.Origin)
	name := task.Field("name")
	assert.True(t, name.Index)
	assert.Equal(t, model.Pos{File: ksDir + "/10_types.oschema", Line: 6, Col: 5}, name.Pos)
	assert.Equal(t, "higher runs first", task.Field("priority").Doc)
	assert.Equal(t, "{str: [i64]}", task.Field("matrix").Type.String())
	assert.True(t, task.Field("parent").Optional)
	assert.False(t, task.Field("done").Optional)
	assert.Same(t, s.Decl("Actor"), task.Field("owner").Type.Decl)
	assert.Equal(t, "generator/testdata/schemas/common", s.Decl("Actor").Origin)
	assert.Equal(t, "display name", s.Decl("Actor").Field("name").Doc)

	require.Len(t, s.Services, 1)
	svc := s.Services[0]
	assert.Equal(t, "TaskService", svc.Name)
	assert.Equal(t, "Runs tasks.", svc.Doc)
	assert.Equal(t, "1.2.0", svc.Version)
	require.Len(t, svc.Errors, 2)
	assert.Equal(t, &model.ErrorDef{Name: "NotFound", Code: 1004, Doc: "The task does not exist.",
		Pos: model.Pos{File: ksDir + "/90_rpc.oschema", Line: 6, Col: 11}}, svc.Errors[0])

	var methods []string
	for _, m := range svc.Methods {
		methods = append(methods, m.Name)
	}
	assert.Equal(t, []string{"task_new", "task_get", "task_set", "task_delete", "task_list", "task_list_full",
		"task_exists", "task_find", "task_start", "echo", "reset", "sum", "scale"}, methods)

	find := svc.Method("task_find")
	assert.Equal(t, "Task", find.RootObject)
	assert.Equal(t, "find", find.CRUD)
	require.Len(t, find.Params, 2)
	assert.Equal(t, "name", find.Params[0].Name)
	assert.True(t, find.Params[0].Optional)
	assert.Equal(t, "phase", find.Params[1].Name)
	assert.Equal(t, "[Task]", find.Result.String())
	assert.Nil(t, svc.Method("task_delete").Result)
	assert.Equal(t, "[str]", svc.Method("task_list").Result.String())
	assert.Equal(t, "bool", svc.Method("task_exists").Result.String())
	assert.Equal(t, "task", svc.Method("task_new").Params[0].Name)

	start := svc.Method("task_start")
	assert.Equal(t, "Start a task; returns its new phase.", start.Doc)
	assert.True(t, start.Params[1].Optional)
	assert.Same(t, phase, start.Result.Decl)
	assert.Nil(t, svc.Method("reset").Result)
	assert.Empty(t, svc.Method("reset").Params)
}

func TestDeterministic(t *testing.T) {
	a := loadKitchenSink(t).Canonical()
	for i := 0; i < 3; i++ {
		assert.Equal(t, a, loadKitchenSink(t).Canonical())
	}
}

func TestLoadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"s/a.oschema":      {Data: []byte("A = {\n    x: str\n}\n")},
		"s/b.oschema":      {Data: []byte("B = {\n    a: A\n}\n")},
		"s/broken.oschema": {Data: []byte("this is not a schema\n")},
	}
	s, err := resolve.LoadFiles(fsys, "s", []string{"b.oschema", "s/a.oschema"})
	require.NoError(t, err)
	assert.Equal(t, []string{"s/a.oschema", "s/b.oschema"}, s.Files)
	require.Len(t, s.Decls, 2)
	assert.Equal(t, "A", s.Decls[0].Name)

	_, err = resolve.Load(fsys, "s")
	var list diag.List
	require.True(t, errors.As(err, &list), "Load must return a diag.List: %v", err)
	assert.Equal(t, "s/broken.oschema", list[0].Pos.File)

	_, err = resolve.LoadFiles(fsys, "s", []string{"other/a.oschema"})
	assert.EqualError(t, err, `"other/a.oschema" is not a .oschema file of schema directory "s"`)
}

func TestNoServiceGetsDefaultService(t *testing.T) {
	fsys := fstest.MapFS{"x/hero_logic/a.oschema": {Data: []byte("[rootobject]\nLogic = {\n    name: str @index\n}\n")}}
	s, err := resolve.Load(fsys, "x/hero_logic")
	require.NoError(t, err)
	require.Len(t, s.Services, 1)
	assert.Equal(t, "HeroLogicService", s.Services[0].Name)
	assert.Equal(t, "1.0.0", s.Services[0].Version)
	assert.Len(t, s.Services[0].Methods, 8)
}
