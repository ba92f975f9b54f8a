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
//   - otime is time.Time. time.Time's JSON parser is laxer than the otime
//     rule (openrpc.DateTimePattern), so the runtime checks the raw JSON
//     of params and results whose type holds a time.Time against the rule
//     (by reflection on the Go type, before encoding/json parses it): the
//     server answers -32602 naming the param or field ("items[2].at"),
//     the client fails the call naming method and field. What either
//     sends is checked after encoding too: a time.Time outside years
//     0000-9999 fails to encode in encoding/json already, one with an
//     offset of 24 hours or more is refused (-32603 from the server, an
//     error before sending from the client); an offset with seconds is
//     written in whole minutes, as time.RFC3339Nano does.
package golang

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	n := 64 + len(s.Decls) + 4*len(svc.Methods) + len(svc.Errors)
	for _, d := range s.Decls {
		n += len(d.Values)
	}
	g := &gen{s: s, svc: svc, opts: opts,
		symbols:       make(map[string]origin, n),
		clientMethods: make(map[string]origin, len(svc.Methods)+8),
		goNames:       make(map[string]string, n),
		fieldNames:    map[*model.Field]string{},
	}
	src, err := g.file()
	if err != nil {
		return nil, fmt.Errorf("go: service %s: %w", svc.Name, err)
	}
	return []emit.File{{Name: FileName, Content: src}}, nil
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
	b    bytes.Buffer

	// symbols maps each package-level identifier to what declared it, to
	// report collisions instead of emitting code that does not compile.
	symbols       map[string]origin
	clientMethods map[string]origin
	checked       map[*model.Decl]bool    // records whose values need an enum check
	goNames       map[string]string       // memo of goName
	fieldNames    map[*model.Field]string // Go names of fields and params (nameFields)
	builtin       map[string]bool         // package-level names of the runtime and the generated code
	typeNames     map[*model.Decl]string
	builtinMeths  map[string]bool // the Client's own methods
	methodNames   map[*model.Method]string
}

// w writes the concatenation of parts as one line.
func (g *gen) w(parts ...string) {
	for _, s := range parts {
		g.b.WriteString(s)
	}
	g.b.WriteByte('\n')
}

func (g *gen) declare(table map[string]origin, ident string, what origin) error {
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

var runtimeOnce struct {
	sync.Once
	info *runtimeInfo
	err  error
}

// theRuntime parses runtime.go.txt once per process.
func theRuntime() (*runtimeInfo, error) {
	runtimeOnce.Do(func() { runtimeOnce.info, runtimeOnce.err = parseRuntime() })
	return runtimeOnce.info, runtimeOnce.err
}

// file writes api.go. It writes gofmt's layout directly (indentation,
// alignment of struct fields and const blocks, doc comment form): running
// go/format over megabytes of output was most of the generator's time.
// TestGofmtClean proves the output is unchanged by gofmt.
func (g *gen) file() ([]byte, error) {
	pkg, err := PackageName(g.s, g.opts)
	if err != nil {
		return nil, err
	}
	rt, err := theRuntime()
	if err != nil {
		return nil, err
	}
	g.builtin = map[string]bool{}
	for _, n := range rt.symbols {
		if token.IsExported(n) {
			g.symbols[n] = origin{"the generated runtime's %s", n, ""}
			g.builtin[n] = true
		}
	}
	for _, n := range generatedSymbols {
		g.symbols[n] = origin{"the generated %s", n, ""}
		g.builtin[n] = true
	}
	g.builtinMeths = map[string]bool{}
	for _, n := range rt.clientMethods {
		g.clientMethods[n] = origin{"the Client's built-in %s", n, ""}
		g.builtinMeths[n] = true
	}
	if err := g.declareAll(); err != nil {
		return nil, err
	}
	g.checked = checkedDecls(g.s)

	g.b.Grow(g.sizeHint(len(rt.body)))

	g.b.WriteString(emit.Header("//", g.s, g.svc))
	g.w()
	pkgDoc := "Package " + pkg + " is the Go API of the " + g.svc.Name + " service: the schema's\n" +
		"types, a Client, and the Server interface with NewHandler, which serves\n" +
		"it over JSON-RPC 2.0 (HTTP or a Unix socket)."
	if g.svc.Doc != "" {
		pkgDoc += "\n\n" + g.svc.Doc
	}
	g.doc("", pkgDoc)
	g.w("package ", pkg)
	g.w()
	imports := append([]string{"embed"}, rt.imports...)
	sort.Strings(imports)
	g.w("import (")
	for _, imp := range imports {
		if imp == "embed" {
			// For the //go:embed of openRPCDocument.
			g.w("\t_ ", strconv.Quote(imp))
			continue
		}
		g.w("\t", strconv.Quote(imp))
	}
	g.w(")")
	g.w()
	// Right after the imports: rules_go's builder (v0.34) finds //go:embed
	// lines with a scanner that a rune literal such as '"' (the runtime
	// has some) throws off, so the directive precedes all code.
	g.w("// openRPCDocument is the OpenRPC document of ", g.svc.Name, ", the openrpc.json")
	g.w("// generated beside this file (the go artifact brings the openrpc artifact).")
	g.w("//")
	g.w("//go:embed ", openrpc.FileName)
	g.w("var openRPCDocument string")
	g.w()
	g.w("const (")
	g.w("\t// ServiceName is the service's name in the schema.")
	g.w("\tServiceName = ", strconv.Quote(g.svc.Name))
	g.w("\t// ServiceVersion is the service's version.")
	g.w("\tServiceVersion = ", strconv.Quote(g.svc.Version))
	g.w("\t// DefaultSocketPath is the Unix socket clients dial and servers listen on")
	g.w("\t// by default; \"~/\" stands for the user's home directory.")
	g.w("\tDefaultSocketPath = ", strconv.Quote(g.opts.DefaultSocketPath(g.s)))
	g.w(")")
	g.w()
	if len(g.svc.Methods) > 0 {
		g.w("// The method names on the wire, for Notify and Batch.")
		g.w("const (")
		rows := make([]row, len(g.svc.Methods))
		for i, m := range g.svc.Methods {
			rows[i] = row{"Method" + g.methodNames[m], "", "= " + strconv.Quote(m.Name)}
		}
		g.aligned(rows, 1)
		g.w(")")
		g.w()
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
	g.w()
	g.w("// otimePattern is the otime rule, the pattern of otime values in the OpenRPC")
	g.w("// document (see ValidTime).")
	g.b.WriteString("const otimePattern = ")
	writeGoString(&g.b, openrpc.DateTimePattern)
	g.b.WriteByte('\n')
	return g.b.Bytes(), nil
}

// sizeHint estimates the size of api.go from generous per-item sizes, so
// that its buffer is allocated once.
func (g *gen) sizeHint(fixed int) int {
	n := fixed + 8192
	for _, d := range g.s.Decls {
		n += 640 + 96*(len(d.Fields)+len(d.Values)) + 2*len(d.Doc)
		for _, f := range d.Fields {
			n += len(f.Doc)
		}
	}
	for _, m := range g.svc.Methods {
		n += 1024 + 128*len(m.Params) + 4*len(m.Doc) + len(m.ResultDoc)
		for _, f := range m.Params {
			n += len(f.Doc)
		}
	}
	return n
}

// row is one line of an aligned section: up to two cells, padded to their
// column's width as gofmt's tabwriter does, and the rest of the line.
type row struct {
	name, typ, rest string
}

// aligned writes rows, indented by one tab, as one alignment section:
// columns (name, then type if cols is 2) padded to their widest cell plus
// one space. A doc comment or blank line ends a section in gofmt, so
// callers pass each run of rows without one between them.
func (g *gen) aligned(rows []row, cols int) {
	nameW, typW := 0, 0
	for _, r := range rows {
		if n := utf8.RuneCountInString(r.name); n > nameW {
			nameW = n
		}
		if n := utf8.RuneCountInString(r.typ); n > typW {
			typW = n
		}
	}
	for _, r := range rows {
		g.b.WriteByte('\t')
		g.b.WriteString(r.name)
		g.pad(nameW - utf8.RuneCountInString(r.name) + 1)
		if cols == 2 {
			g.b.WriteString(r.typ)
			g.pad(typW - utf8.RuneCountInString(r.typ) + 1)
		}
		g.b.WriteString(r.rest)
		g.b.WriteByte('\n')
	}
}

const spaces = "                                                                "

func (g *gen) pad(n int) {
	for n > len(spaces) {
		g.b.WriteString(spaces)
		n -= len(spaces)
	}
	g.b.WriteString(spaces[:n])
}

// goName is the exported Go identifier of a schema name, memoized: the
// same field and type names recur throughout a schema.
func (g *gen) goName(name string) string {
	n, ok := g.goNames[name]
	if !ok {
		n = names.GoExported(name)
		g.goNames[name] = n
	}
	return n
}

// nameField sets the Go name of each of fields (a record's, or a
// method's params): a field named like a method the generated code puts
// on the struct (marshal_json; string, when it has @secret fields and so
// a String method) gets a trailing underscore, as a Go type cannot have a
// field and a method of one name.
func (g *gen) nameFields(fields []*model.Field) {
	secret := hasSecret(fields)
	taken := func(n string) bool {
		return n == "MarshalJSON" || n == "UnmarshalJSON" || (secret && n == "String")
	}
	for _, f := range fields {
		g.fieldNames[f] = names.EscapeTaken(g.goName(f.Name), taken)
	}
}

// fieldName is the Go name of a record field or param (see nameFields).
func (g *gen) fieldName(f *model.Field) string { return g.fieldNames[f] }

func hasSecret(fields []*model.Field) bool {
	for _, f := range fields {
		if f.Secret {
			return true
		}
	}
	return false
}

// origin says what declared a Go identifier, for collision errors: a
// format with up to two %s or %q verbs and their arguments. It is only
// formatted when there is a collision, which keeps declareAll cheap.
type origin struct{ format, a, b string }

func (o origin) String() string {
	switch strings.Count(o.format, "%") {
	case 0:
		return o.format
	case 1:
		return fmt.Sprintf(o.format, o.a)
	}
	return fmt.Sprintf(o.format, o.a, o.b)
}

// declareAll registers every package-level and Client identifier the
// schema produces, so collisions are reported with the names involved.
func (g *gen) declareAll() error {
	fields := map[string]origin{}
	resetFields := func(methods ...string) {
		for k := range fields {
			delete(fields, k)
		}
		for _, m := range methods {
			fields[m] = origin{format: "the method " + m}
		}
	}
	g.typeNames = make(map[*model.Decl]string, len(g.s.Decls))
	for _, d := range g.s.Decls {
		// A decl named like a type or function of the generated code
		// (Client, Server, Handler, ...) gets a trailing underscore.
		n := names.EscapeTaken(g.goName(d.Name), func(n string) bool { return g.builtin[n] })
		if err := g.declare(g.symbols, n, origin{"type %s", d.Name, ""}); err != nil {
			return err
		}
		g.typeNames[d] = n
		switch d.Kind {
		case model.DeclEnum:
			for _, v := range d.Values {
				if err := g.declare(g.symbols, n+g.goName(v.Value), origin{"value %q of enum %s", v.Value, d.Name}); err != nil {
					return err
				}
			}
		case model.DeclRecord:
			resetFields("MarshalJSON", "UnmarshalJSON")
			g.nameFields(d.Fields)
			for _, f := range d.Fields {
				if err := g.declare(fields, g.fieldName(f), origin{"field %s.%s", d.Name, f.Name}); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("decl %s has unknown kind %d", d.Name, d.Kind)
		}
	}
	for _, e := range g.svc.Errors {
		if err := g.declare(g.symbols, "Err"+g.goName(e.Name), origin{"error %s", e.Name, ""}); err != nil {
			return err
		}
	}
	g.methodNames = make(map[*model.Method]string, len(g.svc.Methods))
	for _, m := range g.svc.Methods {
		// A method named like one of the Client's own (Discover, Close,
		// ...) gets a trailing underscore.
		n := names.EscapeTaken(g.goName(m.Name), func(n string) bool { return g.builtinMeths[n] })
		g.methodNames[m] = n
		what := origin{"method %s", m.Name, ""}
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
			resetFields("MarshalJSON")
			g.nameFields(m.Params)
			for _, f := range m.Params {
				if err := g.declare(fields, g.fieldName(f), origin{"param %s(%s)", m.Name, f.Name}); err != nil {
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

// writeGoString writes s as a Go string literal: a raw string when s
// allows it.
func writeGoString(b *bytes.Buffer, s string) {
	if !strings.ContainsAny(s, "`\r") && !strings.Contains(s, "\ufeff") {
		b.WriteByte('`')
		b.WriteString(s)
		b.WriteByte('`')
		return
	}
	b.Write(strconv.AppendQuote(nil, s))
}

// goType is the Go type of t; optional scalars, enums and records become
// pointers, while slices, maps, bytes and any stay plain (nil is absent).
func (g *gen) goType(t *model.TypeRef, optional bool) string {
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
		return "[]" + g.goType(t.Elem, false)
	case model.KindMap:
		return "map[string]" + g.goType(t.Elem, false)
	case model.KindNamed:
		s = g.typeNames[t.Decl]
	default:
		s = "invalid"
	}
	if optional {
		return "*" + s
	}
	return s
}

// isPointer reports whether g.goType(t, optional) is a pointer.
func (g *gen) isPointer(t *model.TypeRef, optional bool) bool {
	return optional && strings.HasPrefix(g.goType(t, true), "*")
}

// comment writes doc as // lines indented by ind, prefixing the first line
// with lead. gofmt leaves indented comments as they are.
func (g *gen) comment(ind, lead, doc string) {
	for i := 0; ; i++ {
		l, rest, more := cut(doc, '\n')
		l = strings.TrimRight(l, " \t")
		g.b.WriteString(ind)
		switch {
		case i == 0 && lead != "":
			g.b.WriteString("// ")
			g.b.WriteString(strings.TrimRight(lead+l, " \t"))
		case l == "":
			g.b.WriteString("//")
		default:
			g.b.WriteString("// ")
			g.b.WriteString(l)
		}
		g.b.WriteByte('\n')
		if !more {
			return
		}
		doc = rest
	}
}

func cut(s string, sep byte) (before, after string, found bool) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// doc writes a top-level doc comment, lead+doc, in the form gofmt gives
// doc comments. One plain line, the common case, is written as is; other
// text goes through go/doc/comment as gofmt does (see formatDoc).
func (g *gen) doc(lead, doc string) {
	text := strings.TrimRight(lead+doc, " \t")
	if plainLine(text) {
		g.w("// ", text)
		return
	}
	for _, l := range formatDoc(text) {
		g.w(l)
	}
}

// plainLine reports whether text is one line that go/doc/comment prints
// back unchanged: a paragraph starting with a letter (not a heading, list,
// code block, link definition or directive).
func plainLine(text string) bool {
	if text == "" || strings.ContainsAny(text, "\n\t\r\f\v") {
		return false
	}
	c := text[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return false
	}
	return !isDirective(text)
}

// formatDoc returns the // lines of the doc comment text as go/printer's
// formatDocComment (Go 1.19 to now) writes them: directives moved to the
// end, the rest parsed and printed by go/doc/comment.
func formatDoc(text string) []string {
	var b strings.Builder
	var lines, directives []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			lines = append(lines, "//")
		} else {
			lines = append(lines, "// "+l)
		}
		if isDirective(l) {
			directives = append(directives, "//"+l)
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return lines
	}
	var p comment.Parser
	var pr comment.Printer
	out := string(pr.Comment(p.Parse(b.String())))
	lines = lines[:0]
	for out != "" {
		var l string
		l, out, _ = cut(out, '\n')
		switch {
		case l == "":
			l = "//"
		case l[0] == '\t':
			l = "//" + l
		default:
			l = "// " + l
		}
		lines = append(lines, l)
	}
	if len(directives) > 0 {
		lines = append(lines, "//")
		lines = append(lines, directives...)
	}
	return lines
}

// isDirective reports whether the comment text c (after "//") is a
// directive, which gofmt moves to the end of a doc comment; a copy of
// go/printer's isDirective.
func isDirective(c string) bool {
	if strings.HasPrefix(c, "line ") || strings.HasPrefix(c, "extern ") || strings.HasPrefix(c, "export ") {
		return true
	}
	colon := strings.Index(c, ":")
	if colon <= 0 || colon+1 >= len(c) {
		return false
	}
	for i := 0; i <= colon+1; i++ {
		if i == colon {
			continue
		}
		b := c[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
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
		g.w("// ", ident, " ", fallback)
		return
	}
	first, _, _ := cut(doc, '\n')
	switch {
	case strings.HasPrefix(first, ident+" "):
		g.doc("", doc)
	case strings.HasPrefix(first, "A ") || strings.HasPrefix(first, "An ") || strings.HasPrefix(first, "The "):
		g.doc(ident+" is ", lowerFirst(doc))
	default:
		g.doc(ident+" represents ", lowerFirst(doc))
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
	n := g.typeNames[d]
	switch d.Kind {
	case model.DeclEnum:
		g.typeDoc(n, d.Doc, "is an enum of the schema.")
		g.w("type ", n, " string")
		g.w()
		g.w("// The values of ", n, ".")
		g.w("const (")
		var section []row
		for _, v := range d.Values {
			if v.Doc != "" {
				g.aligned(section, 2)
				section = section[:0]
				g.comment("\t", "", v.Doc)
			}
			section = append(section, row{n + g.goName(v.Value), n, "= " + strconv.Quote(v.Value)})
		}
		g.aligned(section, 2)
		g.w(")")
		g.w()
		g.w("// Valid reports whether x is one of the values of ", n, ".")
		g.w("func (x ", n, ") Valid() bool {")
		g.w("\tswitch x {")
		if len(d.Values) > 0 {
			g.b.WriteString("\tcase ")
			for i, v := range d.Values {
				if i > 0 {
					g.b.WriteString(", ")
				}
				g.b.WriteString(n)
				g.b.WriteString(g.goName(v.Value))
			}
			g.w(":")
			g.w("\t\treturn true")
		}
		g.w("\t}")
		g.w("\treturn false")
		g.w("}")
		g.w()
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
	g.w("type ", n, " struct {")
	var section []row
	for _, f := range fields {
		t, err := tag(f)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		if f.Doc != "" {
			g.aligned(section, 2)
			section = section[:0]
			g.comment("\t", "", upperFirst(f.Doc))
		}
		section = append(section, row{g.fieldName(f), g.goType(f.Type, f.Optional), t})
	}
	g.aligned(section, 2)
	g.w("}")
	g.w()
	empty := 0
	for _, f := range fields {
		if !f.Optional && nilable(f.Type) {
			empty++
		}
	}
	g.stringFunc(n, fields)
	if empty == 0 {
		return nil
	}
	g.w("// MarshalJSON encodes x, sending nil required lists, maps and bytes as")
	g.w("// empty values rather than null.")
	g.w("func (x ", n, ") MarshalJSON() ([]byte, error) {")
	g.w("\ttype plain ", n)
	g.w("\tp := plain(x)")
	for _, f := range fields {
		if f.Optional || !nilable(f.Type) {
			continue
		}
		fn := g.fieldName(f)
		g.w("\tif p.", fn, " == nil {")
		g.w("\t\tp.", fn, " = ", g.goType(f.Type, false), "{}")
		g.w("\t}")
	}
	g.w("\treturn json.Marshal(p)")
	g.w("}")
	g.w()
	return nil
}

// stringFunc writes the String method of a struct with @secret fields:
// fmt's %v, %+v and %s (and so logs) show them as "***".
func (g *gen) stringFunc(n string, fields []*model.Field) {
	if !hasSecret(fields) {
		return
	}
	g.w("// String formats x as %+v does, with its secret fields as \"***\".")
	g.w("func (x ", n, ") String() string {")
	g.w("\ttype plain ", n)
	g.w("\tp := plain(x)")
	for _, f := range fields {
		if !f.Secret {
			continue
		}
		fn := g.fieldName(f)
		redacted := `"***"`
		if f.Type.Kind == model.KindBytes {
			redacted = `[]byte("***")`
		}
		switch {
		case f.Type.Kind == model.KindBytes:
			g.w("\tif p.", fn, " != nil {")
			g.w("\t\tp.", fn, " = ", redacted)
			g.w("\t}")
		case f.Optional:
			g.w("\tif p.", fn, " != nil {")
			g.w("\t\tp.", fn, " = new(string)")
			g.w("\t\t*p.", fn, " = ", redacted)
			g.w("\t}")
		default:
			g.w("\tp.", fn, " = ", redacted)
		}
	}
	g.w("\treturn fmt.Sprintf(\"%+v\", p)")
	g.w("}")
	g.w()
}

// unmarshalFunc writes the UnmarshalJSON of a record with required
// fields: like the other languages' decoders, it rejects an object
// lacking one, instead of leaving the zero value.
func (g *gen) unmarshalFunc(n string, fields []*model.Field) {
	required := quoteList(fields, requiredFields)
	if required == "nil" {
		return
	}
	g.w("// UnmarshalJSON decodes x, rejecting an object that lacks a required field.")
	g.w("func (x *", n, ") UnmarshalJSON(b []byte) error {")
	g.w("\ttype plain ", n)
	g.w("\treturn decodeRecord(b, ", strconv.Quote(n), ", (*plain)(x), ", required, ", ", quoteList(fields, nullableFields), ")")
	g.w("}")
	g.w()
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
	g.w("// check reports the first enum value in x that is not one of its enum's values.")
	g.w("func (x ", n, ") check() error {")
	for _, f := range fields {
		if needsCheck(f.Type, g.checked) {
			g.checkValue("\t", "x."+g.fieldName(f), f.Type, g.isPointer(f.Type, f.Optional), fmtEscape(f.Name), nil, 0)
		}
	}
	g.w("\treturn nil")
	g.w("}")
	g.w()
}

func fmtEscape(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// checkValue writes, indented by ind, the check of expr (of type t)
// whose path is the format pathFmt applied to pathArgs.
func (g *gen) checkValue(ind, expr string, t *model.TypeRef, ptr bool, pathFmt string, pathArgs []string, depth int) {
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
			g.w(ind, "if ", expr, " != nil {")
			defer g.w(ind, "}")
			ind += "\t"
			value = "*" + expr
		}
		if t.Decl.Kind == model.DeclEnum {
			g.w(ind, "if !", expr, ".Valid() {")
			g.w(ind, "\treturn fmt.Errorf(", strconv.Quote(pathFmt+": %q is not a "+g.typeNames[t.Decl]), args("string("+value+")"), ")")
			g.w(ind, "}")
			return
		}
		g.w(ind, "if err := ", expr, ".check(); err != nil {")
		g.w(ind, "\treturn fmt.Errorf(", strconv.Quote(pathFmt+".%w"), args("err"), ")")
		g.w(ind, "}")
	case model.KindList:
		i := "i" + strconv.Itoa(depth)
		g.w(ind, "for ", i, " := range ", expr, " {")
		g.checkValue(ind+"\t", expr+"["+i+"]", t.Elem, false, pathFmt+"[%d]", append(append([]string{}, pathArgs...), i), depth+1)
		g.w(ind, "}")
	case model.KindMap:
		k, v := "k"+strconv.Itoa(depth), "v"+strconv.Itoa(depth)
		g.w(ind, "for ", k, ", ", v, " := range ", expr, " {")
		g.checkValue(ind+"\t", v, t.Elem, false, pathFmt+"[%q]", append(append([]string{}, pathArgs...), k), depth+1)
		g.w(ind, "}")
	}
}

func errorMessage(e *model.ErrorDef) string {
	if e.Doc != "" {
		first, _, _ := cut(e.Doc, '\n')
		return first
	}
	return e.Name
}

func (g *gen) errors() {
	if len(g.svc.Errors) == 0 {
		return
	}
	g.w("// The application errors of ", g.svc.Name, ". Test for them with errors.Is; a Server")
	g.w("// method returns them (possibly wrapped, or with WithData) to send them.")
	g.w("var (")
	for _, e := range g.svc.Errors {
		n := "Err" + g.goName(e.Name)
		code := strconv.Itoa(e.Code)
		g.comment("\t", n+" is error "+code+": ", lowerFirst(errorMessage(e)))
		g.w("\t", n, " = &RPCError{Code: ", code, ", Message: ", strconv.Quote(errorMessage(e)), "}")
	}
	g.w(")")
	g.w()
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
	n := g.methodNames[m]
	if len(m.Params) > 0 {
		g.w("// ", n, "Input holds the params of ", m.Name, ".")
		if err := g.structType(n+"Input", m.Params); err != nil {
			return fmt.Errorf("method %s: %w", m.Name, err)
		}
		if g.inputChecked(m) {
			g.checkFunc(n+"Input", m.Params)
		}
		if m.Positional {
			g.positionalFunc(n+"Input", m)
		}
	}
	if m.Result != nil {
		if m.ResultDoc != "" {
			g.doc(n+"Output is the result of "+m.Name+": ", lowerFirst(m.ResultDoc))
		} else {
			g.w("// ", n, "Output is the result of ", m.Name, ".")
		}
		g.w("type ", n, "Output = ", g.goType(m.Result, false))
		g.w()
	}
	return nil
}

// positionalFunc writes the positional method of the Input of a
// @positional method: the client sends it as the params array, and its
// presence tells the server's decodeParams to accept an array.
func (g *gen) positionalFunc(n string, m *model.Method) {
	g.w("// positional returns the params of ", m.Name, " by position: in declared order,")
	g.w("// up to the last one given, with null for one left out before it.")
	g.w("func (x ", n, ") positional() []interface{} {")
	var vals []string
	required := m.PositionalMin()
	for _, p := range m.Params {
		v := "x." + g.fieldName(p)
		if !p.Optional {
			if nilable(p.Type) {
				v = "emptyIfNil(" + v + ")"
			}
		}
		vals = append(vals, v)
	}
	list := "[]interface{}{" + strings.Join(vals, ", ") + "}"
	if required == len(m.Params) {
		g.w("\treturn ", list)
		g.w("}")
		g.w()
		return
	}
	g.w("\tparams := ", list)
	g.w("\tn := ", strconv.Itoa(required))
	for i, p := range m.Params[required:] {
		g.w("\tif x.", g.fieldName(p), " != nil {")
		g.w("\t\tn = ", strconv.Itoa(required+i+1))
		g.w("\t}")
	}
	g.w("\treturn params[:n]")
	g.w("}")
	g.w()
}

// signature is the Go signature of m after the method name.
func (g *gen) signature(m *model.Method) string {
	n := g.methodNames[m]
	params := "ctx context.Context"
	if len(m.Params) > 0 {
		params += ", in " + n + "Input"
	}
	if m.Result == nil {
		return "(" + params + ") error"
	}
	return "(" + params + ") (" + g.goType(m.Result, false) + ", error)"
}

// methodDoc writes "<ident> <verb> <wire>: <doc>", indented by ind (a
// top-level doc comment when ind is "").
func (g *gen) methodDoc(ind, ident, verb string, m *model.Method) {
	if m.Doc == "" {
		g.w(ind, "// ", ident, " ", verb, " ", m.Name, ".")
		return
	}
	lead := ident + " " + verb + " " + m.Name + ": "
	if ind == "" {
		g.doc(lead, lowerFirst(m.Doc))
		return
	}
	g.comment(ind, lead, lowerFirst(m.Doc))
}

func (g *gen) client() {
	for _, m := range g.svc.Methods {
		n := g.methodNames[m]
		g.methodDoc("", n, "calls", m)
		g.w("func (c *Client) ", n, g.signature(m), " {")
		in := "nil"
		switch {
		case m.Positional && len(m.Params) > 0:
			in = "in.positional()"
		case m.Positional:
			in = "[]interface{}{}"
		case len(m.Params) > 0:
			in = "in"
		}
		if m.Result == nil {
			g.w("\treturn c.Transport.Call(ctx, Method", n, ", ", in, ", nil)")
		} else {
			g.w("\treturn callResult[", g.goType(m.Result, false), "](ctx, c.Transport, Method", n, ", ", in, ")")
		}
		g.w("}")
		g.w()
	}
}

func (g *gen) server() {
	doc := "Server is the " + g.svc.Name + " service."
	if g.svc.Doc != "" {
		doc = "Server is the " + g.svc.Name + " service: " + lowerFirst(g.svc.Doc)
	}
	g.doc(doc, "\n\n"+
		"Implement it and serve it with NewHandler. Each method gets the HTTP\n"+
		"request's context; an error it returns that is (or wraps) an *RPCError\n"+
		"is sent as is, any other error as an internal error (-32603).")
	g.w("type Server interface {")
	for _, m := range g.svc.Methods {
		n := g.methodNames[m]
		g.methodDoc("\t", n, "serves", m)
		g.w("\t", n, g.signature(m))
	}
	g.w("}")
	g.w()
}

// Which fields quoteList lists.
const (
	requiredFields = iota
	nullableFields // required fields of type any, for which null is a value
)

func quoteList(fields []*model.Field, which int) string {
	var b strings.Builder
	for _, f := range fields {
		switch {
		case which == requiredFields && f.Optional,
			which == nullableFields && (f.Optional || f.Type.Kind != model.KindAny):
			continue
		}
		if b.Len() == 0 {
			b.WriteString("[]string{")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(f.Name))
	}
	if b.Len() == 0 {
		return "nil"
	}
	b.WriteString("}")
	return b.String()
}

// dispatch writes the method switch; the runtime's serve helpers decode
// and check the params (the Input's json tags say which are required),
// call the Server and send nil lists and maps as empty ones.
func (g *gen) dispatch() {
	g.w("// dispatch decodes and checks the params of method and calls the Server.")
	g.w("func (h *Handler) dispatch(ctx context.Context, method string, params json.RawMessage) (interface{}, error) {")
	if len(g.svc.Methods) > 0 {
		g.w("\tswitch method {")
	}
	for _, m := range g.svc.Methods {
		n := g.methodNames[m]
		helper := "serve"
		switch {
		case len(m.Params) == 0 && m.Result == nil:
			helper = "serveNoParamsNoResult"
		case len(m.Params) == 0:
			helper = "serveNoParams"
		case m.Result == nil:
			helper = "serveNoResult"
		}
		g.w("\tcase Method", n, ":")
		g.w("\t\treturn ", helper, "(ctx, params, h.impl.", n, ")")
	}
	if len(g.svc.Methods) > 0 {
		g.w("\t}")
	}
	g.w("\treturn nil, newRPCError(CodeMethodNotFound, \"method not found: %q\", method)")
	g.w("}")
	g.w()
}
