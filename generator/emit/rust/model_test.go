package rust

import (
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// edgeSchema is a hand-built model with what kitchen_sink lacks: a bytes
// result, bytes inside options, lists and maps, mutual recursion, names
// that need converting (an OpenRPC-style model keeps its wire spelling),
// an enum value that is not an identifier, a method without params or
// result, and an error without doc.
func edgeSchema() (*model.Schema, *model.Service) {
	color := &model.Decl{Name: "Color", Kind: model.DeclEnum, Values: []*model.EnumValue{
		{Value: "light-red", Doc: "A warm color."},
		{Value: "2d"},
		{Value: "self"},
	}}
	tree := &model.Decl{Name: "Tree", Kind: model.DeclRecord, Doc: "A tree whose forest refers back to it."}
	forest := &model.Decl{Name: "Forest", Kind: model.DeclRecord}
	blob := &model.Decl{Name: "Blob", Kind: model.DeclRecord, Doc: "Bytes in every shape."}
	tree.Fields = []*model.Field{
		{Name: "label", Type: model.Scalar(model.KindStr)},
		{Name: "forest", Type: model.Ref(forest), Optional: true},
	}
	forest.Fields = []*model.Field{
		{Name: "first", Type: model.Ref(tree), Optional: true},
		{Name: "trees", Type: model.ListOf(model.Ref(tree))},
	}
	blob.Fields = []*model.Field{
		{Name: "data", Type: model.Scalar(model.KindBytes)},
		{Name: "maybe", Type: model.Scalar(model.KindBytes), Optional: true},
		{Name: "chunks", Type: model.ListOf(model.Scalar(model.KindBytes))},
		{Name: "named", Type: model.MapOf(model.ListOf(model.Scalar(model.KindBytes)))},
		{Name: "currentLogs", Type: model.ListOf(model.Scalar(model.KindStr)), Doc: "A camelCase wire name."},
		{Name: "match", Type: model.Scalar(model.KindBool)},
		{Name: "color", Type: model.Ref(color)},
		{Name: "when", Type: model.Scalar(model.KindOtime), Optional: true},
	}
	svc := &model.Service{
		Name:    "EdgeService",
		Version: "0.1.0",
		Errors: []*model.ErrorDef{
			{Name: "Gone", Code: -32001},
		},
		Methods: []*model.Method{
			{Name: "blob.get", Doc: "A dotted wire name.", Params: []*model.Field{
				{Name: "id", Type: model.Scalar(model.KindStr)},
			}, Result: model.Scalar(model.KindBytes), ResultDoc: "The raw data."},
			{Name: "blob_put", Params: []*model.Field{
				{Name: "blob", Type: model.Ref(blob)},
				{Name: "extra", Type: model.MapOf(model.Scalar(model.KindBytes)), Optional: true},
			}, Result: model.MapOf(model.Scalar(model.KindU64))},
			{Name: "grow", Params: []*model.Field{
				{Name: "tree", Type: model.Ref(tree)},
			}, Result: model.Ref(forest)},
			{Name: "ping"},
			{Name: "measure_every_single_tree_in_the_whole_forest_twice", Params: []*model.Field{
				{Name: "forest", Type: model.Ref(forest)},
				{Name: "deep", Type: model.Scalar(model.KindBool), Optional: true},
			}, Result: model.MapOf(model.ListOf(model.Ref(tree)))},
		},
	}
	s := &model.Schema{
		Name:     "edge",
		Path:     "hand-built/edge",
		Decls:    []*model.Decl{color, tree, forest, blob},
		Services: []*model.Service{svc},
	}
	return s, svc
}

// minimalSchema has no decls, no errors, no maps and no bytes: the
// generated files must not import or define what they do not use.
func minimalSchema() (*model.Schema, *model.Service) {
	svc := &model.Service{Name: "Minimal", Version: "1.0.0", Methods: []*model.Method{
		{Name: "ping", Params: []*model.Field{{Name: "n", Type: model.Scalar(model.KindI32)}}, Result: model.Scalar(model.KindI32)},
	}}
	return &model.Schema{Name: "minimal", Path: "hand-built/minimal", Services: []*model.Service{svc}}, svc
}
