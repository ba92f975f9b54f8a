package rust

import (
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// GenerateServer returns rust_server.rs: the handler trait of svc, RpcError
// with a constructor per application error, the JSON-RPC 2.0 dispatcher
// (rpc.discover answers with the OpenRPC document, ../openrpc.json embedded
// with include_str!) and a std-only
// HTTP/1.1 server for Unix sockets and TCP. It names the types of
// rust_types.rs unqualified and has no inner attributes, so it is compiled
// with include! in a module that has them in scope.
func GenerateServer(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	g, err := newGen(s, svc)
	if err != nil {
		return nil, err
	}
	return []emit.File{{Name: ServerFile, Content: []byte(g.server(opts.DefaultSocketPath(s)))}}, nil
}

func (g *gen) server(socket string) string {
	var b strings.Builder
	b.WriteString(emit.Header("//", g.s, g.svc))
	b.WriteString("\n")
	fmt.Fprintf(&b, "// JSON-RPC 2.0 server of service %s %s (schema %s).\n", g.svc.Name, g.svc.Version, g.s.Name)
	b.WriteString("//\n")
	fmt.Fprintf(&b, "// Implement `%s`, then serve it with `serve_unix` or `serve_tcp`,\n", g.handler)
	b.WriteString("// or answer request bodies with `handle_json`.\n")
	b.WriteString("//\n")
	b.WriteString("// The server names the types of rust_types.rs unqualified, so compile it\n")
	b.WriteString("// where they are in scope, e.g. next to `pub mod rust_types;`:\n")
	b.WriteString("//\n")
	b.WriteString("//     pub mod rust_server {\n")
	b.WriteString("//         use super::rust_types::*;\n")
	b.WriteString("//         include!(\"rust_server.rs\"); // or concat!(env!(\"OUT_DIR\"), \"/rust/rust_server.rs\")\n")
	b.WriteString("//     }\n")
	b.WriteString("//\n")
	b.WriteString("// The file has no inner attributes and names no other module, so include!\n")
	b.WriteString("// works wherever the types are in scope. It embeds ../openrpc.json (the\n")
	b.WriteString("// openrpc artifact, generated with it), relative to this file.\n")
	b.WriteString("//\n")
	b.WriteString("// For a daemon, `start_unix` and `start_tcp` return a `Server` whose\n")
	b.WriteString("// `shutdown()` stops accepting, answers the calls in flight and removes\n")
	b.WriteString("// the socket. `ServerOptions` sets the timeouts (a whole request within\n")
	b.WriteString("// `READ_TIMEOUT`, 30 s; idle connections close after `IDLE_TIMEOUT`,\n")
	b.WriteString("// 2 min), the worker cap (`MAX_CONNECTIONS`, 64; more connections wait)\n")
	b.WriteString("// and the log. Handler methods read the request's headers and peer (Unix\n")
	b.WriteString("// socket: pid, uid, gid) with `request_context`.\n")
	b.WriteString("//\n")
	b.WriteString("// In an async server, answer `POST /rpc` from a blocking task:\n")
	b.WriteString("// `tokio::task::spawn_blocking(move || handle_json(&*handler, &body))`\n")
	b.WriteString("// gives the response text (200, `application/json`), or None (204).\n")
	b.WriteString("\n")
	usesMap := false
	for _, m := range g.svc.Methods {
		if m.Result != nil && hasKind(m.Result, model.KindMap) {
			usesMap = true
		}
	}
	if usesMap {
		b.WriteString("use std::collections::BTreeMap;\n\n")
	}

	g.writeTrait(&b)
	b.WriteString("\n")
	b.WriteString(errorRuntime)
	if len(g.svc.Errors) > 0 {
		b.WriteString("\n")
		g.writeErrors(&b)
	}
	b.WriteString("\n")
	g.writeDispatch(&b)
	b.WriteString("\n/// The service's name in the schema.\n")
	fmt.Fprintf(&b, "pub const SERVICE_NAME: &str = %s;\n", rustString(g.svc.Name))
	b.WriteString("\n/// The conventional Unix socket of this service; `~` is the user's home.\n")
	b.WriteString("#[allow(dead_code)]\n")
	fmt.Fprintf(&b, "pub const DEFAULT_SOCKET_PATH: &str = %s;\n", rustString(socket))
	fmt.Fprintf(&b, "\n/// The OpenRPC document of %s: the result of `rpc.discover` and the\n", g.svc.Name)
	b.WriteString("/// body of `GET /openrpc.json`. It is the openrpc.json generated one\n")
	b.WriteString("/// directory up (the rust_server artifact brings the openrpc artifact).\n")
	b.WriteString("#[allow(dead_code)]\n")
	fmt.Fprintf(&b, "pub const OPENRPC_JSON: &str = include_str!(%q);\n\n", "../"+openrpc.FileName)
	b.WriteString(serverRuntime)
	return b.String()
}

func (g *gen) resultType(m *model.Method) string {
	if m.Result == nil {
		return "()"
	}
	return g.rustType(m.Result)
}

func (g *gen) writeTrait(b *strings.Builder) {
	writeDoc(b, "", g.svc.Doc)
	if g.svc.Doc != "" {
		b.WriteString("///\n")
	}
	fmt.Fprintf(b, "/// One method per RPC of %s. Fail a call with an [`RpcError`], for\n", g.svc.Name)
	b.WriteString("/// example one of the service's application errors.\n")
	b.WriteString("#[allow(dead_code)]\n")
	if len(g.svc.Methods) == 0 {
		fmt.Fprintf(b, "pub trait %s {}\n", g.handler)
		return
	}
	fmt.Fprintf(b, "pub trait %s {\n", g.handler)
	for i, m := range g.svc.Methods {
		if i > 0 {
			b.WriteString("\n")
		}
		writeDoc(b, "    ", m.Doc)
		fn := fnName(m.Name)
		ret := "Result<" + g.resultType(m) + ", RpcError>"
		var params []string
		params = append(params, "&self")
		if len(m.Params) > 0 {
			params = append(params, "input: "+inputName(m))
		}
		line := fmt.Sprintf("    fn %s(%s) -> %s;", fn, strings.Join(params, ", "), ret)
		if len(line) <= maxWidth {
			b.WriteString(line + "\n")
			continue
		}
		// rustfmt's layout when the signature does not fit on one line.
		fmt.Fprintf(b, "    fn %s(\n", fn)
		for _, p := range params {
			fmt.Fprintf(b, "        %s,\n", p)
		}
		fmt.Fprintf(b, "    ) -> %s;\n", ret)
	}
	b.WriteString("}\n")
}

func (g *gen) writeDispatch(b *strings.Builder) {
	fmt.Fprintf(b, "impl<H: %s + ?Sized> Dispatch for H {\n", g.handler)
	b.WriteString("    fn call(\n")
	b.WriteString("        &self,\n")
	b.WriteString("        method: &str,\n")
	b.WriteString("        params: Option<serde_json::Value>,\n")
	b.WriteString("    ) -> Result<serde_json::Value, RpcError> {\n")
	if len(g.svc.Methods) == 0 {
		// No match: clippy's match_single_binding rejects a lone `_ =>`.
		b.WriteString("        let _ = params;\n")
		b.WriteString("        Err(RpcError::method_not_found(method))\n")
		b.WriteString("    }\n")
		b.WriteString("}\n")
		return
	}
	b.WriteString("        match method {\n")
	for _, m := range g.svc.Methods {
		fmt.Fprintf(b, "            %s => {\n", rustString(m.Name))
		// Methods without params still reject params they do not take.
		binding, call := "_", "self."+fnName(m.Name)+"()"
		if len(m.Params) > 0 {
			binding, call = "input", "self."+fnName(m.Name)+"(input)"
		}
		let := fmt.Sprintf("                let %s: %s =", binding, inputName(m))
		decode := " decode_params(params)?;"
		if m.Positional || len(m.Params) == 0 {
			decode = " decode_positional(params)?;"
		}
		if len(let)+len(decode) <= maxWidth {
			b.WriteString(let + decode + "\n")
		} else {
			b.WriteString(let + "\n                   " + decode + "\n")
		}
		if resultNewtype(m) {
			fmt.Fprintf(b, "                let result = %s?;\n", call)
			fmt.Fprintf(b, "                encode_result(%s(result))\n", outputName(m))
		} else {
			fmt.Fprintf(b, "                encode_result(%s?)\n", call)
		}
		b.WriteString("            }\n")
	}
	b.WriteString("            _ => Err(RpcError::method_not_found(method)),\n")
	b.WriteString("        }\n")
	b.WriteString("    }\n")
	b.WriteString("}\n")
}

func (g *gen) writeErrors(b *strings.Builder) {
	fmt.Fprintf(b, "/// The application errors of %s.\n", g.svc.Name)
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString("impl RpcError {\n")
	for i, e := range g.svc.Errors {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "    /// The code of %s.\n", e.Name)
		fmt.Fprintf(b, "    pub const %s: i64 = %d;\n", errorConst(e), e.Code)
		b.WriteString("\n")
		if e.Doc != "" {
			writeDoc(b, "    ", e.Doc)
		} else {
			fmt.Fprintf(b, "    /// The application error %s.\n", e.Name)
		}
		fmt.Fprintf(b, "    pub fn %s() -> Self {\n", errorFn(e))
		args := fmt.Sprintf("Self::%s, %s", errorConst(e), rustString(errorMessage(e)))
		line := "        Self::new(" + args + ")"
		if len(line) <= maxWidth && len(args) <= fnCallWidth {
			b.WriteString(line + "\n")
		} else {
			b.WriteString("        Self::new(\n")
			fmt.Fprintf(b, "            Self::%s,\n", errorConst(e))
			fmt.Fprintf(b, "            %s,\n", rustString(errorMessage(e)))
			b.WriteString("        )\n")
		}
		b.WriteString("    }\n")
	}
	b.WriteString("}\n")
}
