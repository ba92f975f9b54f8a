// Package syntax is the .oschema lexer, parser, syntax tree and formatter.
// The parser keeps every comment and blank line, so Format can reproduce
// a file in canonical layout without losing anything a person wrote; it
// recovers from errors line by line and reports them all. Meaning
// (name resolution, imports, semantic checks) is the resolve package's job.
package syntax

import (
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
)

// Trivia is one line above a syntax node that is not code: a comment
// line or a blank line.
type Trivia struct {
	Pos     model.Pos
	Blank   bool   // a blank line
	Comment string // the comment text after "#", as written (Blank is false)
}

// Comments are the non-code lines attached to a node.
type Comments struct {
	// Leading are the comment and blank lines between the previous node
	// and this one, in order.
	Leading []Trivia
	// Trailing is the comment after the node on its own line, after "#"
	// ("" if none; HasTrailing tells an empty "#" from none).
	Trailing    string
	HasTrailing bool
}

// Doc returns the doc comment: the comment lines directly above the node
// (no blank line between them and the node) plus its trailing comment,
// each with "#" and one following space removed, joined with "\n".
func (c *Comments) Doc() string {
	start := len(c.Leading)
	for start > 0 && !c.Leading[start-1].Blank {
		start--
	}
	var lines []string
	for _, t := range c.Leading[start:] {
		lines = append(lines, commentText(t.Comment))
	}
	if c.HasTrailing {
		lines = append(lines, commentText(c.Trailing))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// commentText strips the customary space after "#" and trailing spaces.
func commentText(s string) string {
	s = strings.TrimRight(s, " \t")
	return strings.TrimPrefix(s, " ")
}

// File is one parsed .oschema file.
type File struct {
	Path  string
	Nodes []Node // imports, decls and services in source order
	// End holds the comment and blank lines after the last node.
	End []Trivia
}

// Node is a top-level construct: *Import, *Decl or *Service.
type Node interface{ node() }

func (*Import) node()  {}
func (*Decl) node()    {}
func (*Service) node() {}

// Imports returns the file's import nodes.
func (f *File) Imports() []*Import {
	var out []*Import
	for _, n := range f.Nodes {
		if imp, ok := n.(*Import); ok {
			out = append(out, imp)
		}
	}
	return out
}

// Import is `import "workspace/relative/dir"`.
type Import struct {
	Comments
	Pos     model.Pos // of the "import" keyword
	Path    string
	PathPos model.Pos
}

// DeclKind tells records from enums.
type DeclKind int

// The kinds of decl.
const (
	Record DeclKind = iota + 1
	Enum
)

// Attribute is `[name]` on the line(s) before a decl, e.g. [rootobject].
type Attribute struct {
	Pos  model.Pos // of the name
	Name string
}

// Decl is `Name = { ... }` or `Name = "a" | "b"`.
type Decl struct {
	Comments // Leading is above the attributes; Trailing is after "{" or the first enum value's line for records/enums written on one line
	Attrs    []Attribute
	Pos      model.Pos // of the name
	Name     string
	Kind     DeclKind
	Fields   []*Field     // Record
	Values   []*EnumValue // Enum
	// Close holds the comments before the closing "}" and after it.
	Close Comments
}

// HasAttr reports whether the decl carries the attribute name.
func (d *Decl) HasAttr(name string) bool {
	for _, a := range d.Attrs {
		if a.Name == name {
			return true
		}
	}
	return false
}

// Field is a record field or a method parameter: `name?: T @index` or
// `"wireName"?: T`.
type Field struct {
	Comments
	Pos  model.Pos
	Name string // the wire name: as written, or the string's value when Quoted
	// Quoted is set for a name written as a string literal ("userId").
	Quoted   bool
	Optional bool
	Index    bool // @index
	Type     *Type
	// Attrs are every "@name" after the type, in order (for errors on
	// unknown ones; Index is set for "index").
	Attrs []Attribute
}

// IndexPos is the position of the field's "@index" (the zero Pos if it
// has none). It is looked up, not stored: a large schema has millions of
// fields and few indexes.
func (f *Field) IndexPos() model.Pos {
	for _, a := range f.Attrs {
		if a.Name == "index" {
			return a.Pos
		}
	}
	return model.Pos{}
}

// EnumValue is one string of an enum.
type EnumValue struct {
	Comments
	Pos   model.Pos
	Value string
}

// TypeKind is the kind of a written type.
type TypeKind int

// The kinds of type expression.
const (
	TypeName TypeKind = iota + 1 // str, i64, Step
	TypeList                     // [T]
	TypeMap                      // {K: T}
)

// Type is a type expression as written.
type Type struct {
	Pos  model.Pos
	Kind TypeKind
	Name string // TypeName
	Key  *Type  // TypeMap (must be str; checked by the resolver)
	Elem *Type  // TypeList, TypeMap
}

// String renders the type in canonical syntax.
func (t *Type) String() string {
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case TypeList:
		return "[" + t.Elem.String() + "]"
	case TypeMap:
		return "{" + t.Key.String() + ": " + t.Elem.String() + "}"
	}
	return t.Name
}

// Service is `service Name { ... }`.
type Service struct {
	Comments
	Pos     model.Pos
	Name    string
	Members []Member
	Close   Comments
}

// Member is a service member: *Version, *ErrorDecl or *Method.
type Member interface{ member() }

func (*Version) member()   {}
func (*ErrorDecl) member() {}
func (*Method) member()    {}

// Version is `version "1.2.0"`.
type Version struct {
	Comments
	Pos      model.Pos
	Value    string
	ValuePos model.Pos
}

// ErrorDecl is `error NotFound = 1004`.
type ErrorDecl struct {
	Comments
	Pos     model.Pos // of the name
	Name    string
	Code    int64
	CodePos model.Pos
}

// Method is `name(params) -> Result`; the name may be dotted
// (service.start) or quoted ("stream_currentLogs").
type Method struct {
	Comments
	Pos  model.Pos
	Name string // the wire name: as written (service.start), or the string's value when Quoted
	// Quoted is set for a name written as a string literal.
	Quoted bool
	Params []*Field
	Result *Type // nil: no result
	// Attrs are every "@name" after the result (or after ")"), in order:
	// @positional (params by position) is the only one the resolver
	// knows.
	Attrs []Attribute
	// ParamsClose are comments before ")" of a parameter list written
	// over several lines.
	ParamsClose []Trivia
}
