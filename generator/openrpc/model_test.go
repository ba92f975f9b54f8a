package openrpc

import (
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// handKitchenSink builds, by hand, the model the resolver gives for
// generator/testdata/schemas/kitchen_sink, so the emitter is tested
// independently of the parser.
func handKitchenSink() *model.Schema {
	phase := &model.Decl{Name: "Phase", Doc: "Where a task is in its life.", Kind: model.DeclEnum}
	for _, v := range []string{"pending", "running", "done", "failed"} {
		phase.Values = append(phase.Values, &model.EnumValue{Value: v})
	}
	actor := &model.Decl{Name: "Actor", Doc: "Who or what created an object.", Kind: model.DeclRecord,
		Origin: "generator/testdata/schemas/common"}
	actor.Fields = []*model.Field{
		{Name: "name", Type: model.Scalar(model.KindStr), Doc: "display name"},
		{Name: "email", Type: model.Scalar(model.KindStr), Optional: true, Doc: "contact address, when known"},
	}
	step := &model.Decl{Name: "Step", Doc: "One step of a task.", Kind: model.DeclRecord}
	step.Fields = []*model.Field{
		{Name: "title", Type: model.Scalar(model.KindStr)},
		{Name: "children", Type: model.ListOf(model.Ref(step)), Doc: "recursion through a list is fine"},
		{Name: "note", Type: model.Ref(step), Optional: true, Doc: "and through an optional"},
	}
	task := &model.Decl{Name: "Task", Doc: "A unit of work.", Kind: model.DeclRecord, RootObject: true}
	sc := model.Scalar
	task.Fields = []*model.Field{
		{Name: "sid", Type: sc(model.KindStr)},
		{Name: "name", Type: sc(model.KindStr), Index: true},
		{Name: "phase", Type: model.Ref(phase), Index: true},
		{Name: "priority", Type: sc(model.KindI32), Doc: "higher runs first"},
		{Name: "attempts", Type: sc(model.KindU32)},
		{Name: "size", Type: sc(model.KindI64)},
		{Name: "quota", Type: sc(model.KindU64)},
		{Name: "ratio", Type: sc(model.KindF32)},
		{Name: "score", Type: sc(model.KindF64)},
		{Name: "done", Type: sc(model.KindBool)},
		{Name: "created_at", Type: sc(model.KindOtime)},
		{Name: "payload", Type: sc(model.KindBytes), Doc: "opaque input"},
		{Name: "extra", Type: sc(model.KindAny), Doc: "free-form metadata"},
		{Name: "tags", Type: model.ListOf(sc(model.KindStr))},
		{Name: "labels", Type: model.MapOf(sc(model.KindStr))},
		{Name: "steps", Type: model.ListOf(model.Ref(step))},
		{Name: "matrix", Type: model.MapOf(model.ListOf(sc(model.KindI64)))},
		{Name: "owner", Type: model.Ref(actor)},
		{Name: "parent", Type: sc(model.KindStr), Optional: true, Doc: "sid of the parent task"},
		{Name: "deadline", Type: sc(model.KindOtime), Optional: true},
		{Name: "from", Type: sc(model.KindStr), Optional: true, Doc: "a keyword in Python: becomes from_"},
		{Name: "type", Type: sc(model.KindStr), Optional: true, Doc: "a keyword in Rust and Go"},
	}
	task.Fields[0].Doc = "Identifies the stored object."
	sid := func() *model.Field { return &model.Field{Name: "sid", Type: sc(model.KindStr)} }
	sidDoc := func() *model.Field {
		return &model.Field{Name: "sid", Type: sc(model.KindStr), Doc: "The sid of the Task."}
	}
	obj := func() *model.Field { return &model.Field{Name: "task", Type: model.Ref(task)} }
	crud := func(op, doc string, result *model.TypeRef, params ...*model.Field) *model.Method {
		return &model.Method{Name: "task_" + op, Doc: doc, RootObject: "Task", CRUD: op, Params: params, Result: result}
	}
	svc := &model.Service{Name: "TaskService", Doc: "Runs tasks.", Version: "1.2.0"}
	svc.Errors = []*model.ErrorDef{
		{Name: "NotFound", Code: 1004, Doc: "The task does not exist."},
		{Name: "BadPhase", Code: 1005, Doc: "The task is in a phase that does not allow this."},
	}
	svc.Methods = []*model.Method{
		crud("new", "Stores a new Task and returns it with its sid set.", model.Ref(task), obj()),
		crud("get", "Returns the Task with the given sid.", model.Ref(task), sidDoc()),
		crud("set", "Replaces the whole stored Task that has the same sid and returns it.", model.Ref(task), obj()),
		crud("delete", "Deletes the Task with the given sid.", nil, sidDoc()),
		crud("list", "Returns the sids of every Task.", model.ListOf(sc(model.KindStr))),
		crud("list_full", "Returns every Task.", model.ListOf(model.Ref(task))),
		crud("exists", "Reports whether a Task with the given sid exists.", sc(model.KindBool), sidDoc()),
		crud("find", "Returns every Task whose indexed fields equal the given values; an omitted value matches anything.",
			model.ListOf(model.Ref(task)),
			&model.Field{Name: "name", Type: sc(model.KindStr), Optional: true},
			&model.Field{Name: "phase", Type: model.Ref(phase), Optional: true}),
		{Name: "task_start", Doc: "Start a task; returns its new phase.", Result: model.Ref(phase), Params: []*model.Field{
			sid(), {Name: "dry_run", Type: sc(model.KindBool), Optional: true},
		}},
		{Name: "echo", Doc: "Echo every argument back, to test round trips.", Result: model.Ref(task), Params: []*model.Field{
			obj(), {Name: "note", Type: sc(model.KindStr), Optional: true},
			{Name: "counts", Type: model.MapOf(sc(model.KindU64))},
		}},
		{Name: "reset", Doc: "Forget everything; returns nothing."},
		{Name: "sum", Doc: "Sum of a list.", Result: sc(model.KindF64), Params: []*model.Field{
			{Name: "values", Type: model.ListOf(sc(model.KindF64))},
		}},
		{Name: "scale", Doc: "Each value times factor (default 1) plus offset (default 0); params\nby position, as many JSON-RPC APIs take them.",
			Result: model.ListOf(sc(model.KindF64)), Positional: true, Params: []*model.Field{
				{Name: "values", Type: model.ListOf(sc(model.KindF64))},
				{Name: "factor", Type: sc(model.KindF64), Optional: true},
				{Name: "offset", Type: sc(model.KindF64), Optional: true},
			}},
	}
	return &model.Schema{
		Name:     "kitchen_sink",
		Path:     "generator/testdata/schemas/kitchen_sink",
		Imports:  []string{"generator/testdata/schemas/common"},
		Decls:    []*model.Decl{phase, task, step, actor},
		Services: []*model.Service{svc},
	}
}

// handEdgeCases is a model with what kitchen_sink lacks: multi-line docs,
// enum value docs, an error without a doc, an empty record, keywords in
// names, a second-level import and HTML-ish characters in docs.
func handEdgeCases() *model.Schema {
	level := &model.Decl{Name: "Level", Kind: model.DeclEnum, Values: []*model.EnumValue{
		{Value: "low", Doc: "Barely <noticeable> & fine."},
		{Value: "high"},
	}}
	empty := &model.Decl{Name: "Empty", Kind: model.DeclRecord, Doc: "No fields at all.\nSecond line."}
	box := &model.Decl{Name: "Box", Kind: model.DeclRecord, Origin: "examples/common", Fields: []*model.Field{
		{Name: "self", Type: model.Ref(empty)},
		{Name: "levels", Type: model.MapOf(model.ListOf(model.Ref(level))), Optional: true},
	}}
	svc := &model.Service{Name: "EdgeService", Version: "0.1.0", Errors: []*model.ErrorDef{
		{Name: "Bare", Code: 7},
		{Name: "Long", Code: -32001, Doc: "First line.\nMore detail."},
	}, Methods: []*model.Method{
		{Name: "ping", Params: []*model.Field{{Name: "tag", Type: model.Scalar(model.KindStr), Optional: true, Index: true}}},
		{Name: "pack", Doc: "Pack a box.\n\nUses the `self` field.", ResultDoc: "the packed box",
			Result: model.Ref(box), Params: []*model.Field{{Name: "type", Type: model.Ref(level), Doc: "how hard"}}},
	}}
	return &model.Schema{
		Name: "edge", Path: "generator/openrpc/testdata/edge",
		Imports: []string{"examples/common"},
		Decls:   []*model.Decl{level, empty, box}, Services: []*model.Service{svc},
	}
}
