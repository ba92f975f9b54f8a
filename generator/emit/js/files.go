package js

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// js renders client.js.
func (g *gen) js() string {
	var b strings.Builder
	b.WriteString(emit.Header("//", g.s, g.svc))
	b.WriteString("\n")
	jsdoc(&b, "", append([]string{"@file " + g.fileDoc()[0]}, g.fileDoc()[1:]...))

	for _, d := range g.s.Decls {
		b.WriteString("\n")
		if d.Kind == model.DeclEnum {
			lines := enumDoc(d)
			lines = append(lines, fmt.Sprintf("@typedef {%s} %s", g.enumUnion(d), g.declName[d]))
			jsdoc(&b, "", lines)
			continue
		}
		jsdoc(&b, "", g.jsRecord(docLines(d.Doc), g.declName[d], d.Fields))
	}
	for _, mm := range g.methods {
		if mm.params == "" {
			continue
		}
		b.WriteString("\n")
		jsdoc(&b, "", g.jsRecord([]string{fmt.Sprintf("Params of %s (%s).", mm.name, mm.m.Name)}, mm.params, mm.m.Params))
	}
	b.WriteString(jsTypedefs)

	fmt.Fprintf(&b, "\n/** The Unix socket a client dials when given no url, socketPath or transport. */\n")
	fmt.Fprintf(&b, "export const DEFAULT_SOCKET_PATH = %s;\n", jsStr(g.opts.DefaultSocketPath(g.s)))
	fmt.Fprintf(&b, "\n/** Codes of the application errors %s declares. */\n", g.svc.Name)
	listBlock(&b, "export const ErrorCode = Object.freeze({", "});", len(g.svc.Errors), func(i int) {
		e := g.svc.Errors[i]
		jsdoc(&b, "  ", docLines(e.Doc))
		fmt.Fprintf(&b, "  %s: %d,\n", propName(e.Name), e.Code)
	})
	b.WriteString(strings.Replace(jsErrors, "@SERVICE@", g.svc.Name, -1))
	for _, e := range g.svc.Errors {
		cn := g.errClass[e.Name]
		b.WriteString("\n")
		lines := docLines(e.Doc)
		if lines != nil {
			lines = append(lines, "")
		}
		lines = append(lines, fmt.Sprintf("The application error %s (code %d).", e.Name, e.Code))
		jsdoc(&b, "", lines)
		fmt.Fprintf(&b, "export class %s extends RpcError {\n", cn)
		b.WriteString("  /**\n   * @param {string} [message]\n   * @param {unknown} [data]\n   */\n")
		b.WriteString("  constructor(message, data) {\n")
		msg := "message || " + jsStr(errorMessage(e))
		if !fits("      " + msg + ",") {
			msg = "message ||\n        " + jsStr(errorMessage(e))
		}
		b.WriteString(callLines("    ", "super", []string{strconv.Itoa(e.Code), msg, "data"}, ";"))
		fmt.Fprintf(&b, "    this.name = %s;\n", jsStr(cn))
		b.WriteString("  }\n}\n")
	}
	b.WriteString("\n/** @type {Map<number, new (message?: string, data?: unknown) => RpcError>} */\n")
	listBlock(&b, "const ERRORS = new Map([", "]);", len(g.svc.Errors), func(i int) {
		e := g.svc.Errors[i]
		fmt.Fprintf(&b, "  [%d, %s],\n", e.Code, g.errClass[e.Name])
	})
	g.shapes(&b)
	b.WriteString("\n/** The otime rule: the pattern of otime values in the OpenRPC document. */\n")
	b.WriteString("const OTIME =\n  /" + openrpc.DateTimePattern + "/;\n")
	b.WriteString(jsTransports)
	if hasPositional(g.svc) {
		b.WriteString(jsPositional)
	}

	b.WriteString("\n")
	lines := docLines(g.svc.Doc)
	if lines != nil {
		lines = append(lines, "")
	}
	lines = append(lines, fmt.Sprintf("Client of the %s JSON-RPC service (version %s).", g.svc.Name, g.version))
	jsdoc(&b, "", lines)
	fmt.Fprintf(&b, "export class %s {\n", g.client)
	b.WriteString(strings.Replace(jsClientCore, "@SERVICE@", g.svc.Name, -1))
	for _, mm := range g.methods {
		b.WriteString("\n")
		lines := methodDoc(mm.m)
		var args []string
		switch {
		case mm.params == "":
		case mm.paramsOpt:
			lines = append(lines, fmt.Sprintf("@param {%s} [params]", mm.params))
			args = append(args, "params = {}")
		default:
			lines = append(lines, fmt.Sprintf("@param {%s} params", mm.params))
			args = append(args, "params")
		}
		lines = append(lines, "@param {CallOptions} [options]")
		args = append(args, "options")
		ret := mm.resultType
		if rd := docLines(mm.m.ResultDoc); rd != nil && mm.m.Result != nil {
			lines = append(lines, fmt.Sprintf("@returns {Promise<%s>} %s", ret, strings.Join(rd, " ")))
		} else {
			lines = append(lines, fmt.Sprintf("@returns {Promise<%s>}", ret))
		}
		jsdoc(&b, "  ", lines)
		paramsArg := "params"
		if mm.params == "" {
			paramsArg = "{}"
		}
		byPosition := ""
		if mm.m.Positional {
			paramsArg = "[]"
			if len(mm.m.Params) > 0 {
				paramsArg = "byPosition"
				byPosition = callLines("    ", "const byPosition = positional", positionalArgs(mm.m), ";")
			}
		}
		if mm.m.Result == nil {
			b.WriteString(callLines("  ", "async "+mm.name, args, " {"))
			b.WriteString(byPosition)
			b.WriteString(callLines("    ", "await this.#call", []string{jsStr(mm.m.Name), paramsArg, "options"}, ";"))
		} else {
			b.WriteString(callLines("  ", mm.name, args, " {"))
			b.WriteString(byPosition)
			b.WriteString(callLines("    ", "return this.#call", []string{jsStr(mm.m.Name), paramsArg, "options", jsStr(g.shape(mm.m.Result))}, ";"))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// positionalArgs are the arguments of the runtime's positional() for a
// @positional method: how many leading params are required, then each
// param read from the by-name params object, in declared order.
func positionalArgs(m *model.Method) []string {
	args := []string{strconv.Itoa(m.PositionalMin())}
	for _, p := range m.Params {
		if identRe.MatchString(p.Name) {
			args = append(args, "params."+p.Name)
		} else {
			args = append(args, "params["+jsStr(p.Name)+"]")
		}
	}
	return args
}

// hasPositional reports whether the service has a @positional method
// (which needs the runtime's positional()).
func hasPositional(svc *model.Service) bool {
	for _, m := range svc.Methods {
		if m.Positional && len(m.Params) > 0 {
			return true
		}
	}
	return false
}

// shape is t as the runtime's check reads it: a scalar (str, time, bool,
// int, uint, num, any), a decl's name, [T] for a list, {T} for a map.
func (g *gen) shape(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindStr, model.KindBytes:
		return "str"
	case model.KindOtime:
		return "time"
	case model.KindBool:
		return "bool"
	case model.KindI32, model.KindI64:
		return "int"
	case model.KindU32, model.KindU64:
		return "uint"
	case model.KindF32, model.KindF64:
		return "num"
	case model.KindList:
		return "[" + g.shape(t.Elem) + "]"
	case model.KindMap:
		return "{" + g.shape(t.Elem) + "}"
	case model.KindNamed:
		return g.declName[t.Decl]
	}
	return "any"
}

// shapes writes SHAPES, the shape of every decl, which the client checks
// replies against: a record's fields by wire name (a leading "?" marks an
// optional one), an enum's values.
func (g *gen) shapes(b *strings.Builder) {
	b.WriteString("\n/**\n")
	b.WriteString(" * The shape of each declared type, checked on every reply: a record's\n")
	b.WriteString(" * fields (a leading \"?\" marks an optional one, then \"!\" a secret one),\n")
	b.WriteString(" * an enum's values.\n")
	b.WriteString(" * @type {Record<string, Record<string, string> | string[]>}\n */\n")
	listBlock(b, "const SHAPES = {", "};", len(g.s.Decls), func(i int) {
		d := g.s.Decls[i]
		name := g.declName[d]
		if d.Kind == model.DeclEnum {
			vs := g.enumValues(d)
			if flat := "  " + name + ": [" + strings.Join(vs, ", ") + "],"; fits(flat) {
				b.WriteString(flat + "\n")
				return
			}
			b.WriteString("  " + name + ": [\n")
			for _, v := range vs {
				b.WriteString("    " + v + ",\n")
			}
			b.WriteString("  ],\n")
			return
		}
		if len(d.Fields) == 0 {
			b.WriteString("  " + name + ": {},\n")
			return
		}
		listBlock(b, "  "+name+": {", "  },", len(d.Fields), func(j int) {
			f := d.Fields[j]
			key := propName(f.Name)
			if f.Name == "__proto__" {
				key = "[" + jsStr(f.Name) + "]" // a plain __proto__ key would set the prototype
			}
			sh := g.shape(f.Type)
			if f.Secret {
				sh = "!" + sh
			}
			if f.Optional {
				sh = "?" + sh
			}
			fmt.Fprintf(b, "    %s: %s,\n", key, jsStr(sh))
		})
	})
}

// jsRecord returns the JSDoc lines of a record typedef: lines, then
// "@typedef {object} name" with one @property per field. JSDoc cannot
// name a property that is not an identifier ("x-trace"), so a record with
// one is a type literal instead, its field docs in the description.
func (g *gen) jsRecord(lines []string, name string, fields []*model.Field) []string {
	literal := false
	for _, f := range fields {
		if !identRe.MatchString(f.Name) {
			literal = true
		}
	}
	if !literal {
		lines = append(lines, "@typedef {object} "+name)
		for _, f := range fields {
			lines = append(lines, g.jsProperty(f))
		}
		return lines
	}
	var props []string
	for _, f := range fields {
		t, opt := g.tsType(f.Type), ""
		if f.Optional {
			t, opt = t+" | null", "?"
		}
		props = append(props, propName(f.Name)+opt+": "+t)
		if d := fieldDoc(f); d != nil {
			lines = append(lines, "- "+propName(f.Name)+": "+strings.Join(d, " "))
		}
	}
	return append(lines, "@typedef {{"+strings.Join(props, ", ")+"}} "+name)
}

func (g *gen) jsProperty(f *model.Field) string {
	t := g.tsType(f.Type)
	name := propName(f.Name)
	if f.Optional {
		t += " | null"
		name = "[" + name + "]"
	}
	l := fmt.Sprintf("@property {%s} %s", t, name)
	if d := fieldDoc(f); d != nil {
		l += " " + strings.Join(d, " ")
	}
	return l
}

// dts renders client.d.ts.
func (g *gen) dts() string {
	var b strings.Builder
	b.WriteString(emit.Header("//", g.s, g.svc))
	b.WriteString("\n")
	jsdoc(&b, "", g.fileDoc())
	for _, d := range g.s.Decls {
		b.WriteString("\n")
		if d.Kind == model.DeclEnum {
			jsdoc(&b, "", enumDoc(d))
			b.WriteString(unionLines("export type "+g.declName[d]+" =", g.enumValues(d)))
			continue
		}
		jsdoc(&b, "", docLines(d.Doc))
		if len(d.Fields) == 0 {
			fmt.Fprintf(&b, "export interface %s {}\n", g.declName[d])
			continue
		}
		fmt.Fprintf(&b, "export interface %s {\n", g.declName[d])
		g.tsFields(&b, d.Fields)
		b.WriteString("}\n")
	}
	for _, mm := range g.methods {
		if mm.params == "" {
			continue
		}
		b.WriteString("\n")
		jsdoc(&b, "", []string{fmt.Sprintf("Params of %s (%s).", mm.name, mm.m.Name)})
		fmt.Fprintf(&b, "export interface %s {\n", mm.params)
		g.tsFields(&b, mm.m.Params)
		b.WriteString("}\n")
	}
	b.WriteString(dtsCommon)
	fmt.Fprintf(&b, "\n/** Codes of the application errors %s declares. */\n", g.svc.Name)
	listBlock(&b, "export declare const ErrorCode: {", "};", len(g.svc.Errors), func(i int) {
		e := g.svc.Errors[i]
		jsdoc(&b, "  ", docLines(e.Doc))
		fmt.Fprintf(&b, "  readonly %s: %d;\n", propName(e.Name), e.Code)
	})
	for _, e := range g.svc.Errors {
		b.WriteString("\n")
		lines := docLines(e.Doc)
		if lines != nil {
			lines = append(lines, "")
		}
		lines = append(lines, fmt.Sprintf("The application error %s (code %d).", e.Name, e.Code))
		jsdoc(&b, "", lines)
		fmt.Fprintf(&b, "export declare class %s extends RpcError {\n", g.errClass[e.Name])
		fmt.Fprintf(&b, "  readonly code: %d;\n", e.Code)
		b.WriteString("  constructor(message?: string, data?: unknown);\n}\n")
	}
	b.WriteString("\n")
	lines := docLines(g.svc.Doc)
	if lines != nil {
		lines = append(lines, "")
	}
	lines = append(lines, fmt.Sprintf("Client of the %s JSON-RPC service (version %s).", g.svc.Name, g.version))
	jsdoc(&b, "", lines)
	fmt.Fprintf(&b, "export declare class %s {\n", g.client)
	b.WriteString("  #private;\n")
	b.WriteString("  /** Dial options.url, else options.socketPath, else DEFAULT_SOCKET_PATH (or use options.transport). */\n")
	b.WriteString("  constructor(options?: ClientOptions);\n")
	b.WriteString("  /** Return the service's OpenRPC document (rpc.discover). */\n")
	b.WriteString("  discover(options?: CallOptions): Promise<OpenRpcDocument>;\n")
	for _, mm := range g.methods {
		jsdoc(&b, "  ", methodDoc(mm.m))
		var args []string
		switch {
		case mm.params == "":
		case mm.paramsOpt:
			args = append(args, "params?: "+mm.params)
		default:
			args = append(args, "params: "+mm.params)
		}
		args = append(args, "options?: CallOptions")
		b.WriteString(callLines("  ", mm.name, args, ": Promise<"+mm.resultType+">;"))
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *gen) tsFields(b *strings.Builder, fs []*model.Field) {
	for _, f := range fs {
		jsdoc(b, "  ", fieldDoc(f))
		if f.Optional {
			fmt.Fprintf(b, "  %s?: %s | null;\n", propName(f.Name), g.tsType(f.Type))
		} else {
			fmt.Fprintf(b, "  %s: %s;\n", propName(f.Name), g.tsType(f.Type))
		}
	}
}

// client.js and client.d.ts are laid out the way prettier (default
// options: 80 columns, trailing commas) prints them, so that
// `prettier --check` passes without running prettier. The fixed parts are
// written that way; these helpers lay out the lines whose length depends
// on the schema.

const printWidth = 80

func fits(line string) bool { return utf8.RuneCountInString(line) <= printWidth }

// callLines renders fn(args)tail at indent: on one line when it fits,
// else one argument per line with a trailing comma, as prettier breaks a
// call or a signature.
func callLines(indent, fn string, args []string, tail string) string {
	if flat := indent + fn + "(" + strings.Join(args, ", ") + ")" + tail; fits(flat) && !strings.Contains(flat, "\n") {
		return flat + "\n"
	}
	var b strings.Builder
	b.WriteString(indent + fn + "(\n")
	for _, a := range args {
		b.WriteString(indent + "  " + a + ",\n")
	}
	b.WriteString(indent + ")" + tail + "\n")
	return b.String()
}

// unionLines renders "head values;" for a union type: on one line when it
// fits, else one member per line after a leading "|".
func unionLines(head string, values []string) string {
	if len(values) == 0 {
		values = []string{"never"}
	}
	if flat := head + " " + strings.Join(values, " | ") + ";"; fits(flat) {
		return flat + "\n"
	}
	if len(values) == 1 {
		return head + "\n  " + values[0] + ";\n"
	}
	return head + "\n  | " + strings.Join(values, "\n  | ") + ";\n"
}

// jsStr renders s as a JavaScript string literal in prettier's preferred
// quotes: double, unless the string holds more double than single quotes.
func jsStr(s string) string {
	q := '"'
	if strings.Count(s, `"`) > strings.Count(s, "'") {
		q = '\''
	}
	var b strings.Builder
	b.WriteRune(q)
	for _, r := range s {
		switch {
		case r == q || r == '\\':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0x2028 || r == 0x2029 || !strconv.IsPrint(r):
			fmt.Fprintf(&b, `\u{%x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteRune(q)
	return b.String()
}

// listBlock writes open, the n entries each writes, and close; an empty
// list is "open+close" on one line, as prettier prints it.
func listBlock(b *strings.Builder, open, close string, n int, each func(i int)) {
	if n == 0 {
		b.WriteString(open + close + "\n")
		return
	}
	b.WriteString(open + "\n")
	for i := 0; i < n; i++ {
		each(i)
	}
	b.WriteString(close + "\n")
}
