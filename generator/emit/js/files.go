package js

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
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
		lines := docLines(d.Doc)
		lines = append(lines, "@typedef {object} "+g.declName[d])
		for _, f := range d.Fields {
			lines = append(lines, g.jsProperty(f))
		}
		jsdoc(&b, "", lines)
	}
	for _, mm := range g.methods {
		if mm.params == "" {
			continue
		}
		b.WriteString("\n")
		lines := []string{fmt.Sprintf("Params of %s (%s).", mm.name, mm.m.Name), "@typedef {object} " + mm.params}
		for _, p := range mm.m.Params {
			lines = append(lines, g.jsProperty(p))
		}
		jsdoc(&b, "", lines)
	}
	b.WriteString(jsTypedefs)

	fmt.Fprintf(&b, "\n/** The Unix socket a client dials when given no url, socketPath or transport. */\n")
	fmt.Fprintf(&b, "export const DEFAULT_SOCKET_PATH = %s;\n", strconv.Quote(g.opts.DefaultSocketPath(g.s)))
	fmt.Fprintf(&b, "\n/** Codes of the application errors %s declares. */\n", g.svc.Name)
	fmt.Fprintf(&b, "export const ErrorCode = Object.freeze({\n")
	for _, e := range g.svc.Errors {
		jsdoc(&b, "  ", docLines(e.Doc))
		fmt.Fprintf(&b, "  %s: %d,\n", propName(e.Name), e.Code)
	}
	b.WriteString("});\n")
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
		fmt.Fprintf(&b, "    super(%d, message || %s, data);\n", e.Code, strconv.Quote(errorMessage(e)))
		fmt.Fprintf(&b, "    this.name = %q;\n", cn)
		b.WriteString("  }\n}\n")
	}
	b.WriteString("\n/** @type {Map<number, new (message?: string, data?: unknown) => RpcError>} */\n")
	b.WriteString("const ERRORS = new Map([\n")
	for _, e := range g.svc.Errors {
		fmt.Fprintf(&b, "  [%d, %s],\n", e.Code, g.errClass[e.Name])
	}
	b.WriteString("]);\n")
	b.WriteString(jsTransports)

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
		if mm.m.Result == nil {
			fmt.Fprintf(&b, "  async %s(%s) {\n", mm.name, strings.Join(args, ", "))
			fmt.Fprintf(&b, "    await this.#call(%s, %s, options);\n", strconv.Quote(mm.m.Name), paramsArg)
		} else {
			fmt.Fprintf(&b, "  %s(%s) {\n", mm.name, strings.Join(args, ", "))
			fmt.Fprintf(&b, "    return this.#call(%s, %s, options);\n", strconv.Quote(mm.m.Name), paramsArg)
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
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
			fmt.Fprintf(&b, "export type %s = %s;\n", g.declName[d], g.enumUnion(d))
			continue
		}
		jsdoc(&b, "", docLines(d.Doc))
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
	b.WriteString("export declare const ErrorCode: {\n")
	for _, e := range g.svc.Errors {
		jsdoc(&b, "  ", docLines(e.Doc))
		fmt.Fprintf(&b, "  readonly %s: %d;\n", propName(e.Name), e.Code)
	}
	b.WriteString("};\n")
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
		fmt.Fprintf(&b, "  %s(%s): Promise<%s>;\n", mm.name, strings.Join(args, ", "), mm.resultType)
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
