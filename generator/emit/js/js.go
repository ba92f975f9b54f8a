// Package js emits client.js, an ES module client of one service without
// dependencies (Node 18+ and browsers), and client.d.ts, its TypeScript
// declarations.
//
// Decisions:
//   - Methods are names.Camel(wire name) (escaped with names.Escape) and
//     take their params as ONE object keyed by the wire names, plus an
//     optional CallOptions ({timeoutMs}). An object reads better than
//     positional arguments once a method has optional params, and keeps
//     JSON-RPC's by-name semantics visible; methods without params take
//     only the options, methods whose params are all optional make the
//     object optional. null/undefined params are left out of the request.
//   - Results are the decoded JSON: records are plain objects with wire
//     names, otime values RFC 3339 strings, bytes values base64 strings.
//     Nothing is converted, so a value round-trips exactly. They are
//     checked against the schema first (SHAPES, one table, and one
//     check function): a reply that breaks it is a ProtocolError naming
//     the field; an otime must follow the otime rule, the regular
//     expression openrpc.DateTimePattern, which client.js embeds as is
//     (OTIME). Unknown fields and enum values pass (forward
//     compatibility). Params are sent as given, unchecked.
//   - Errors: all derive from ClientError. RpcError {code, message,
//     data}; one subclass per declared application error
//     (NotFoundError), and their codes in ErrorCode; RpcTimeoutError when
//     no whole reply comes in time; RpcAbortedError when the call's
//     AbortSignal fires; ProtocolError for a reply that is not JSON-RPC
//     or breaks the schema; TransportError, wrapping the system error.
//   - Transports: HTTP via fetch, Unix socket via node:http's socketPath
//     (imported lazily so browsers never load it); both take the call's
//     deadline, signal, headers and response size limit.
package js

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
)

// File names of the JS artifact.
const (
	JSFileName  = "client.js"
	DTSFileName = "client.d.ts"
)

// Generate returns client.js, client.d.ts and package.json for svc.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("js: nil schema or service")
	}
	g := &gen{s: s, svc: svc, opts: opts}
	if err := g.prepare(); err != nil {
		return nil, fmt.Errorf("js: service %s: %v", svc.Name, err)
	}
	return []emit.File{
		{Name: JSFileName, Content: []byte(g.js())},
		{Name: DTSFileName, Content: []byte(g.dts())},
		{Name: PackageFileName, Content: []byte(g.packageJSON())},
	}, nil
}

type gen struct {
	s    *model.Schema
	svc  *model.Service
	opts emit.Options

	client   string
	version  string
	declName map[*model.Decl]string
	errClass map[string]string
	methods  []*method
}

type method struct {
	m          *model.Method
	name       string // JS method name
	params     string // params type name, "" when the method has no params
	paramsOpt  bool   // every param is optional
	resultType string
}

// globalNames are names client.js/client.d.ts define or rely on; a
// schema-derived type may not shadow them.
var globalNames = []string{
	"RpcError", "ProtocolError", "RpcTimeoutError", "ErrorCode", "Transport", "TransportReply",
	"CallOptions", "ClientOptions", "OpenRpcDocument", "DEFAULT_SOCKET_PATH",
	"Record", "Promise", "Error", "Array", "Object", "Map", "JSON", "Number", "String", "Boolean",
	"AbortController", "TextEncoder", "TextDecoder", "Uint8Array", "Date", "Symbol", "Set", "Math",
	"BigInt", "URL", "TypeError", "RangeError", "SyntaxError",
}

// clientMembers are the client's own members.
var clientMembers = map[string]bool{"discover": true, "constructor": true}

var identRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

func (g *gen) prepare() error {
	// A schema name that the client defines or uses (Error, Promise, Map,
	// ...) is escaped with a trailing underscore rather than refused.
	claim := names.NewScope("JavaScript", identRe, globalNames, "a name the client defines or uses").ClaimEscaped
	g.declName = map[*model.Decl]string{}
	for _, d := range g.s.Decls {
		n, err := claim(names.Escape(names.JavaScript, names.Pascal(d.Name)), "decl "+d.Name)
		if err != nil {
			return err
		}
		g.declName[d] = n
	}
	g.errClass = map[string]string{}
	for _, e := range g.svc.Errors {
		n := names.Pascal(e.Name)
		if !strings.HasSuffix(n, "Error") {
			n += "Error"
		}
		n, err := claim(n, "error "+e.Name)
		if err != nil {
			return err
		}
		g.errClass[e.Name] = n
	}
	client, err := claim(names.Pascal(g.svc.Name)+"Client", "the client class")
	if err != nil {
		return err
	}
	g.client = client
	for _, n := range []string{"httpTransport", "unixSocketTransport"} {
		if _, err := claim(n, "a transport factory"); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, m := range g.svc.Methods {
		// A method named like a member of the client class (constructor,
		// discover) gets a trailing underscore; Camel never ends in one.
		name := names.EscapeTaken(names.Escape(names.JavaScript, names.Camel(m.Name)), func(n string) bool { return clientMembers[n] })
		mm := &method{m: m, name: name}
		if seen[mm.name] || !identRe.MatchString(mm.name) {
			return fmt.Errorf("method %s: JavaScript method name %q is taken or invalid", m.Name, mm.name)
		}
		seen[mm.name] = true
		if len(m.Params) > 0 {
			params, err := claim(names.Pascal(m.Name)+"Params", "params of method "+m.Name)
			if err != nil {
				return err
			}
			mm.params = params
			mm.paramsOpt = true
			for _, p := range m.Params {
				if !p.Optional {
					mm.paramsOpt = false
				}
			}
		}
		mm.resultType = "void"
		if m.Result != nil {
			mm.resultType = g.tsType(m.Result)
		}
		g.methods = append(g.methods, mm)
	}
	g.version = g.svc.Version
	if g.version == "" {
		g.version = "1.0.0"
	}
	return nil
}

func (g *gen) tsType(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindStr, model.KindOtime, model.KindBytes:
		return "string"
	case model.KindBool:
		return "boolean"
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64, model.KindF32, model.KindF64:
		return "number"
	case model.KindList:
		return g.tsType(t.Elem) + "[]"
	case model.KindMap:
		return "Record<string, " + g.tsType(t.Elem) + ">"
	case model.KindNamed:
		return g.declName[t.Decl]
	}
	return "unknown"
}

// typeNote says what a string-typed value holds, for docs.
func typeNote(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindOtime:
		return "RFC 3339 date-time"
	case model.KindBytes:
		return "standard base64"
	case model.KindU64, model.KindI64:
		return "exact up to 2^53"
	}
	return ""
}

// propName renders a property name, quoted when it is not an identifier.
func propName(wire string) string {
	if identRe.MatchString(wire) {
		return wire
	}
	return jsStr(wire)
}

func docLines(doc string) []string {
	doc = strings.TrimRight(doc, "\n ")
	if doc == "" {
		return nil
	}
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, "*/", "*\\/")
	}
	return lines
}

// fieldDoc joins a field's doc and the note on its encoding.
func fieldDoc(f *model.Field) []string {
	lines := docLines(f.Doc)
	if note := typeNote(f.Type); note != "" {
		if len(lines) == 0 {
			lines = []string{"(" + note + ")"}
		} else {
			lines[len(lines)-1] += " (" + note + ")"
		}
	}
	return lines
}

// jsdoc writes a /** */ block at indent; an empty block is not written.
func jsdoc(b *strings.Builder, indent string, lines []string) {
	if len(lines) == 0 {
		return
	}
	if len(lines) == 1 && !strings.HasPrefix(lines[0], "@") {
		fmt.Fprintf(b, "%s/** %s */\n", indent, lines[0])
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range lines {
		if l == "" {
			fmt.Fprintf(b, "%s *\n", indent)
		} else {
			fmt.Fprintf(b, "%s * %s\n", indent, l)
		}
	}
	fmt.Fprintf(b, "%s */\n", indent)
}

func errorMessage(e *model.ErrorDef) string {
	if e.Doc == "" {
		return e.Name
	}
	return strings.SplitN(e.Doc, "\n", 2)[0]
}

func methodDoc(m *model.Method) []string {
	lines := docLines(m.Doc)
	if lines == nil {
		lines = []string{emit.FallbackDoc(m)}
	}
	if m.Deprecated() {
		lines = append(lines, "@deprecated")
	}
	return lines
}

func (g *gen) fileDoc() []string {
	lines := []string{fmt.Sprintf("JavaScript client of the %s JSON-RPC service (version %s).", g.svc.Name, g.version)}
	if d := docLines(g.svc.Doc); d != nil {
		lines = append(lines, "")
		lines = append(lines, d...)
	}
	return append(lines, "",
		"An ES module without dependencies for Node 18+ and browsers. Each method",
		"takes its params as one object keyed by the wire names and resolves to the",
		"decoded JSON result: otime values stay RFC 3339 strings and bytes values",
		"standard base64 strings, as on the wire; i64/u64 beyond 2^53 lose precision.",
		"Application errors reject with their RpcError subclass, other JSON-RPC",
		"errors with RpcError, a call that outlives its timeout with RpcTimeoutError.",
	)
}

func (g *gen) enumUnion(d *model.Decl) string {
	vs := g.enumValues(d)
	if len(vs) == 0 {
		return "never"
	}
	return strings.Join(vs, " | ")
}

// enumValues returns the enum's values as string literals.
func (g *gen) enumValues(d *model.Decl) []string {
	var vs []string
	for _, v := range d.Values {
		vs = append(vs, jsStr(v.Value))
	}
	return vs
}

func enumDoc(d *model.Decl) []string {
	lines := docLines(d.Doc)
	var vals []string
	for _, v := range d.Values {
		if vd := docLines(v.Doc); vd != nil {
			vals = append(vals, fmt.Sprintf("- %q: %s", v.Value, strings.Join(vd, " ")))
		}
	}
	if vals != nil {
		if lines != nil {
			lines = append(lines, "")
		}
		lines = append(lines, vals...)
	}
	return lines
}
