// Package model is the resolved, syntax-free description of an oschema
// schema that every emitter works from. The parser/resolver builds it from
// .oschema files and the OpenRPC importer builds it from an OpenRPC
// document; emitters never look at syntax.
//
// Invariants a resolved *Schema guarantees (emitters may rely on them):
//   - every TypeRef of kind Named points at a *Decl that is in Schema.Decls;
//   - names are valid identifiers of the schema language and unique in
//     their scope (decl names, field names in a record, method names in a
//     service, param names in a method, enum values in an enum);
//   - slices are in a stable, documented order (see each field), so output
//     built by iterating them is deterministic;
//   - the Name of a field, param, method or enum value is its WIRE name.
//     Schemas written in .oschema use snake_case bare names, dotted
//     method names ("service.start") or quoted names ("currentLogs"),
//     and a model imported from OpenRPC keeps the document's names. Emitters therefore always derive identifiers with
//     the names package (names.Snake, names.Pascal, names.GoExported, then
//     names.Escape) and put the wire name on the wire (serde rename, json
//     tags, to_dict keys), never print Name as an identifier unchecked.
package model

import (
	"regexp"
	"strings"
)

// Pos is a source position. File is workspace-relative (never absolute),
// Line and Col are 1-based; the zero Pos means "no source position"
// (for example a method expanded from [rootobject], or an imported
// OpenRPC document).
type Pos struct {
	File string
	Line int32
	Col  int32
}

// Kind is the kind of a type reference.
type Kind int

// Scalar kinds, then the composite kinds. The JSON mapping of each is
// documented in generator/docs/oschema.md.
const (
	KindInvalid Kind = iota
	KindStr          // str: JSON string
	KindBool         // bool: JSON true/false
	KindI32          // i32: JSON integer, -2^31..2^31-1
	KindI64          // i64: JSON integer
	KindU32          // u32: JSON integer, 0..2^32-1
	KindU64          // u64: JSON integer, >= 0
	KindF32          // f32: JSON number
	KindF64          // f64: JSON number
	KindOtime        // otime: JSON string, RFC 3339 date-time
	KindBytes        // bytes: JSON string, standard base64 with padding
	KindAny          // any: any JSON value
	KindList         // [T]: JSON array; Elem is T
	KindMap          // {str: T}: JSON object with string keys; Elem is T
	KindNamed        // a record or enum; Decl is set
)

var kindNames = map[Kind]string{
	KindStr: "str", KindBool: "bool", KindI32: "i32", KindI64: "i64",
	KindU32: "u32", KindU64: "u64", KindF32: "f32", KindF64: "f64",
	KindOtime: "otime", KindBytes: "bytes", KindAny: "any",
	KindList: "list", KindMap: "map", KindNamed: "named",
}

// String returns the schema spelling of a scalar kind ("str", "i64", ...),
// or "list"/"map"/"named" for composite kinds.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "invalid"
}

// ScalarKinds maps the schema spelling of every scalar type to its kind.
var ScalarKinds = map[string]Kind{
	"str": KindStr, "bool": KindBool, "i32": KindI32, "i64": KindI64,
	"u32": KindU32, "u64": KindU64, "f32": KindF32, "f64": KindF64,
	"otime": KindOtime, "bytes": KindBytes, "any": KindAny,
}

// IsScalar reports whether k is one of the scalar kinds.
func (k Kind) IsScalar() bool { return k >= KindStr && k <= KindAny }

// TypeRef is a use of a type: a scalar, a list, a map or a named decl.
type TypeRef struct {
	Kind Kind
	Elem *TypeRef // element of a list, value of a map (keys are always str)
	Decl *Decl    // the record or enum, for KindNamed
}

// Scalar returns a reference to the scalar kind k.
func Scalar(k Kind) *TypeRef { return &TypeRef{Kind: k} }

// ListOf returns [elem].
func ListOf(elem *TypeRef) *TypeRef { return &TypeRef{Kind: KindList, Elem: elem} }

// MapOf returns {str: elem}.
func MapOf(elem *TypeRef) *TypeRef { return &TypeRef{Kind: KindMap, Elem: elem} }

// Ref returns a reference to the named decl d.
func Ref(d *Decl) *TypeRef { return &TypeRef{Kind: KindNamed, Decl: d} }

// String renders the reference in schema syntax: "str", "[Logic]",
// "{str: [i64]}".
func (t *TypeRef) String() string {
	// A broken model (nil refs) must still render: hashing it happens
	// before emitters report what is wrong with it.
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case KindList:
		return "[" + t.Elem.String() + "]"
	case KindMap:
		return "{str: " + t.Elem.String() + "}"
	case KindNamed:
		if t.Decl == nil {
			return "<nil decl>"
		}
		return t.Decl.Name
	default:
		return t.Kind.String()
	}
}

// DeclKind tells records from enums.
type DeclKind int

const (
	// DeclRecord is `Name = { field: T ... }`.
	DeclRecord DeclKind = iota + 1
	// DeclEnum is `Name = "a" | "b"`: a string enum.
	DeclEnum
)

// Decl is a named type: a record or a string enum.
type Decl struct {
	Name string // PascalCase as written in the schema, e.g. "LogicVersion"
	Doc  string // doc comment, "" if none; lines joined with "\n", no "#"
	Pos  Pos
	Kind DeclKind

	Fields []*Field     // DeclRecord: in source order
	Values []*EnumValue // DeclEnum: in source order

	// RootObject is true for a record marked [rootobject]: it has a
	// `sid: str` field (added first if the schema did not write one) and
	// its CRUD methods were expanded into the schema's service.
	RootObject bool

	// Origin is "" for a decl of this schema, or the import path (the
	// workspace-relative schema directory, e.g. "examples/common") of the
	// schema that declared it.
	Origin string
}

// Field is a record field or a method parameter.
type Field struct {
	Name     string // wire name, e.g. "created_at" or "userId"
	Doc      string
	Pos      Pos
	Type     *TypeRef
	Optional bool // written `name?: T`: may be absent (or null) on the wire
	Index    bool // marked @index
	// Secret is marked @secret (str and bytes only): sent as usual, but
	// redacted wherever a generated type prints itself (repr, Debug,
	// String).
	Secret bool
}

// EnumValue is one value of a string enum.
type EnumValue struct {
	Value string // the wire string, e.g. "running"
	Doc   string
	Pos   Pos
}

// Service is an RPC service: a set of methods served together.
type Service struct {
	Name    string // PascalCase as written, e.g. "LogicService"
	Doc     string
	Pos     Pos
	Version string // from `version "1.2.0"` in the service block; "1.0.0" if absent; always ValidVersion

	Methods []*Method   // in source order; [rootobject] CRUD methods first, in decl order
	Errors  []*ErrorDef // application errors, in source order
}

// Method is one RPC method. JSON-RPC params are by name (an object keyed
// by wire name) unless Positional.
type Method struct {
	Name   string // wire name, e.g. "play_start", "service.start" or "stream_currentLogs"
	Doc    string
	Pos    Pos
	Params []*Field // in source order; Optional params may be omitted by callers
	Result *TypeRef // nil when the method returns nothing (JSON-RPC result null)
	// ResultDoc documents the result, "" if none.
	ResultDoc string
	// RootObject is the decl name for a CRUD method expanded from
	// [rootobject] ("" for a method written in the schema), and CRUD its
	// operation: "new", "get", "set", "delete", "list", "list_full",
	// "exists" or "find".
	RootObject string
	CRUD       string
	// Positional is set by @positional (OpenRPC "paramStructure":
	// "by-position"): clients send params as an array in Params order, up
	// to the last one given, with null for an optional one left out
	// before it; servers accept that array and the by-name object.
	Positional bool
}

// PositionalMin is how many params a call of a Positional method always
// sends: every param up to the last required one (the optional ones after
// it are left out when not given).
func (m *Method) PositionalMin() int {
	for i := len(m.Params) - 1; i >= 0; i-- {
		if !m.Params[i].Optional {
			return i + 1
		}
	}
	return 0
}

// Deprecated reports whether the method's doc has a paragraph starting
// "Deprecated:", the convention of Go doc comments: the OpenRPC document
// then says deprecated: true, and the JavaScript declarations @deprecated.
func (m *Method) Deprecated() bool { return DeprecatedDoc(m.Doc) }

// DeprecatedDoc reports whether doc has a paragraph starting
// "Deprecated:".
func DeprecatedDoc(doc string) bool {
	for _, para := range strings.Split(doc, "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(para), "Deprecated:") {
			return true
		}
	}
	return false
}

// ErrorDef is an application error a service's methods may return:
// `error NotFound = 1004  # The object does not exist.`
type ErrorDef struct {
	Name string // PascalCase, e.g. "NotFound"
	Code int    // JSON-RPC error code; must not be in -32768..-32000 except -32000..-32099 (server errors)
	Doc  string // also the default error message
	Pos  Pos
}

// Schema is one resolved schema: one directory of .oschema files (or one
// imported OpenRPC document) with everything it imports.
type Schema struct {
	// Name is the schema's name: the base name of its directory, e.g.
	// "hero_logic", or the OpenRPC info.title converted to snake_case.
	Name string
	// Path is the workspace-relative directory of the schema
	// ("examples/hero_logic"), or the workspace-relative path of the
	// OpenRPC document it was imported from. Used in generated headers.
	Path string
	// Files are the workspace-relative paths of every source file read,
	// in reading order (this schema's files by name, then imports).
	Files []string
	// Imports are the import paths this schema's files name, sorted.
	Imports []string

	// Decls are this schema's decls in reading order (files by name, then
	// source order), followed by the decls of imported schemas that are
	// used (transitively) by this schema, in the order of first use.
	Decls []*Decl
	// Services are this schema's services in reading order.
	Services []*Service

	sealedHash string // set by Seal
}

// Decl returns the decl called name, or nil.
func (s *Schema) Decl(name string) *Decl {
	for _, d := range s.Decls {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Service returns the service called name, or nil.
func (s *Schema) Service(name string) *Service {
	for _, svc := range s.Services {
		if svc.Name == name {
			return svc
		}
	}
	return nil
}

// Method returns the method called name, or nil.
func (svc *Service) Method(name string) *Method {
	for _, m := range svc.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Field returns the field called name, or nil.
func (d *Decl) Field(name string) *Field {
	for _, f := range d.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// versionRE is a semantic version: MAJOR.MINOR.PATCH, then an optional
// -prerelease and +build (semver.org, without its leading-zero rule).
var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// ValidVersion reports whether v may be a service's Version: the resolver
// refuses a schema whose version line is not one, and the OpenRPC
// importer maps info.version to one.
func ValidVersion(v string) bool { return versionRE.MatchString(v) }
