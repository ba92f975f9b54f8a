package syntax

import (
	"strconv"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// Parse parses one .oschema file. path is used in positions and should be
// workspace-relative. It always returns a File (as much as could be
// parsed) and the diagnostics found, sorted; the parser skips to the next
// line after an error, so one run reports every independent mistake.
func Parse(path string, src []byte) (*File, diag.List) {
	toks, lexErrs := lex(path, src)
	p := &parser{toks: toks, rep: diag.NewReporter(), errLines: map[int32]bool{}}
	p.rep.AddFile(path, src)
	for _, e := range lexErrs {
		p.report(e.pos, e.hint, "%s", e.msg)
	}
	f := &File{Path: path}
	p.parseFile(f)
	if len(p.rep.List) == 0 {
		return f, nil
	}
	return f, p.rep.List.Sorted()
}

// Imports returns the import paths of a file in source order, best-effort:
// it finds `import "path"` lines even if the rest of the file has errors.
func Imports(src []byte) []string {
	toks, _ := lex("", src)
	var out []string
	lineStart := true
	for i, t := range toks {
		if lineStart && t.kind == tIdent && t.text == "import" && i+1 < len(toks) && toks[i+1].kind == tString {
			out = append(out, toks[i+1].text)
		}
		lineStart = t.kind == tNewline
	}
	return out
}

type parser struct {
	toks     []token
	i        int
	rep      *diag.Reporter
	errLines map[int32]bool
	// pending are trivia read ahead that belong to the next node.
	pending []Trivia
	// sawDecl is set after the first decl or service (imports must
	// come first).
	sawDecl bool
	// inParams is set while parsing a parameter list, so recovery skips
	// to its end.
	inParams bool
	// noSkip makes the next recovery keep the current line.
	noSkip bool
}

// bailout unwinds the parse of one line after an error was reported.
type bailout struct{}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// report records a diagnostic unless its line already has one: the first
// error of a line is the useful one, the rest are usually its echoes.
func (p *parser) report(pos model.Pos, hint, format string, args ...interface{}) {
	if p.errLines[pos.Line] {
		return
	}
	p.errLines[pos.Line] = true
	p.rep.Errorf(pos, hint, format, args...)
}

// fail reports and abandons the current line.
func (p *parser) fail(pos model.Pos, hint, format string, args ...interface{}) {
	p.report(pos, hint, format, args...)
	panic(bailout{})
}

// expect consumes a token of kind k or fails with "expected what".
func (p *parser) expect(k tokKind, what string) token {
	t := p.peek()
	if t.kind != k {
		p.fail(t.pos, "", "expected %s, found %s", what, t.describe())
	}
	return p.next()
}

// line runs fn, recovering from a bailout by skipping the rest of the
// line (and, inside a parameter list, the rest of the list).
func (p *parser) line(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.skipLine()
		}
	}()
	fn()
}

// skipLine advances past the next newline that is not inside parentheses
// opened on the skipped part, stopping early at a line that starts a new
// top-level construct or closes a block. It always makes progress or
// stops at EOF.
func (p *parser) skipLine() {
	if p.noSkip {
		// The error was found at the start of a line that is fine.
		p.noSkip, p.inParams = false, false
		return
	}
	depth := 0
	if p.inParams {
		depth = 1
		p.inParams = false
	}
	for {
		t := p.peek()
		switch t.kind {
		case tEOF:
			return
		case tLParen:
			depth++
		case tRParen:
			depth--
		case tNewline:
			p.next()
			if depth <= 0 || p.atLineBoundary() {
				return
			}
			continue
		}
		p.next()
	}
}

// atLineBoundary reports whether the current token starts a line that
// cannot continue a parameter list: a "}" or a new method/decl.
func (p *parser) atLineBoundary() bool {
	t := p.peek()
	if t.kind == tRBrace || t.kind == tEOF {
		return true
	}
	n := p.peekAt(1).kind
	return (t.kind == tIdent && (n == tLParen || n == tAssign)) || (t.kind == tString && n == tLParen)
}

// plain fails on a dotted name where only a plain one may stand: only
// methods have dotted names. what is "a field", "a type", ...
func (p *parser) plain(t token, what, hint string) {
	if t.kind == tIdent && strings.Contains(t.text, ".") {
		p.fail(t.pos, hint, "dotted name %q is only allowed for a method, not %s", t.text, what)
	}
}

// pascalHint is the hint for a dotted name where a PascalCase one belongs.
func pascalHint(what string) string {
	return "only method names may be dotted; " + what + " names are PascalCase, like TaskService"
}

// trivia collects the blank and comment lines at the current position,
// after any read ahead before.
func (p *parser) trivia() []Trivia {
	out := p.pending
	p.pending = nil
	for {
		t := p.peek()
		switch {
		case t.kind == tNewline:
			out = append(out, Trivia{Pos: t.pos, Blank: true})
			p.next()
		case t.kind == tComment:
			out = append(out, Trivia{Pos: t.pos, Comment: t.text})
			p.next()
			if p.peek().kind == tNewline {
				p.next()
			}
		default:
			return out
		}
	}
}

// endLine reads an optional trailing comment into c and the end of line.
func (p *parser) endLine(c *Comments, after string) {
	if t := p.peek(); t.kind == tComment {
		c.Trailing, c.HasTrailing = t.text, true
		p.next()
	}
	t := p.peek()
	switch t.kind {
	case tNewline:
		p.next()
	case tEOF:
	default:
		p.fail(t.pos, "", "unexpected %s after %s", t.describe(), after)
	}
}

func (p *parser) parseFile(f *File) {
	for {
		lead := p.trivia()
		t := p.peek()
		if t.kind == tEOF {
			f.End = lead
			return
		}
		var n Node
		p.line(func() { n = p.parseTop(lead) })
		if n != nil {
			f.Nodes = append(f.Nodes, n)
		}
	}
}

// parseTop parses one top-level construct; lead are the trivia above it.
func (p *parser) parseTop(lead []Trivia) Node {
	t := p.peek()
	switch {
	case t.kind == tIdent && t.text == "import" && p.peekAt(1).kind != tAssign:
		return p.parseImport(lead)
	case t.kind == tIdent && t.text == "service" && p.peekAt(1).kind != tAssign:
		p.sawDecl = true
		return p.parseService(lead)
	case t.kind == tLBrack:
		p.sawDecl = true
		return p.parseDecl(lead)
	case t.kind == tIdent && p.peekAt(1).kind == tAssign:
		p.sawDecl = true
		return p.parseDecl(lead)
	case t.kind == tIdent && (p.peekAt(1).kind == tString || p.peekAt(1).kind == tIdent) && nearKeyword(t.text, "import") && !nearKeyword(t.text, "service"):
		// improt "x": report the typo, then read it as the import it is.
		p.report(t.pos, `write import "`+p.peekAt(1).text+`"`, "unknown keyword %q; did you mean import?", t.text)
		p.parseImport(lead)
		return nil // not loaded: its errors would follow from the typo
	case t.kind == tIdent && p.peekAt(1).kind == tIdent && nearKeyword(t.text, "service"):
		// servce S {: report the typo, then read the block as a service
		// (no follow-on errors about its "}").
		p.report(t.pos, "write service "+p.peekAt(1).text+" {", "unknown keyword %q; did you mean service?", t.text)
		p.sawDecl = true
		return p.parseService(lead)
	case t.kind == tIdent && (p.peekAt(1).kind == tLBrace || p.peekAt(1).kind == tString):
		p.fail(p.peekAt(1).pos, "write "+t.text+" = "+p.peekAt(1).raw+"...", "expected \"=\" after %s", t.text)
	case t.kind == tRBrace:
		p.fail(t.pos, "", "unexpected \"}\": no open record or service")
	}
	p.fail(t.pos, "a file holds imports, then declarations (Name = {...} or Name = \"a\" | \"b\") and services (service Name {...})",
		"expected a declaration, service or import, found %s", t.describe())
	return nil
}

func (p *parser) parseImport(lead []Trivia) *Import {
	kw := p.next()
	imp := &Import{Pos: kw.pos}
	imp.Leading = lead
	if p.sawDecl {
		p.report(kw.pos, "move the import to the top of the file", "imports must come before declarations and services")
	}
	s := p.peek()
	if s.kind != tString {
		p.fail(s.pos, `write import "workspace/relative/dir"`, "expected the imported directory as a string, found %s", s.describe())
	}
	p.next()
	imp.Path, imp.PathPos = s.text, s.pos
	p.endLine(&imp.Comments, "import")
	return imp
}

// parseDecl parses attributes, then `Name = {...}` or `Name = "a" | ...`.
func (p *parser) parseDecl(lead []Trivia) *Decl {
	d := &Decl{}
	d.Leading = lead
	for p.peek().kind == tLBrack {
		p.next()
		name := p.expect(tIdent, "an attribute name such as rootobject")
		p.plain(name, "an attribute", "write [rootobject]")
		p.expect(tRBrack, `"]"`)
		d.Attrs = append(d.Attrs, Attribute{Pos: name.pos, Name: name.text})
		var c Comments
		p.endLine(&c, "["+name.text+"]")
		// Comments after the attribute, on its line or below it, join
		// the leading ones (and so the doc comment).
		if c.HasTrailing {
			d.Leading = append(d.Leading, Trivia{Pos: name.pos, Comment: c.Trailing})
		}
		d.Leading = append(d.Leading, p.trivia()...)
	}
	name := p.peek()
	if name.kind != tIdent {
		p.fail(name.pos, "", "expected a declaration name after [%s], found %s", d.Attrs[len(d.Attrs)-1].Name, name.describe())
	}
	p.plain(name, "a declaration", pascalHint("declaration"))
	p.next()
	d.Name, d.Pos = name.text, name.pos
	p.expect(tAssign, `"="`)
	switch t := p.peek(); t.kind {
	case tLBrace:
		d.Kind = Record
		p.parseRecord(d, t)
	case tString:
		d.Kind = Enum
		p.parseEnum(d)
	default:
		p.fail(t.pos, `a record is Name = { field: T ... }, an enum is Name = "a" | "b"`,
			"expected \"{\" or a string after \"=\", found %s", t.describe())
	}
	return d
}

func (p *parser) parseRecord(d *Decl, open token) {
	p.next()
	if p.peek().kind == tRBrace {
		p.next()
		p.endLine(&d.Comments, "}")
		return
	}
	if t := p.peek(); t.kind != tComment && t.kind != tNewline && t.kind != tEOF {
		p.report(t.pos, "write one field per line, then \"}\" on its own line", "a field must start on a new line after \"{\"")
		p.skipLine()
	} else {
		p.endLine(&d.Comments, "\"{\"")
	}
	for {
		lead := p.trivia()
		t := p.peek()
		switch {
		case t.kind == tRBrace:
			d.Close.Leading = lead
			p.next()
			p.line(func() { p.endLine(&d.Close, "\"}\"") })
			return
		case t.kind == tEOF || p.startsTopLevel():
			p.report(open.pos, "add \"}\" on its own line after the last field", "record %s is not closed: missing \"}\"", d.Name)
			p.pending = lead
			return
		}
		p.line(func() {
			f := p.parseField(lead, "field")
			p.endLine(&f.Comments, "field "+f.written())
			d.Fields = append(d.Fields, f)
		})
	}
}

// startsTopLevel reports whether the current token begins a top-level
// construct at column 1 (used to stop at a missing "}").
func (p *parser) startsTopLevel() bool {
	t := p.peek()
	if t.pos.Col != 1 {
		return false
	}
	if t.kind == tLBrack {
		return true
	}
	if t.kind != tIdent {
		return false
	}
	n := p.peekAt(1)
	return n.kind == tAssign || (t.text == "service" && n.kind == tIdent) || (t.text == "import" && n.kind == tString)
}

// parseField parses `name?: T @index` or `"wireName"?: T` (no line end);
// what is "field" or "parameter".
func (p *parser) parseField(lead []Trivia, what string) *Field {
	t := p.peek()
	if t.kind != tIdent && t.kind != tString {
		p.fail(t.pos, "a "+what+" is name: T or name?: T, or \"wireName\": T with the name as a string",
			"expected a %s name, found %s", what, t.describe())
	}
	p.plain(t, "a "+what, `only method names may be dotted; write the wire name as a string: "`+t.text+`": T`)
	p.next()
	f := &Field{Pos: t.pos, Name: t.text, Quoted: t.kind == tString}
	f.Leading = lead
	if p.peek().kind == tQuestion {
		p.next()
		f.Optional = true
	}
	if c := p.peek(); c.kind != tColon {
		hint := "write " + t.raw + ": T"
		if c.kind == tIdent || c.kind == tLBrack || c.kind == tLBrace {
			hint = "write " + t.raw + ": " + c.raw
		}
		p.fail(c.pos, hint, "expected \":\" after %s, found %s", t.raw, c.describe())
	}
	p.next()
	f.Type = p.parseType()
	f.Attrs = p.parseAttrs("write @index")
	for _, a := range f.Attrs {
		if a.Name == "index" {
			f.Index = true
		}
	}
	if q := p.peek(); q.kind == tQuestion {
		p.fail(q.pos, "write "+f.written()+"?: "+f.Type.String(), "\"?\" goes after the field name, not the type")
	}
	return f
}

// parseAttrs parses "@name" attributes up to the end of a field or
// method; hint shows one.
func (p *parser) parseAttrs(hint string) []Attribute {
	var attrs []Attribute
	for p.peek().kind == tAt {
		at := p.next()
		n := p.peek()
		if n.kind != tIdent {
			p.fail(n.pos, hint, "expected an attribute name after \"@\", found %s", n.describe())
		}
		p.plain(n, "an attribute", hint)
		p.next()
		attrs = append(attrs, Attribute{Pos: at.pos, Name: n.text})
	}
	return attrs
}

// written is the field's name as it was written: bare, or quoted.
func (f *Field) written() string {
	if f.Quoted {
		return Quote(f.Name)
	}
	return f.Name
}

// written is the method's name as it was written: bare, or quoted.
func (m *Method) written() string {
	if m.Quoted {
		return Quote(m.Name)
	}
	return m.Name
}

const typeHint = "a type is str, bool, i32, i64, u32, u64, f32, f64, otime, bytes, any, [T], {str: T} or a declared name"

// MaxTypeDepth is how deeply list and map types may nest ([[str]] is 2):
// every target language compiles this much (Rust's and Python's limits
// are near 64 and 200), and it keeps the cost of a type linear.
const MaxTypeDepth = 32

func (p *parser) parseType() *Type { return p.parseTypeAt(0) }

// parseTypeAt parses a type inside depth enclosing list or map types.
func (p *parser) parseTypeAt(depth int) *Type {
	t := p.peek()
	if (t.kind == tLBrack || t.kind == tLBrace) && depth >= MaxTypeDepth {
		p.fail(t.pos, "name the inner type: declare a record for it",
			"type nested too deeply: more than %d levels of [...] and {str: ...}", MaxTypeDepth)
	}
	switch t.kind {
	case tIdent:
		p.plain(t, "a type", "only method names may be dotted; a type is a declared name such as Step (imported declarations are used without a prefix) or one of str, bool, i32, i64, u32, u64, f32, f64, otime, bytes, any")
		p.next()
		return &Type{Pos: t.pos, Kind: TypeName, Name: t.text}
	case tLBrack:
		p.next()
		elem := p.parseTypeAt(depth + 1)
		p.expect(tRBrack, "\"]\" to close the list type")
		return &Type{Pos: t.pos, Kind: TypeList, Elem: elem}
	case tLBrace:
		p.next()
		key := p.parseTypeAt(depth + 1)
		if c := p.peek(); c.kind != tColon {
			p.fail(c.pos, "a map type is {str: T}", "expected \":\" in map type, found %s", c.describe())
		}
		p.next()
		elem := p.parseTypeAt(depth + 1)
		p.expect(tRBrace, "\"}\" to close the map type")
		return &Type{Pos: t.pos, Kind: TypeMap, Key: key, Elem: elem}
	}
	p.fail(t.pos, typeHint, "expected a type, found %s", t.describe())
	return nil
}

// parseEnum parses `"a" | "b"`, possibly continued on following lines
// that start with "|".
func (p *parser) parseEnum(d *Decl) {
	var lead []Trivia
	multiline := false
	for {
		s := p.peek()
		if s.kind != tString {
			p.fail(s.pos, "enum values are strings: Name = \"a\" | \"b\"", "expected an enum value string, found %s", s.describe())
		}
		p.next()
		v := &EnumValue{Pos: s.pos, Value: s.text}
		v.Leading = lead
		d.Values = append(d.Values, v)
		if p.peek().kind == tPipe {
			p.next()
			lead = nil
			continue
		}
		if p.peek().kind == tComment {
			c := p.next()
			v.Trailing, v.HasTrailing = c.text, true
		}
		t := p.peek()
		if t.kind != tNewline && t.kind != tEOF {
			p.fail(t.pos, "separate enum values with \"|\"", "unexpected %s after enum value", t.describe())
		}
		// A following line starting with "|" continues the enum.
		j := p.i
		for p.toks[j].kind == tNewline || p.toks[j].kind == tComment {
			j++
		}
		if p.toks[j].kind != tPipe {
			break
		}
		multiline = true
		if t.kind == tNewline {
			p.next()
		}
		lead = p.trivia()
		p.next() // "|"
	}
	last := d.Values[len(d.Values)-1]
	if !multiline && last.HasTrailing {
		// A one-line enum's trailing comment documents the enum.
		d.Trailing, d.HasTrailing = last.Trailing, true
		last.Trailing, last.HasTrailing = "", false
	}
	if p.peek().kind == tNewline {
		p.next()
	}
}

func (p *parser) parseService(lead []Trivia) *Service {
	p.next()
	name := p.peek()
	if name.kind != tIdent {
		p.fail(name.pos, "write service Name {", "expected a service name, found %s", name.describe())
	}
	p.plain(name, "a service", pascalHint("service"))
	p.next()
	svc := &Service{Pos: name.pos, Name: name.text}
	svc.Leading = lead
	open := p.expect(tLBrace, "\"{\" after the service name")
	p.endLine(&svc.Comments, "\"{\"")
	for {
		lead := p.trivia()
		t := p.peek()
		switch {
		case t.kind == tRBrace:
			svc.Close.Leading = lead
			p.next()
			p.line(func() { p.endLine(&svc.Close, "\"}\"") })
			return svc
		case t.kind == tEOF || p.startsTopLevel():
			p.report(open.pos, "add \"}\" on its own line after the last method", "service %s is not closed: missing \"}\"", svc.Name)
			p.pending = lead
			return svc
		}
		p.line(func() {
			if m := p.parseMember(lead); m != nil {
				svc.Members = append(svc.Members, m)
			}
		})
	}
}

func (p *parser) parseMember(lead []Trivia) Member {
	t := p.peek()
	if t.kind != tIdent && t.kind != tString {
		p.fail(t.pos, "a service holds version \"x.y.z\", error Name = code and methods name(params) -> T",
			"expected a method, error or version, found %s", t.describe())
	}
	n := p.peekAt(1)
	switch {
	case t.kind == tString:
	case t.text == "version" && n.kind != tLParen:
		p.next()
		v := &Version{Pos: t.pos}
		v.Leading = lead
		s := p.peek()
		if s.kind != tString {
			p.fail(s.pos, `write version "1.0.0"`, "expected the version as a string, found %s", s.describe())
		}
		p.next()
		v.Value, v.ValuePos = s.text, s.pos
		p.endLine(&v.Comments, "version")
		return v
	case t.text == "error" && n.kind != tLParen:
		// "error" is a keyword only before a name: error NotFound = 1.
		p.next()
		name := p.peek()
		if name.kind != tIdent {
			p.fail(name.pos, "write error NotFound = 1004", "expected an error name, found %s", name.describe())
		}
		p.plain(name, "an error", pascalHint("error"))
		p.next()
		e := &ErrorDecl{Pos: name.pos, Name: name.text}
		e.Leading = lead
		p.expect(tAssign, "\"=\" after the error name")
		c := p.peek()
		if c.kind != tInt {
			p.fail(c.pos, "write error "+name.text+" = 1004", "expected the error code (an integer), found %s", c.describe())
		}
		p.next()
		code, err := strconv.ParseInt(c.text, 10, 64)
		if err != nil {
			p.fail(c.pos, "", "invalid error code %s", c.text)
		}
		e.Code, e.CodePos = code, c.pos
		p.endLine(&e.Comments, "error code")
		return e
	}
	return p.parseMethod(lead)
}

func (p *parser) parseMethod(lead []Trivia) *Method {
	name := p.next()
	m := &Method{Pos: name.pos, Name: name.text, Quoted: name.kind == tString}
	m.Leading = lead
	if t := p.peek(); t.kind != tLParen {
		p.fail(t.pos, "write "+name.raw+"(param: T) -> Result", "expected \"(\" after method name %s, found %s", name.raw, t.describe())
	}
	p.next()
	p.inParams = true
	var plead []Trivia
	for {
		if t := p.peek(); t.kind == tNewline || t.kind == tComment {
			if t.kind == tNewline {
				p.next()
			}
			plead = append(plead, p.trivia()...)
			if p.atLineBoundary() && p.peek().kind != tRParen {
				p.noSkip = true
				p.fail(p.peek().pos, "close the parameter list of "+m.written()+" with \")\"", "missing \")\" in method %s", m.written())
			}
			continue
		}
		if p.peek().kind == tRParen {
			p.next()
			m.ParamsClose = trimBlank(plead)
			p.inParams = false
			break
		}
		f := p.parseField(plead, "parameter")
		plead = nil
		if f.Index {
			p.fail(f.IndexPos(), "remove @index; it marks record fields", "@index is not allowed on a parameter")
		}
		m.Params = append(m.Params, f)
		switch t := p.peek(); t.kind {
		case tComma:
			p.next()
		case tRParen, tNewline, tComment:
		default:
			p.fail(t.pos, "", "expected \",\" or \")\" after parameter %s, found %s", f.written(), t.describe())
		}
		if t := p.peek(); t.kind == tComment {
			p.next()
			f.Trailing, f.HasTrailing = t.text, true
		}
	}
	if p.peek().kind == tArrow {
		p.next()
		m.Result = p.parseType()
	}
	m.Attrs = p.parseAttrs("write @positional")
	p.endLine(&m.Comments, "method "+m.written())
	return m
}

// trimBlank drops blank lines at the end of trivia.
func trimBlank(ts []Trivia) []Trivia {
	for len(ts) > 0 && ts[len(ts)-1].Blank {
		ts = ts[:len(ts)-1]
	}
	return ts
}

// nearKeyword reports whether word is a misspelling of kw: not kw itself,
// at most two edits away (a swap of neighbours counts as one).
func nearKeyword(word, kw string) bool {
	if word == kw || len(word) < 3 || len(word) > len(kw)+2 || len(word)+2 < len(kw) {
		return false
	}
	return diag.EditDistance(word, kw) <= 2
}
