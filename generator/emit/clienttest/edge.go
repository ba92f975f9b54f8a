package clienttest

import "github.com/lhumina-code/rules_oschema/generator/model"

// EdgeSchema is a hand-built model with the type combinations kitchen_sink
// does not reach: optional and nested lists/maps of every converted type
// (otime, bytes, enums, records) as fields, params and results, an empty
// record, an enum value that is not an identifier, a record that is never
// used by a method, and methods with only optional params.
func EdgeSchema() *model.Schema {
	sc := model.Scalar
	color := &model.Decl{Name: "Color", Kind: model.DeclEnum, Values: []*model.EnumValue{
		{Value: "light-red", Doc: "a value with a dash"}, {Value: "2d"}, {Value: "None"},
	}}
	empty := &model.Decl{Name: "Empty", Kind: model.DeclRecord, Doc: "No fields at all."}
	item := &model.Decl{Name: "Item", Kind: model.DeclRecord, Doc: "Every converted type, nested.\nSecond doc line."}
	item.Fields = []*model.Field{
		{Name: "at", Type: sc(model.KindOtime)},
		{Name: "times", Type: model.ListOf(sc(model.KindOtime)), Optional: true},
		{Name: "blobs", Type: model.MapOf(sc(model.KindBytes)), Optional: true},
		{Name: "colors", Type: model.MapOf(model.ListOf(model.Ref(color))), Optional: true},
		{Name: "nested", Type: model.ListOf(model.ListOf(model.Ref(item)))},
		{Name: "by_name", Type: model.MapOf(model.Ref(item)), Optional: true},
		{Name: "empty", Type: model.Ref(empty), Optional: true},
		{Name: "anything", Type: sc(model.KindAny), Optional: true},
		{Name: "color", Type: model.Ref(color), Optional: true, Doc: "multi-line\nfield doc"},
		{Name: "lambda", Type: sc(model.KindF64), Optional: true, Doc: "a Python keyword"},
	}
	unused := &model.Decl{Name: "Unused", Kind: model.DeclRecord, Fields: []*model.Field{{Name: "x", Type: sc(model.KindBool)}}}
	svc := &model.Service{Name: "EdgeService", Doc: "Edge cases.", Version: "0.1.0",
		Errors: []*model.ErrorDef{{Name: "Conflict", Code: -32050}, {Name: "QuotaError", Code: 7, Doc: "Over quota.\nTry later."}},
		Methods: []*model.Method{
			{Name: "when", Result: sc(model.KindOtime), ResultDoc: "the server's clock"},
			{Name: "blob", Params: []*model.Field{{Name: "data", Type: sc(model.KindBytes)}}, Result: sc(model.KindBytes)},
			{Name: "items", Params: []*model.Field{
				{Name: "since", Type: sc(model.KindOtime), Optional: true, Doc: "only newer items"},
				{Name: "colors", Type: model.ListOf(model.Ref(color)), Optional: true},
				{Name: "class", Type: sc(model.KindStr), Optional: true},
			}, Result: model.MapOf(model.ListOf(model.Ref(item)))},
			{Name: "colors", Result: model.ListOf(model.Ref(color))},
			{Name: "anything", Params: []*model.Field{{Name: "value", Type: sc(model.KindAny)}}, Result: sc(model.KindAny)},
			{Name: "empty", Params: []*model.Field{{Name: "e", Type: model.Ref(empty)}}, Result: model.Ref(empty)},
			{Name: "stamps", Result: model.MapOf(sc(model.KindOtime))},
		}}
	return &model.Schema{Name: "edge", Path: "generator/emit/clienttest/edge",
		Decls: []*model.Decl{color, empty, item, unused}, Services: []*model.Service{svc}}
}

// OtimeEdge is an edge value of otime and whether the otime rule
// (openrpc.DateTimePattern) accepts it.
type OtimeEdge struct {
	Value string
	Valid bool
}

// OtimeEdges are the values every generated server and client must judge
// as the otime rule does: valid ones with every fraction length and
// offset form, and each way a string can come close (lower case, leap
// second, ten fraction digits, impossible dates and hours, offsets out of
// range or missing, a space for "T", non-ASCII digits, a trailing
// newline). Year 0000, which the rule allows and Python's datetime cannot
// hold, is left out: docs/design.md documents that difference.
var OtimeEdges = []OtimeEdge{
	{"2024-01-01T00:00:00Z", true},
	{"2024-02-29T12:00:00.123456789+05:30", true},
	{"1999-12-31T23:59:59-23:59", true},
	{"2000-02-29T00:00:00.5-00:00", true},
	{"9999-12-31T23:59:59.1Z", true},
	{"2024-01-01t00:00:00z", false},
	{"2024-01-01T00:00:00z", false},
	{"2024-01-01T00:00:60Z", false},
	{"2024-01-01T00:00:00.1234567890Z", false},
	{"2024-01-01T00:00:00.Z", false},
	{"2023-02-29T00:00:00Z", false},
	{"1900-02-29T00:00:00Z", false},
	{"2024-04-31T00:00:00Z", false},
	{"2024-13-01T00:00:00Z", false},
	{"2024-00-10T00:00:00Z", false},
	{"2024-01-01T24:00:00Z", false},
	{"2024-01-01T00:00:00+24:00", false},
	{"2024-01-01T00:00:00+05:60", false},
	{"2024-01-01T00:00:00+0530", false},
	{"2024-01-01T00:00:00", false},
	{"2024-01-01 00:00:00Z", false},
	{"2024-01-01", false},
	{"\u0662\u0660\u0662\u0664-01-01T00:00:00Z", false},
	{"2024-01-01T00:00:00Z\n", false},
	{"", false},
}
