// Package python emits client.py: a typed Python client of one service.
//
// The client uses the standard library only and runs on Python 3.9+. It has
// one enum.Enum per enum, one @dataclass per record with to_dict/from_dict
// (wire names, otime <-> datetime, bytes <-> base64, optional fields omitted
// when None), the RpcClientError hierarchy with one RpcError subclass per
// application error, a Unix socket and an HTTP transport (extra headers),
// and <Service>Client with one method per RPC.
//
// Decisions:
//   - Record fields keep schema order within two groups: required fields
//     first, then optional ones (`Optional[T] = None`). Required lists and
//     maps have no default: the wire requires them, so leaving one out is a
//     bug the constructor should catch, not silently fill in.
//   - Method parameters: required ones are positional-or-keyword in schema
//     order, optional ones keyword-only (after `*`), default None, omitted
//     from the request when None.
//   - Names: classes names.Pascal, fields/params/methods names.Snake, all
//     through names.Escape(Python); to_dict/from_dict map back to the wire
//     names. Application error classes are Pascal(name)+"Error" (the name
//     as is when it already ends in "Error").
//   - A decl, field or method name that would shadow a name the module
//     itself defines or uses (List, str, to_dict, params, discover,
//     timeout, ...) gets a trailing underscore (List_, str_, timeout_), like
//     a keyword; the wire names stay as written.
//   - Every method takes a keyword-only timeout bounding the whole call
//     (the transports' sockets set their timeout to the time left before
//     each read and send); replies are read up to max_response_bytes.
//   - Replies are validated while decoding (dec): a value that breaks the
//     schema raises ProtocolError with the method and the field path. An
//     otime must follow the otime rule (openrpc.DateTimePattern, which
//     client.py embeds as _OTIME_RE); one of year 0000, which the rule
//     allows, has no datetime and raises ProtocolError too. Sent otimes
//     are aware datetimes (anything else raises TypeError, a naive one
//     ValueError), written by isoformat, which follows the rule; one with
//     an offset of seconds (old zoneinfo dates) is sent as UTC.
//     Unknown keys are ignored; an unknown enum value becomes a
//     pseudo-member of the enum (its _missing_), so fields keep their enum
//     type instead of Union[Enum, str], which mypy --strict users would have
//     to narrow at every use (documented in generator/docs/oschema.md).
//   - One error hierarchy: RpcClientError is the base of TransportError
//     (also OSError), RpcTimeoutError (also TimeoutError), ProtocolError and
//     RpcError; all pickle.
package python

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// FileName is the default name of the Python client; laid out as a
// package, it is the package's __init__.py.
const FileName = "client.py"

// TypedFileName is the PEP 561 marker beside it: with it, mypy checks the
// callers of an installed client against its annotations.
const TypedFileName = "py.typed"

// Generate returns client.py and py.typed (empty) for svc.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("python: nil schema or service")
	}
	g := &gen{s: s, svc: svc, opts: opts}
	if err := g.prepare(); err != nil {
		return nil, fmt.Errorf("python: service %s: %v", svc.Name, err)
	}
	g.file()
	return []emit.File{{Name: FileName, Content: []byte(g.b.String())}, {Name: TypedFileName, Content: []byte{}}}, nil
}

type gen struct {
	s    *model.Schema
	svc  *model.Service
	opts emit.Options
	b    strings.Builder

	client    string            // client class name
	errClass  map[string]string // error name -> class name
	declClass map[*model.Decl]string
}

// moduleNames are the module-level names client.py defines or imports;
// a schema-derived class may not take them.
var moduleNames = []string{
	"Any", "Callable", "Dict", "List", "Optional", "Protocol", "Tuple", "Type", "TypeVar", "Union",
	"RpcClientError", "TransportError", "RpcTimeoutError", "ProtocolError", "ResponseTooLargeError",
	"RpcError", "Transport", "UnixSocketTransport", "HttpTransport", "RequestHook",
	// builtins the runtime raises or catches
	"BaseException", "Exception", "TimeoutError", "ValueError", "OSError", "TypeError", "KeyError",
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (g *gen) prepare() error {
	// A class name client.py defines or imports (List, Dict, Transport,
	// ...) is escaped with a trailing underscore rather than refused.
	claim := names.NewScope("Python", identRe, moduleNames, "a name client.py defines").ClaimEscaped
	g.declClass = map[*model.Decl]string{}
	for _, d := range g.s.Decls {
		cn, err := claim(names.Escape(names.Python, names.Pascal(d.Name)), "decl "+d.Name)
		if err != nil {
			return err
		}
		g.declClass[d] = cn
		switch d.Kind {
		case model.DeclRecord:
			for _, f := range d.Fields {
				if fn := fieldName(f.Name); !identRe.MatchString(fn) {
					return fmt.Errorf("decl %s: field %q is not a Python identifier", d.Name, f.Name)
				}
			}
		case model.DeclEnum:
			seen := map[string]bool{}
			for _, v := range d.Values {
				m := enumMember(v.Value)
				if !identRe.MatchString(m) || seen[m] {
					return fmt.Errorf("enum %s: value %q gives the Python member %q, which is not a unique identifier", d.Name, v.Value, m)
				}
				seen[m] = true
			}
		}
	}
	g.errClass = map[string]string{}
	for _, e := range g.svc.Errors {
		cn := names.Pascal(e.Name)
		if !strings.HasSuffix(cn, "Error") {
			cn += "Error"
		}
		cn, err := claim(cn, "error "+e.Name)
		if err != nil {
			return err
		}
		g.errClass[e.Name] = cn
	}
	client, err := claim(names.Pascal(g.svc.Name)+"Client", "the client class")
	if err != nil {
		return err
	}
	g.client = client
	for _, m := range g.svc.Methods {
		if mn := methodName(m.Name); !identRe.MatchString(mn) {
			return fmt.Errorf("method %q is not a Python identifier", m.Name)
		}
		for _, p := range m.Params {
			if pn := fieldName(p.Name); !identRe.MatchString(pn) {
				return fmt.Errorf("method %s: param %s cannot be a Python parameter name (%s)", m.Name, p.Name, pn)
			}
		}
	}
	return nil
}

// fieldName and methodName escape, besides Python's keywords, the names a
// generated class or method body relies on (names.Escape's Python list has
// str, int, to_dict, params, result, discover, ...): a field str is the
// attribute str_, on the wire still "str".
func fieldName(wire string) string  { return names.Escape(names.Python, names.Snake(wire)) }
func methodName(wire string) string { return names.Escape(names.Python, names.Snake(wire)) }

func enumMember(value string) string {
	m := names.ScreamingSnake(value)
	if m != "" && m[0] >= '0' && m[0] <= '9' {
		m = "V_" + m
	}
	return m
}

func (g *gen) p(format string, args ...interface{}) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

func (g *gen) nl() { g.b.WriteByte('\n') }

func quoteGo(s string) string { return strconv.Quote(s) }

// emit writes laid-out lines.
func (g *gen) emit(lines []string) {
	for _, l := range lines {
		g.b.WriteString(l)
		g.b.WriteByte('\n')
	}
}

// docstring writes a triple-quoted docstring at indent.
//
// The text is normalized the way black normalizes docstrings: the first
// line stripped, the others right-stripped and dedented by their common
// indentation, a space between a quote mark and the triple quotes.
func (g *gen) docstring(indent string, lines []string) {
	lines = blackDocLines(lines)
	for i := range lines {
		lines[i] = strings.ReplaceAll(strings.ReplaceAll(lines[i], `\`, `\\`), `"""`, `\"\"\"`)
	}
	if strings.HasPrefix(lines[0], `"`) {
		lines[0] = " " + lines[0]
	}
	if len(lines) == 1 {
		if strings.HasSuffix(lines[0], `"`) {
			lines[0] += " "
		}
		g.p(`%s"""%s"""`, indent, lines[0])
		return
	}
	g.p(`%s"""%s`, indent, lines[0])
	for _, l := range lines[1:] {
		if l == "" {
			g.nl()
		} else {
			g.p("%s%s", indent, l)
		}
	}
	g.p(`%s"""`, indent)
}

// blackDocLines strips the first line, expands leading tabs, right-strips
// the others and removes their common indentation, as black does.
func blackDocLines(in []string) []string {
	lines := make([]string, len(in))
	lines[0] = strings.TrimSpace(in[0])
	minIndent := -1
	for i, l := range in[1:] {
		ws := len(l) - len(strings.TrimLeft(l, " \t"))
		lead := ""
		for _, c := range l[:ws] {
			if c == '\t' {
				lead += strings.Repeat(" ", 8-len(lead)%8)
			} else {
				lead += " "
			}
		}
		l = strings.TrimRight(lead+l[ws:], " \t")
		lines[i+1] = l
		if l == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); minIndent < 0 || n < minIndent {
			minIndent = n
		}
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = lines[i][minIndent:]
		}
	}
	return lines
}

// docLines splits a schema doc into lines, dropping trailing blanks.
func docLines(doc string) []string {
	doc = strings.TrimRight(doc, "\n ")
	if doc == "" {
		return nil
	}
	return strings.Split(doc, "\n")
}

// ensureSentence makes a one-line summary end like a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, ":") {
		return s
	}
	return s + "."
}

func (g *gen) file() {
	g.b.WriteString(emit.Header("#", g.s, g.svc))
	version := g.svc.Version
	if version == "" {
		version = "1.0.0"
	}
	doc := []string{fmt.Sprintf("Python client of the %s JSON-RPC service (version %s).", g.svc.Name, version)}
	if l := docLines(g.svc.Doc); l != nil {
		doc = append(doc, "")
		doc = append(doc, l...)
	}
	doc = append(doc, "",
		"Standard library only, Python 3.9+. JSON-RPC 2.0 over HTTP, params by name;",
		"by default over the Unix socket DEFAULT_SOCKET_PATH (POST /rpc)::",
		"",
		"    client = "+g.client+"()  # or "+g.client+"(HttpTransport(\"http://host:port/rpc\"))",
	)
	g.docstring("", doc)
	g.nl()
	g.p("from __future__ import annotations")
	g.nl()
	// Only what the module uses: pyflakes rejects unused imports.
	hasEnum, hasRecord := false, false
	for _, d := range g.s.Decls {
		if d.Kind == model.DeclEnum {
			hasEnum = true
		} else {
			hasRecord = true
		}
	}
	for _, imp := range []string{"base64", "binascii", "datetime", "enum", "http.client", "json", "os", "re", "socket", "ssl", "time", "urllib.parse"} {
		if imp == "enum" && !hasEnum {
			continue
		}
		g.p("import %s", imp)
	}
	if hasRecord {
		g.p("from dataclasses import dataclass")
	}
	g.p("from typing import (")
	for _, n := range []string{"Any", "Callable", "Dict", "List", "Optional", "Protocol", "Tuple", "Type", "TypeVar", "Union", "cast"} {
		g.p("    %s,", n)
	}
	g.p(")")
	g.nl()
	g.allList()
	g.nl()
	g.emit(assignAtom("", "DEFAULT_SOCKET_PATH", pyStr(g.opts.DefaultSocketPath(g.s))))
	g.p(`"""The Unix socket the client dials when given no transport ("~" is expanded)."""`)
	g.nl()
	g.b.WriteString(strings.Replace(helpers, "@OTIME_PATTERN@", openrpc.DateTimePattern, 1))
	if hasEnum {
		g.b.WriteString(enumHelpers)
	}
	for _, d := range g.s.Decls {
		g.nl()
		g.nl()
		if d.Kind == model.DeclEnum {
			g.enum(d)
		} else {
			g.record(d)
		}
	}
	g.b.WriteString(strings.Replace(errorsAndTransports, "@SERVICE@", g.svc.Name, -1))
	for _, e := range g.svc.Errors {
		g.nl()
		g.nl()
		g.p("class %s(RpcError):", g.errClass[e.Name])
		lines := docLines(e.Doc)
		if lines == nil {
			lines = []string{e.Name + "."}
		}
		lines[0] = sentence(lines[0])
		lines = append(lines, "", fmt.Sprintf("Raised for the application error %s (code %d).", e.Name, e.Code))
		g.docstring("    ", lines)
		g.nl()
		g.p("    CODE = %d", e.Code)
		g.nl()
		g.emit(defLines("    ", "__init__", []seq{
			leaf("self"),
			leaf("message: str = " + pyStr(errorMessage(e))),
			leaf("data: Any = None"),
			leaf(fmt.Sprintf("code: int = %d", e.Code)),
		}, "None"))
		g.p("        super().__init__(code, message, data)")
	}
	g.nl()
	g.nl()
	if len(g.svc.Errors) == 0 {
		g.p("_ERRORS: Dict[int, Type[RpcError]] = {}")
	} else {
		g.p("_ERRORS: Dict[int, Type[RpcError]] = {")
		for _, e := range g.svc.Errors {
			g.p("    %d: %s,", e.Code, g.errClass[e.Name])
		}
		g.p("}")
	}
	g.clientClass(version)
}

func errorMessage(e *model.ErrorDef) string {
	if e.Doc == "" {
		return e.Name
	}
	return strings.SplitN(e.Doc, "\n", 2)[0]
}

func (g *gen) allList() {
	var all []string
	for _, d := range g.s.Decls {
		all = append(all, g.declClass[d])
	}
	all = append(all, "RpcClientError", "TransportError", "RpcTimeoutError", "ProtocolError", "ResponseTooLargeError", "RpcError")
	for _, e := range g.svc.Errors {
		all = append(all, g.errClass[e.Name])
	}
	all = append(all, "Transport", "UnixSocketTransport", "HttpTransport", "RequestHook", g.client,
		"DEFAULT_SOCKET_PATH", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RESPONSE_BYTES")
	g.p("__all__ = [")
	for _, n := range all {
		g.p("    %s,", pyStr(n))
	}
	g.p("]")
}

func (g *gen) enum(d *model.Decl) {
	g.p("class %s(str, enum.Enum):", g.declClass[d])
	lines := docLines(d.Doc)
	if lines == nil {
		lines = []string{fmt.Sprintf("The %s enum.", d.Name)}
	}
	g.docstring("    ", lines)
	g.nl()
	for _, v := range d.Values {
		for _, l := range docLines(v.Doc) {
			g.p("    #: %s", l)
		}
		g.emit(assignAtom("    ", enumMember(v.Value), pyStr(v.Value)))
	}
	// A value this client does not know is kept (see _keep_unknown).
	g.nl()
	g.p("    @classmethod")
	g.p("    def _missing_(cls, value: object) -> Any:")
	g.p("        return _keep_unknown(cls, value)")
}

// orderedFields returns required fields, then optional ones, each in
// schema order.
func orderedFields(fs []*model.Field) []*model.Field {
	out := make([]*model.Field, 0, len(fs))
	for _, f := range fs {
		if !f.Optional {
			out = append(out, f)
		}
	}
	for _, f := range fs {
		if f.Optional {
			out = append(out, f)
		}
	}
	return out
}

func (g *gen) record(d *model.Decl) {
	cn := g.declClass[d]
	g.p("@dataclass")
	g.p("class %s:", cn)
	lines := docLines(d.Doc)
	if lines == nil {
		lines = []string{fmt.Sprintf("The %s record.", d.Name)}
	}
	var attrs []string
	for _, f := range d.Fields {
		fl := docLines(f.Doc)
		if fl == nil {
			continue
		}
		attrs = append(attrs, fmt.Sprintf("    %s: %s", fieldName(f.Name), fl[0]))
		for _, l := range fl[1:] {
			attrs = append(attrs, "        "+l)
		}
	}
	if attrs != nil {
		lines = append(lines, "", "Attributes:")
		lines = append(lines, attrs...)
	}
	g.docstring("    ", lines)
	g.nl()
	fields := orderedFields(d.Fields)
	for _, f := range fields {
		if f.Optional {
			g.emit(cat(leaf(fieldName(f.Name)+": Optional"), seq{{g: &group{open: "[", close: "]", items: [][]tok{g.pyTypeSeq(f.Type)}}}}, leaf(" = None")).lines("    "))
		} else {
			g.emit(cat(leaf(fieldName(f.Name)+": "), g.pyTypeSeq(f.Type)).lines("    "))
		}
	}
	if len(fields) > 0 {
		g.nl()
	}
	// A record with @secret fields shows them as '***' in its repr (the
	// dataclass keeps a __repr__ the class defines).
	secret := &group{open: "[", close: "]"}
	for _, f := range fields {
		if f.Secret {
			secret.items = append(secret.items, leaf(pyStr(fieldName(f.Name))))
		}
	}
	if secret.items != nil {
		g.p("    def __repr__(self) -> str:")
		g.emit(cat(leaf("return "), call("_redacted_repr", leaf("self"), seq{{g: secret}})).lines("        "))
		g.nl()
	}
	// to_dict
	g.p("    def to_dict(self) -> Dict[str, Any]:")
	g.p(`        """Return the JSON object of this %s (wire names; None optionals omitted)."""`, cn)
	var req, opt []*model.Field
	for _, f := range d.Fields {
		if f.Optional {
			opt = append(opt, f)
		} else {
			req = append(req, f)
		}
	}
	if len(req) == 0 {
		g.p("        d: Dict[str, Any] = {}")
	} else {
		g.p("        d: Dict[str, Any] = {")
		for _, f := range req {
			g.emit(cat(leaf(pyStr(f.Name)+": "), g.enc(f.Type, leaf("self."+fieldName(f.Name)), 0), leaf(",")).lines("            "))
		}
		g.p("        }")
	}
	for _, f := range opt {
		attr := "self." + fieldName(f.Name)
		g.p("        if %s is not None:", attr)
		g.emit(cat(leaf("d["+pyStr(f.Name)+"] = "), g.enc(f.Type, leaf(attr), 0)).lines("            "))
	}
	g.p("        return d")
	g.nl()
	// from_dict
	g.p("    @classmethod")
	g.p("    def from_dict(cls, d: Any, path: str = \"\") -> %s:", cn)
	g.docstring("        ", []string{
		fmt.Sprintf("Build the %s of a JSON object; absent or null optionals become None.", cn),
		"",
		"Unknown keys are ignored. Raises ValueError naming the field path (under",
		"path) when d does not fit the schema.",
	})
	if len(fields) == 0 {
		g.p("        _object(d, path)")
		g.p("        return cls()")
		return
	}
	g.p("        d = _object(d, path)")
	g.p("        return cls(")
	for _, f := range fields {
		fn := "_req"
		if f.Optional {
			fn = "_optional"
		}
		g.emit(cat(leaf(fieldName(f.Name)+"="), call(fn, leaf("d"), leaf(pyStr(f.Name)), leaf("path"), g.dec(f.Type)), leaf(",")).lines("            "))
	}
	g.p("        )")
}

func (g *gen) pyType(t *model.TypeRef) string { return g.pyTypeSeq(t).flat() }

// pyTypeSeq is pyType with its subscripts as bracket groups, for layout.
func (g *gen) pyTypeSeq(t *model.TypeRef) seq {
	sub := func(name string, args ...seq) seq {
		return seq{{text: name}, {g: &group{open: "[", close: "]", items: toItems(args)}}}
	}
	switch t.Kind {
	case model.KindStr:
		return leaf("str")
	case model.KindBool:
		return leaf("bool")
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64:
		return leaf("int")
	case model.KindF32, model.KindF64:
		return leaf("float")
	case model.KindOtime:
		return leaf("datetime.datetime")
	case model.KindBytes:
		return leaf("bytes")
	case model.KindList:
		return sub("List", g.pyTypeSeq(t.Elem))
	case model.KindMap:
		return sub("Dict", leaf("str"), g.pyTypeSeq(t.Elem))
	case model.KindNamed:
		return leaf(g.declClass[t.Decl])
	}
	return leaf("Any")
}

func toItems(args []seq) [][]tok {
	out := make([][]tok, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}

// identity reports whether values of t are the same in Python and JSON.
func identity(t *model.TypeRef) bool {
	switch t.Kind {
	case model.KindOtime, model.KindBytes, model.KindNamed:
		return false
	case model.KindList, model.KindMap:
		return identity(t.Elem)
	}
	return true
}

// enc renders the expression converting the Python value expr of type t
// to its JSON value.
func (g *gen) enc(t *model.TypeRef, expr seq, depth int) seq {
	if identity(t) {
		return expr
	}
	switch t.Kind {
	case model.KindOtime:
		return call("_format_time", expr)
	case model.KindBytes:
		return call("_b64encode", expr)
	case model.KindNamed:
		if t.Decl.Kind == model.DeclEnum {
			return cat(call(g.declClass[t.Decl], expr), leaf(".value"))
		}
		return cat(expr, call(".to_dict"))
	case model.KindList:
		x := fmt.Sprintf("x%d", depth)
		return comp("[", "]", g.enc(t.Elem, leaf(x), depth+1), cat(leaf("for "+x+" in "), expr))
	case model.KindMap:
		k, v := fmt.Sprintf("k%d", depth), fmt.Sprintf("v%d", depth)
		return comp("{", "}", cat(leaf(k+": "), g.enc(t.Elem, leaf(v), depth+1)),
			cat(leaf("for "+k+", "+v+" in "), expr, call(".items")))
	}
	return expr
}

// dec renders the decoder of a JSON value of type t: a function of the
// value and its path that checks the value against t (raising _Invalid)
// and returns the Python value.
func (g *gen) dec(t *model.TypeRef) seq {
	switch t.Kind {
	case model.KindStr:
		return leaf("_str")
	case model.KindBool:
		return leaf("_bool")
	case model.KindI32:
		return leaf("_i32")
	case model.KindI64:
		return leaf("_i64")
	case model.KindU32:
		return leaf("_u32")
	case model.KindU64:
		return leaf("_u64")
	case model.KindF32, model.KindF64:
		return leaf("_float")
	case model.KindOtime:
		return leaf("_time")
	case model.KindBytes:
		return leaf("_bytes")
	case model.KindList:
		return call("_list_of", g.dec(t.Elem))
	case model.KindMap:
		return call("_map_of", g.dec(t.Elem))
	case model.KindNamed:
		if t.Decl.Kind == model.DeclEnum {
			return call("_enum", leaf(g.declClass[t.Decl]))
		}
		return leaf(g.declClass[t.Decl] + ".from_dict")
	}
	return leaf("_any")
}

func (g *gen) clientClass(version string) {
	g.nl()
	g.nl()
	g.p("class %s:", g.client)
	lines := docLines(g.svc.Doc)
	if lines == nil {
		lines = []string{fmt.Sprintf("Client of the %s service.", g.svc.Name)}
	}
	lines = append(lines, "",
		fmt.Sprintf("Typed client of the %s JSON-RPC service (version %s). Methods raise", g.svc.Name, version))
	var errs []string
	for _, e := range g.svc.Errors {
		errs = append(errs, g.errClass[e.Name])
	}
	if len(errs) > 0 {
		lines = append(lines, "the RpcError subclass of a declared application error ("+strings.Join(errs, ", ")+"),")
	}
	lines = append(lines,
		"RpcError for any other JSON-RPC error, ProtocolError for a reply that is not",
		"JSON-RPC or does not fit the schema (ResponseTooLargeError past",
		"max_response_bytes), RpcTimeoutError when the call's timeout passes and",
		"TransportError when the server cannot be reached or the reply is cut: all",
		"RpcClientError subclasses.",
		"",
		"Every method takes a keyword-only timeout: the seconds the whole call",
		"(connect, send, read) may take; None means the client's timeout,",
		`float("inf") no limit. Long-poll methods may be given more than the default.`)
	g.docstring("    ", lines)
	g.nl()
	g.emit(defLines("    ", "__init__", []seq{
		leaf("self"),
		leaf("transport: Optional[Transport] = None"),
		leaf("*"),
		leaf("timeout: Optional[float] = None"),
		leaf("max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES"),
		leaf("request_hook: Optional[RequestHook] = None"),
	}, "None"))
	g.docstring("        ", []string{
		"Use transport, by default UnixSocketTransport(DEFAULT_SOCKET_PATH).",
		"",
		"timeout: the default deadline of a call, in seconds; None takes the",
		"    transport's timeout (DEFAULT_TIMEOUT if it has none); a transport",
		"    timeout of None means no deadline.",
		"max_response_bytes: the longest reply body read; longer raises",
		"    ResponseTooLargeError.",
		"request_hook: called as request_hook(method, headers) before each call;",
		"    may change headers (the transport's own headers are added under them).",
	})
	g.p("        self._transport: Transport = (")
	g.p("            transport if transport is not None else UnixSocketTransport()")
	g.p("        )")
	g.p("        if timeout is None:")
	g.p(`            timeout = getattr(self._transport, "timeout", DEFAULT_TIMEOUT)`)
	g.p("        self.timeout: Optional[float] = timeout")
	g.p("        self.max_response_bytes = max_response_bytes")
	g.p("        self.request_hook = request_hook")
	g.p("        self._next_id = 0")
	g.b.WriteString(callMethod)
	for _, m := range g.svc.Methods {
		g.nl()
		g.method(m)
	}
}

// positionalParams writes the params list of a @positional method: every
// param in declared order, required ones encoded, optional ones None
// until set below.
func (g *gen) positionalParams(m *model.Method) {
	if len(m.Params) == 0 {
		g.p("        params: List[Any] = []")
		return
	}
	g.p("        params: List[Any] = [")
	for _, p := range m.Params {
		if p.Optional {
			g.p("            None,")
			continue
		}
		g.emit(cat(g.enc(p.Type, leaf(fieldName(p.Name)), 0), leaf(",")).lines("            "))
	}
	g.p("        ]")
}

func (g *gen) method(m *model.Method) {
	sig := []seq{leaf("self")}
	var req, opt []*model.Field
	for _, p := range m.Params {
		if p.Optional {
			opt = append(opt, p)
		} else {
			req = append(req, p)
		}
	}
	for _, p := range req {
		sig = append(sig, cat(leaf(fieldName(p.Name)+": "), g.pyTypeSeq(p.Type)))
	}
	sig = append(sig, leaf("*"))
	for _, p := range opt {
		sig = append(sig, cat(leaf(fieldName(p.Name)+": Optional"), seq{{g: &group{open: "[", close: "]", items: [][]tok{g.pyTypeSeq(p.Type)}}}}, leaf(" = None")))
	}
	sig = append(sig, leaf("timeout: Optional[float] = None"))
	ret := "None"
	if m.Result != nil {
		ret = g.pyType(m.Result)
	}
	g.emit(defLines("    ", methodName(m.Name), sig, ret))
	lines := docLines(m.Doc)
	if lines == nil {
		lines = []string{emit.FallbackDoc(m)}
	}
	var args []string
	for _, p := range m.Params {
		pl := docLines(p.Doc)
		if pl == nil {
			continue
		}
		args = append(args, fmt.Sprintf("    %s: %s", fieldName(p.Name), pl[0]))
		for _, l := range pl[1:] {
			args = append(args, "        "+l)
		}
	}
	if args != nil {
		lines = append(lines, "", "Args:")
		lines = append(lines, args...)
	}
	if rl := docLines(m.ResultDoc); rl != nil && m.Result != nil {
		lines = append(lines, "", "Returns:")
		for _, l := range rl {
			lines = append(lines, "    "+l)
		}
	}
	g.docstring("        ", lines)
	if m.Positional {
		g.positionalParams(m)
	} else if len(req) == 0 {
		g.p("        params: Dict[str, Any] = {}")
	} else {
		g.p("        params: Dict[str, Any] = {")
		for _, p := range req {
			g.emit(cat(leaf(pyStr(p.Name)+": "), g.enc(p.Type, leaf(fieldName(p.Name)), 0), leaf(",")).lines("            "))
		}
		g.p("        }")
	}
	for i, p := range m.Params {
		if !p.Optional {
			continue
		}
		n := fieldName(p.Name)
		key := pyStr(p.Name)
		if m.Positional {
			key = strconv.Itoa(i)
		}
		g.p("        if %s is not None:", n)
		g.emit(cat(leaf("params["+key+"] = "), g.enc(p.Type, leaf(n), 0)).lines("            "))
	}
	if m.Positional {
		if required := m.PositionalMin(); required < len(m.Params) {
			// Up to the last param given: trailing optional ones are left out.
			if required == 0 {
				g.p("        while params and params[-1] is None:")
			} else {
				g.p("        while len(params) > %d and params[-1] is None:", required)
			}
			g.p("            params.pop()")
		}
	}
	if m.Result == nil {
		g.emit(call("self._call", leaf(pyStr(m.Name)), leaf("params"), leaf("_ignore"), leaf("timeout")).lines("        "))
		return
	}
	g.emit(cat(leaf("return "), call("self._call", leaf(pyStr(m.Name)), leaf("params"), g.dec(m.Result), leaf("timeout"))).lines("        "))
}
