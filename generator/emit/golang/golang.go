// Package golang emits api.go: the Go types of a schema, a JSON-RPC 2.0
// client, and a Server interface with the HTTP handler that serves it. The
// output uses the standard library only and compiles with Go 1.19.
//
// API decisions (see also docs/design.md):
//   - Every method with params takes one <Method>Input struct: optional
//     params are pointer fields, so adding an optional param to the schema
//     keeps both callers and Server implementations compiling. Methods
//     without params take only the context. Results are returned as their
//     Go type; <Method>Output is an alias of it, for symmetry with Rust.
//   - `any` is json.RawMessage: it keeps the value's exact bytes (large
//     integers included) and lets the caller decode it into its own type.
//     Like bytes, lists and maps, an optional `any` is a plain field with
//     omitempty, not a pointer.
//   - Required lists, maps and bytes that are nil are sent as [], {} and ""
//     (other languages' decoders reject null there); see structType.
//   - Decoding is as strict as serde's: a record lacking a required field
//     is an error (so is null, except for `any`). The server also rejects
//     unknown, missing and ill-typed params and enum values outside their
//     enum (-32602), but ignores unknown record fields, so older servers
//     accept newer clients' records.
package golang

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// FileName is the file the Go artifact writes.
const FileName = "api.go"

//go:embed runtime.go.txt
var runtimeSource string

// Generate returns api.go for svc.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("go: nil schema or service")
	}
	g := &gen{s: s, svc: svc, opts: opts, symbols: map[string]string{}, clientMethods: map[string]string{}}
	src, err := g.file()
	if err != nil {
		return nil, fmt.Errorf("go: service %s: %w", svc.Name, err)
	}
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("go: service %s: generated code does not format (a generator bug): %w", svc.Name, err)
	}
	return []emit.File{{Name: FileName, Content: out}}, nil
}

// PackageName returns the package clause opts selects for s: opts.GoPackage,
// or the schema name without non-identifier characters, lower-cased.
func PackageName(s *model.Schema, opts emit.Options) (string, error) {
	name := opts.GoPackage
	if name == "" {
		var b strings.Builder
		for _, r := range strings.ToLower(s.Name) {
			if r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				if r != '_' {
					b.WriteRune(r)
				}
			}
		}
		name = b.String()
	}
	if token.IsKeyword(name) {
		return "", fmt.Errorf("Go package name %q is a Go keyword (set the Go package option)", name)
	}
	if !token.IsIdentifier(name) || name == "_" {
		return "", fmt.Errorf("%q is not a valid Go package name (set the Go package option)", name)
	}
	return name, nil
}

type gen struct {
	s    *model.Schema
	svc  *model.Service
	opts emit.Options
	b    strings.Builder

	// symbols maps each package-level identifier to what declared it, to
	// report collisions instead of emitting code that does not compile.
	symbols       map[string]string
	clientMethods map[string]string
	checked       map[*model.Decl]bool // records whose values need an enum check
}

func (g *gen) p(format string, args ...interface{}) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

func (g *gen) declare(table map[string]string, ident, what string) error {
	if !token.IsIdentifier(ident) || !token.IsExported(ident) {
		return fmt.Errorf("%s: %q is not a usable Go identifier", what, ident)
	}
	if prev, ok := table[ident]; ok {
		return fmt.Errorf("%s and %s both become the Go identifier %s", prev, what, ident)
	}
	table[ident] = what
	return nil
}

type runtimeInfo struct {
	imports       []string
	body          string
	symbols       []string
	clientMethods []string
}

// parseRuntime reads the names runtime.go.txt declares and its code
// after the imports.
func parseRuntime() (*runtimeInfo, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "runtime.go.txt", runtimeSource, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("runtime source: %w", err)
	}
	info := &runtimeInfo{}
	end := 0
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		info.imports = append(info.imports, path)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				end = fset.Position(d.End()).Offset
				continue
			}
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					info.symbols = append(info.symbols, sp.Name.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						info.symbols = append(info.symbols, n.Name)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil {
				info.symbols = append(info.symbols, d.Name.Name)
				continue
			}
			if star, ok := d.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && id.Name == "Client" {
					info.clientMethods = append(info.clientMethods, d.Name.Name)
				}
			}
		}
	}
	info.body = strings.TrimLeft(runtimeSource[end:], "\n")
	return info, nil
}

// Names the generated part declares and the runtime refers to.
var generatedSymbols = []string{"ServiceName", "ServiceVersion", "DefaultSocketPath", "Server"}

func (g *gen) file() ([]byte, error) {
	pkg, err := PackageName(g.s, g.opts)
	if err != nil {
		return nil, err
	}
	rt, err := parseRuntime()
	if err != nil {
		return nil, err
	}
	for _, n := range rt.symbols {
		if token.IsExported(n) {
			g.symbols[n] = "the generated runtime's " + n
		}
	}
	for _, n := range generatedSymbols {
		g.symbols[n] = "the generated " + n
	}
	for _, n := range rt.clientMethods {
		g.clientMethods[n] = "the Client's built-in " + n
	}
	if err := g.declareAll(); err != nil {
		return nil, err
	}
	g.checked = checkedDecls(g.s)

	doc, err := g.openRPC()
	if err != nil {
		return nil, err
	}

	g.b.WriteString(emit.Header("//", g.s, g.svc))
	g.p("")
	g.p("// Package %s is the Go API of the %s service: the schema's", pkg, g.svc.Name)
	g.p("// types, a Client, and the Server interface with NewHandler, which serves")
	g.p("// it over JSON-RPC 2.0 (HTTP or a Unix socket).")
	if g.svc.Doc != "" {
		g.p("//")
		g.comment("", g.svc.Doc)
	}
	g.p("package %s", pkg)
	g.p("")
	imports := rt.imports
	sort.Strings(imports)
	g.p("import (")
	for _, imp := range imports {
		g.p("%s", strconv.Quote(imp))
	}
	g.p(")")
	g.p("")
	g.p("const (")
	g.p("// ServiceName is the service's name in the schema.")
	g.p("ServiceName = %s", strconv.Quote(g.svc.Name))
	g.p("// ServiceVersion is the service's version.")
	g.p("ServiceVersion = %s", strconv.Quote(g.svc.Version))
	g.p("// DefaultSocketPath is the Unix socket clients dial and servers listen on")
	g.p("// by default; \"~/\" stands for the user's home directory.")
	g.p("DefaultSocketPath = %s", strconv.Quote(g.opts.DefaultSocketPath(g.s)))
	g.p(")")
	g.p("")
	if len(g.svc.Methods) > 0 {
		g.p("// The method names on the wire, for Notify and Batch.")
		g.p("const (")
		for _, m := range g.svc.Methods {
			g.p("Method%s = %s", goName(m.Name), strconv.Quote(m.Name))
		}
		g.p(")")
		g.p("")
	}
	for _, d := range g.s.Decls {
		if err := g.decl(d); err != nil {
			return nil, err
		}
	}
	g.errors()
	for _, m := range g.svc.Methods {
		if err := g.methodTypes(m); err != nil {
			return nil, err
		}
	}
	g.client()
	g.server()
	g.dispatch()
	g.b.WriteString(rt.body)
	g.p("")
	g.p("// openRPCDocument is the OpenRPC document of %s.", g.svc.Name)
	g.p("const openRPCDocument = %s", goString(doc))
	return []byte(g.b.String()), nil
}

// goName is the exported Go identifier of a schema name.
func goName(name string) string { return names.GoExported(name) }

// declareAll registers every package-level and Client identifier the
// schema produces, so collisions are reported with the names involved.
func (g *gen) declareAll() error {
	for _, d := range g.s.Decls {
		n := goName(d.Name)
		if err := g.declare(g.symbols, n, "type "+d.Name); err != nil {
			return err
		}
		switch d.Kind {
		case model.DeclEnum:
			for _, v := range d.Values {
				if err := g.declare(g.symbols, n+goName(v.Value), fmt.Sprintf("value %q of enum %s", v.Value, d.Name)); err != nil {
					return err
				}
			}
		case model.DeclRecord:
			fields := map[string]string{"MarshalJSON": "the method MarshalJSON", "UnmarshalJSON": "the method UnmarshalJSON"}
			for _, f := range d.Fields {
				if err := g.declare(fields, goName(f.Name), fmt.Sprintf("field %s.%s", d.Name, f.Name)); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("decl %s has unknown kind %d", d.Name, d.Kind)
		}
	}
	for _, e := range g.svc.Errors {
		if err := g.declare(g.symbols, "Err"+goName(e.Name), "error "+e.Name); err != nil {
			return err
		}
	}
	for _, m := range g.svc.Methods {
		n := goName(m.Name)
		what := "method " + m.Name
		if err := g.declare(g.symbols, "Method"+n, what); err != nil {
			return err
		}
		if err := g.declare(g.clientMethods, n, what); err != nil {
			return err
		}
		if len(m.Params) > 0 {
			if err := g.declare(g.symbols, n+"Input", what); err != nil {
				return err
			}
			fields := map[string]string{"MarshalJSON": "the method MarshalJSON"}
			for _, f := range m.Params {
				if err := g.declare(fields, goName(f.Name), fmt.Sprintf("param %s(%s)", m.Name, f.Name)); err != nil {
					return err
				}
			}
		}
		if m.Result != nil {
			if err := g.declare(g.symbols, n+"Output", what); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) openRPC() (string, error) {
	files, err := openrpc.Generate(g.s, g.svc, g.opts)
	if err != nil {
		return "", fmt.Errorf("OpenRPC document for rpc.discover: %w", err)
	}
	for _, f := range files {
		if f.Name == openrpc.FileName {
			return string(f.Content), nil
		}
	}
	return "", fmt.Errorf("the OpenRPC emitter returned no %s", openrpc.FileName)
}

// goString is s as a Go string literal: a raw string when s allows it.
func goString(s string) string {
	if !strings.ContainsAny(s, "`\r") && !strings.Contains(s, "\ufeff") {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// goType is the Go type of t; optional scalars, enums and records become
// pointers, while slices, maps, bytes and any stay plain (nil is absent).
func goType(t *model.TypeRef, optional bool) string {
	var s string
	switch t.Kind {
	case model.KindStr:
		s = "string"
	case model.KindBool:
		s = "bool"
	case model.KindI32:
		s = "int32"
	case model.KindI64:
		s = "int64"
	case model.KindU32:
		s = "uint32"
	case model.KindU64:
		s = "uint64"
	case model.KindF32:
		s = "float32"
	case model.KindF64:
		s = "float64"
	case model.KindOtime:
		s = "time.Time"
	case model.KindBytes:
		return "[]byte"
	case model.KindAny:
		return "json.RawMessage"
	case model.KindList:
		return "[]" + goType(t.Elem, false)
	case model.KindMap:
		return "map[string]" + goType(t.Elem, false)
	case model.KindNamed:
		s = goName(t.Decl.Name)
	default:
		s = "invalid"
	}
	if optional {
		return "*" + s
	}
	return s
}

// isPointer reports whether goType(t, optional) is a pointer.
func isPointer(t *model.TypeRef, optional bool) bool {
	return optional && strings.HasPrefix(goType(t, true), "*")
}

// comment writes doc as // lines, prefixing the first line with lead.
func (g *gen) comment(lead, doc string) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if i == 0 && lead != "" {
			l = lead + l
		}
		l = strings.TrimRight(l, " \t")
		if l == "" {
			g.p("//")
		} else {
			g.p("// %s", l)
		}
	}
}

// lowerFirst lower-cases the first letter of s unless it starts an
// acronym ("HTTP server" stays).
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// upperFirst capitalizes the first letter of a sentence-like doc.
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// typeDoc writes a golint-style doc comment ("Task is a unit of work.")
// for the Go identifier ident from the schema doc.
func (g *gen) typeDoc(ident, doc, fallback string) {
	if doc == "" {
		g.p("// %s %s", ident, fallback)
		return
	}
	first := strings.SplitN(doc, "\n", 2)[0]
	switch {
	case strings.HasPrefix(first, ident+" "):
		g.comment("", doc)
	case strings.HasPrefix(first, "A ") || strings.HasPrefix(first, "An ") || strings.HasPrefix(first, "The "):
		g.comment(ident+" is ", lowerFirst(doc))
	default:
		g.comment(ident+" represents ", lowerFirst(doc))
	}
}

// tag is the json struct tag of a field. Names encoding/json would not
// accept as a tag (it would silently use the Go name) are errors; the
// allowed characters are those of encoding/json's isValidTag.
func tag(f *model.Field) (string, error) {
	if f.Name == "" || f.Name == "-" {
		return "", fmt.Errorf("wire name %q cannot be a json tag", f.Name)
	}
	for _, r := range f.Name {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r):
		case unicode.IsLetter(r), unicode.IsDigit(r):
		default:
			return "", fmt.Errorf("wire name %q cannot be a json tag (character %q)", f.Name, r)
		}
	}
	t := f.Name
	if f.Optional {
		t += ",omitempty"
	}
	return "`json:" + strconv.Quote(t) + "`", nil
}

func (g *gen) decl(d *model.Decl) error {
	n := goName(d.Name)
	switch d.Kind {
	case model.DeclEnum:
		g.typeDoc(n, d.Doc, "is an enum of the schema.")
		g.p("type %s string", n)
		g.p("")
		g.p("// The values of %s.", n)
		g.p("const (")
		for _, v := range d.Values {
			if v.Doc != "" {
				g.comment("", v.Doc)
			}
			g.p("%s%s %s = %s", n, goName(v.Value), n, strconv.Quote(v.Value))
		}
		g.p(")")
		g.p("")
		g.p("// Valid reports whether x is one of the values of %s.", n)
		g.p("func (x %s) Valid() bool {", n)
		g.p("switch x {")
		var cases []string
		for _, v := range d.Values {
			cases = append(cases, n+goName(v.Value))
		}
		if len(cases) > 0 {
			g.p("case %s:", strings.Join(cases, ", "))
			g.p("return true")
		}
		g.p("}")
		g.p("return false")
		g.p("}")
		g.p("")
		return nil
	case model.DeclRecord:
		g.typeDoc(n, d.Doc, "is a record of the schema.")
		if err := g.structType(n, d.Fields); err != nil {
			return fmt.Errorf("type %s: %w", d.Name, err)
		}
		g.unmarshalFunc(n, d.Fields)
		if g.checked[d] {
			g.checkFunc(n, d.Fields)
		}
		return nil
	}
	return fmt.Errorf("decl %s has unknown kind %d", d.Name, d.Kind)
}

// structType writes a struct and, when it has required lists, maps or
// bytes, a MarshalJSON that sends their nil values as empty ones.
func (g *gen) structType(n string, fields []*model.Field) error {
	g.p("type %s struct {", n)
	for _, f := range fields {
		t, err := tag(f)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		if f.Doc != "" {
			g.comment("", upperFirst(f.Doc))
		}
		g.p("%s %s %s", goName(f.Name), goType(f.Type, f.Optional), t)
	}
	g.p("}")
	g.p("")
	var empty []*model.Field
	for _, f := range fields {
		if !f.Optional && nilable(f.Type) {
			empty = append(empty, f)
		}
	}
	if len(empty) == 0 {
		return nil
	}
	g.p("// MarshalJSON encodes x, sending nil required lists, maps and bytes as")
	g.p("// empty values rather than null.")
	g.p("func (x %s) MarshalJSON() ([]byte, error) {", n)
	g.p("type plain %s", n)
	g.p("p := plain(x)")
	for _, f := range empty {
		fn := goName(f.Name)
		g.p("if p.%s == nil {", fn)
		g.p("p.%s = %s{}", fn, goType(f.Type, false))
		g.p("}")
	}
	g.p("return json.Marshal(p)")
	g.p("}")
	g.p("")
	return nil
}

// unmarshalFunc writes the UnmarshalJSON of a record with required
// fields: like the other languages' decoders, it rejects an object
// lacking one, instead of leaving the zero value.
func (g *gen) unmarshalFunc(n string, fields []*model.Field) {
	required := quoteList(fields, requiredFields)
	if required == "nil" {
		return
	}
	g.p("// UnmarshalJSON decodes x, rejecting an object that lacks a required field.")
	g.p("func (x *%s) UnmarshalJSON(b []byte) error {", n)
	g.p("type plain %s", n)
	g.p("return decodeRecord(b, %s, (*plain)(x), %s, %s)", strconv.Quote(n), required, quoteList(fields, nullableFields))
	g.p("}")
	g.p("")
}

// nilable reports whether the Go type of a required t has a nil value
// that would be sent as null.
func nilable(t *model.TypeRef) bool {
	switch t.Kind {
	case model.KindList, model.KindMap, model.KindBytes:
		return true
	}
	return false
}

// checkedDecls returns the records whose values can hold enum values
// (directly or nested), which get a check method.
func checkedDecls(s *model.Schema) map[*model.Decl]bool {
	checked := map[*model.Decl]bool{}
	for changed := true; changed; {
		changed = false
		for _, d := range s.Decls {
			if d.Kind != model.DeclRecord || checked[d] {
				continue
			}
			for _, f := range d.Fields {
				if needsCheck(f.Type, checked) {
					checked[d] = true
					changed = true
					break
				}
			}
		}
	}
	return checked
}

func needsCheck(t *model.TypeRef, checked map[*model.Decl]bool) bool {
	switch t.Kind {
	case model.KindList, model.KindMap:
		return needsCheck(t.Elem, checked)
	case model.KindNamed:
		return t.Decl.Kind == model.DeclEnum || checked[t.Decl]
	}
	return false
}

// checkFunc writes the check method of a struct: the first enum value
// outside its enum, with its path ("steps[2].phase").
func (g *gen) checkFunc(n string, fields []*model.Field) {
	g.p("// check reports the first enum value in x that is not one of its enum's values.")
	g.p("func (x %s) check() error {", n)
	for _, f := range fields {
		if needsCheck(f.Type, g.checked) {
			g.checkValue("x."+goName(f.Name), f.Type, isPointer(f.Type, f.Optional), fmtEscape(f.Name), nil, 0)
		}
	}
	g.p("return nil")
	g.p("}")
	g.p("")
}

func fmtEscape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// checkValue writes the check of expr (of type t) whose path is the
// format pathFmt applied to pathArgs.
func (g *gen) checkValue(expr string, t *model.TypeRef, ptr bool, pathFmt string, pathArgs []string, depth int) {
	args := func(extra ...string) string {
		all := append(append([]string{}, pathArgs...), extra...)
		if len(all) == 0 {
			return ""
		}
		return ", " + strings.Join(all, ", ")
	}
	switch t.Kind {
	case model.KindNamed:
		value := expr
		if ptr {
			g.p("if %s != nil {", expr)
			defer g.p("}")
			value = "*" + expr
		}
		if t.Decl.Kind == model.DeclEnum {
			g.p("if !%s.Valid() {", expr)
			g.p("return fmt.Errorf(%s%s)", strconv.Quote(pathFmt+": %q is not a "+goName(t.Decl.Name)), args("string("+value+")"))
			g.p("}")
			return
		}
		g.p("if err := %s.check(); err != nil {", expr)
		g.p("return fmt.Errorf(%s%s)", strconv.Quote(pathFmt+".%w"), args("err"))
		g.p("}")
	case model.KindList:
		i := fmt.Sprintf("i%d", depth)
		g.p("for %s := range %s {", i, expr)
		g.checkValue(expr+"["+i+"]", t.Elem, false, pathFmt+"[%d]", append(append([]string{}, pathArgs...), i), depth+1)
		g.p("}")
	case model.KindMap:
		k, v := fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
		g.p("for %s, %s := range %s {", k, v, expr)
		g.checkValue(v, t.Elem, false, pathFmt+"[%q]", append(append([]string{}, pathArgs...), k), depth+1)
		g.p("}")
	}
}

func errorMessage(e *model.ErrorDef) string {
	if e.Doc != "" {
		return strings.SplitN(e.Doc, "\n", 2)[0]
	}
	return e.Name
}

func (g *gen) errors() {
	if len(g.svc.Errors) == 0 {
		return
	}
	g.p("// The application errors of %s. Test for them with errors.Is; a Server", g.svc.Name)
	g.p("// method returns them (possibly wrapped, or with WithData) to send them.")
	g.p("var (")
	for _, e := range g.svc.Errors {
		n := "Err" + goName(e.Name)
		g.comment(fmt.Sprintf("%s is error %d: ", n, e.Code), lowerFirst(errorMessage(e)))
		g.p("%s = &RPCError{Code: %d, Message: %s}", n, e.Code, strconv.Quote(errorMessage(e)))
	}
	g.p(")")
	g.p("")
}

func (g *gen) inputChecked(m *model.Method) bool {
	for _, f := range m.Params {
		if needsCheck(f.Type, g.checked) {
			return true
		}
	}
	return false
}

func (g *gen) methodTypes(m *model.Method) error {
	n := goName(m.Name)
	if len(m.Params) > 0 {
		g.p("// %sInput holds the params of %s.", n, m.Name)
		if err := g.structType(n+"Input", m.Params); err != nil {
			return fmt.Errorf("method %s: %w", m.Name, err)
		}
		if g.inputChecked(m) {
			g.checkFunc(n+"Input", m.Params)
		}
	}
	if m.Result != nil {
		if m.ResultDoc != "" {
			g.comment(fmt.Sprintf("%sOutput is the result of %s: ", n, m.Name), lowerFirst(m.ResultDoc))
		} else {
			g.p("// %sOutput is the result of %s.", n, m.Name)
		}
		g.p("type %sOutput = %s", n, goType(m.Result, false))
		g.p("")
	}
	return nil
}

// signature is the Go signature of m after the method name.
func signature(m *model.Method) string {
	n := goName(m.Name)
	params := "ctx context.Context"
	if len(m.Params) > 0 {
		params += ", in " + n + "Input"
	}
	if m.Result == nil {
		return "(" + params + ") error"
	}
	return "(" + params + ") (" + goType(m.Result, false) + ", error)"
}

// methodDoc writes "<ident> <verb> <wire>: <doc>".
func (g *gen) methodDoc(ident, verb string, m *model.Method) {
	if m.Doc == "" {
		g.p("// %s %s %s.", ident, verb, m.Name)
		return
	}
	g.comment(fmt.Sprintf("%s %s %s: ", ident, verb, m.Name), lowerFirst(m.Doc))
}

func (g *gen) client() {
	for _, m := range g.svc.Methods {
		n := goName(m.Name)
		g.methodDoc(n, "calls", m)
		g.p("func (c *Client) %s%s {", n, signature(m))
		in := "nil"
		if len(m.Params) > 0 {
			in = "in"
		}
		if m.Result == nil {
			g.p("return c.Transport.Call(ctx, Method%s, %s, nil)", n, in)
		} else {
			g.p("var out %s", goType(m.Result, false))
			g.p("err := c.Transport.Call(ctx, Method%s, %s, &out)", n, in)
			g.p("return out, err")
		}
		g.p("}")
		g.p("")
	}
}

func (g *gen) server() {
	if g.svc.Doc != "" {
		g.comment("Server is the "+g.svc.Name+" service: ", lowerFirst(g.svc.Doc))
		g.p("//")
	} else {
		g.p("// Server is the %s service.", g.svc.Name)
		g.p("//")
	}
	g.p("// Implement it and serve it with NewHandler. Each method gets the HTTP")
	g.p("// request's context; an error it returns that is (or wraps) an *RPCError")
	g.p("// is sent as is, any other error as an internal error (-32603).")
	g.p("type Server interface {")
	for _, m := range g.svc.Methods {
		n := goName(m.Name)
		g.methodDoc(n, "serves", m)
		g.p("%s%s", n, signature(m))
	}
	g.p("}")
	g.p("")
}

// Which fields quoteList lists.
const (
	allFields = iota
	requiredFields
	nullableFields // required fields of type any, for which null is a value
)

func quoteList(fields []*model.Field, which int) string {
	var q []string
	for _, f := range fields {
		switch {
		case which == requiredFields && f.Optional,
			which == nullableFields && (f.Optional || f.Type.Kind != model.KindAny):
			continue
		}
		q = append(q, strconv.Quote(f.Name))
	}
	if len(q) == 0 {
		return "nil"
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func (g *gen) dispatch() {
	g.p("// dispatch decodes and checks the params of method and calls the Server.")
	g.p("func (h *Handler) dispatch(ctx context.Context, method string, params json.RawMessage) (interface{}, error) {")
	if len(g.svc.Methods) > 0 {
		g.p("switch method {")
	}
	for _, m := range g.svc.Methods {
		n := goName(m.Name)
		g.p("case Method%s:", n)
		in := ""
		if len(m.Params) > 0 {
			g.p("var in %sInput", n)
			g.p("if err := decodeParams(params, &in, %s, %s, %s); err != nil {",
				quoteList(m.Params, allFields), quoteList(m.Params, requiredFields), quoteList(m.Params, nullableFields))
			in = ", in"
		} else {
			g.p("if err := decodeParams(params, nil, nil, nil, nil); err != nil {")
		}
		g.p("return nil, err")
		g.p("}")
		if g.inputChecked(m) {
			g.p("if err := in.check(); err != nil {")
			g.p("return nil, invalidParams(err)")
			g.p("}")
		}
		switch {
		case m.Result == nil:
			g.p("return nil, h.impl.%s(ctx%s)", n, in)
		case nilable(m.Result):
			g.p("out, err := h.impl.%s(ctx%s)", n, in)
			g.p("if out == nil {")
			g.p("out = %s{}", goType(m.Result, false))
			g.p("}")
			g.p("return out, err")
		default:
			g.p("return h.impl.%s(ctx%s)", n, in)
		}
	}
	if len(g.svc.Methods) > 0 {
		g.p("}")
	}
	g.p("return nil, newRPCError(CodeMethodNotFound, \"method not found: %%q\", method)")
	g.p("}")
	g.p("")
}
