package rust

import (
	_ "embed" // the static Rust runtime
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
)

// ClientFile is the file name of the client artifact.
const ClientFile = "rust_client.rs"

//go:embed runtime/client.rs
var clientRuntime string

// clientItems are the names rust_client.rs defines next to the types (it
// is compiled in the module that holds them, or sees them by a glob
// import): a decl may not take one.
var clientItems = map[string]bool{"ClientError": true, "ErrorObject": true, "oschema_client": true}

// clientMethods are the inherent methods of the client besides the
// service's; a schema method named like one gets a trailing underscore.
var clientMethods = map[string]bool{
	"unix": true, "default_socket": true, "http": true, "connect": true, "with_timeout": true,
	"with_max_response_bytes": true, "with_header": true, "with_bearer_token": true,
	"timeout": true, "max_response_bytes": true, "discover": true, "clone": true, "fmt": true,
}

// GenerateClient returns rust_client.rs: a blocking JSON-RPC 2.0 client
// of svc (std and serde_json only) with a typed method per RPC, over a
// Unix socket or HTTP, using the types of rust_types.rs. The file has no
// inner attributes and no paths to other modules, so it can be compiled
// with include! wherever the types are in scope.
func GenerateClient(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	g, err := newGen(s, svc)
	if err != nil {
		return nil, err
	}
	c := &clientGen{gen: g, client: names.Pascal(svc.Name) + "Client", errors: names.Pascal(svc.Name) + "Error"}
	for _, d := range s.Decls {
		n := g.typeNames[d]
		if clientItems[n] || n == c.client || n == c.errors {
			return nil, fmt.Errorf("rust: decl %s becomes the Rust type %s, which the client of service %s defines; rename it", d.Name, n, svc.Name)
		}
	}
	seen := map[string]string{}
	for _, e := range svc.Errors {
		v := errorVariant(e)
		if !isIdent(strings.TrimPrefix(v, "r#")) {
			return nil, fmt.Errorf("rust: error %q: cannot derive a Rust variant name", e.Name)
		}
		if prev, ok := seen[v]; ok {
			return nil, fmt.Errorf("rust: errors %s and %s both become the variant %s::%s; rename one", prev, e.Name, c.errors, v)
		}
		seen[v] = e.Name
	}
	return []emit.File{{Name: ClientFile, Content: []byte(c.file(opts.DefaultSocketPath(s)))}}, nil
}

type clientGen struct {
	*gen
	client string // the client struct
	errors string // the enum of application errors
}

func errorVariant(e *model.ErrorDef) string { return names.Escape(names.Rust, names.Pascal(e.Name)) }

// clientFn is the client method of m: its handler name unless the client
// has a method of that name already.
func clientFn(m *model.Method) string {
	return names.EscapeTaken(fnName(m.Name), func(n string) bool { return clientMethods[n] })
}

func (c *clientGen) file(socket string) string {
	var b strings.Builder
	b.WriteString(emit.Header("//", c.s, c.svc))
	b.WriteString("\n")
	fmt.Fprintf(&b, "// Blocking JSON-RPC 2.0 client of service %s %s (schema %s): HTTP/1.1\n", c.svc.Name, c.svc.Version, c.s.Name)
	b.WriteString("// POST on a Unix socket or to an http:// URL, with std and serde_json only.\n")
	b.WriteString("//\n")
	b.WriteString("// The client names the types of rust_types.rs unqualified, so compile it\n")
	b.WriteString("// where they are in scope, e.g. next to `mod rust_types;`:\n")
	b.WriteString("//\n")
	b.WriteString("//     pub mod rust_client {\n")
	b.WriteString("//         use super::rust_types::*;\n")
	b.WriteString("//         include!(\"rust_client.rs\"); // or concat!(env!(\"OUT_DIR\"), \"/rust/rust_client.rs\")\n")
	b.WriteString("//     }\n")
	b.WriteString("//\n")
	b.WriteString("// The file has no inner attributes and names no other module, so include!\n")
	b.WriteString("// works wherever the types are in scope. Then:\n")
	b.WriteString("//\n")
	fmt.Fprintf(&b, "//     let client = %s::unix(%s::DEFAULT_SOCKET_PATH)\n", c.client, c.client)
	b.WriteString("//         .with_timeout(std::time::Duration::from_secs(5));\n")
	b.WriteString("//\n")
	fmt.Fprintf(&b, "// %s::http(\"http://host:port/rpc\") calls over TCP, with_bearer_token\n", c.client)
	b.WriteString("// and with_header add headers, and `client.with_timeout(d).method(..)`\n")
	b.WriteString("// gives one call another timeout. Errors are ClientError; match the\n")
	fmt.Fprintf(&b, "// service's application errors with `err.app_error() == Some(%s::..)`.\n", c.errors)
	b.WriteString("\n")
	b.WriteString("#[allow(unused_imports)]\n")
	b.WriteString("pub use oschema_client::{ClientError, ErrorObject};\n\n")
	c.writeErrorEnum(&b)
	b.WriteString("\n")
	c.writeClient(&b, socket)
	b.WriteString("\n")
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString(clientRuntime)
	return b.String()
}

func (c *clientGen) writeErrorEnum(b *strings.Builder) {
	fmt.Fprintf(b, "/// The application errors of %s, as a failed call reports them: see\n", c.svc.Name)
	b.WriteString("/// [`ClientError::app_error`].\n")
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n")
	errs := c.svc.Errors
	if len(errs) == 0 {
		fmt.Fprintf(b, "pub enum %s {}\n", c.errors)
	} else {
		fmt.Fprintf(b, "pub enum %s {\n", c.errors)
		for _, e := range errs {
			if e.Doc != "" {
				writeDoc(b, "    ", e.Doc)
				b.WriteString("    ///\n")
			}
			fmt.Fprintf(b, "    /// Code %d.\n", e.Code)
			fmt.Fprintf(b, "    %s,\n", errorVariant(e))
		}
		b.WriteString("}\n")
	}
	b.WriteString("\n#[allow(dead_code)]\n")
	fmt.Fprintf(b, "impl %s {\n", c.errors)
	b.WriteString("    /// The application error with this JSON-RPC error code, if any.\n")
	b.WriteString("    pub fn from_code(code: i64) -> Option<Self> {\n")
	if len(errs) == 0 {
		b.WriteString("        let _ = code;\n")
		b.WriteString("        None\n")
	} else {
		b.WriteString("        match code {\n")
		for _, e := range errs {
			fmt.Fprintf(b, "            %d => Some(Self::%s),\n", e.Code, errorVariant(e))
		}
		b.WriteString("            _ => None,\n")
		b.WriteString("        }\n")
	}
	b.WriteString("    }\n\n")
	b.WriteString("    /// The JSON-RPC error code.\n")
	b.WriteString("    pub fn code(self) -> i64 {\n")
	c.writeErrorMatch(b, func(e *model.ErrorDef) string { return fmt.Sprint(e.Code) })
	b.WriteString("    }\n\n")
	b.WriteString("    /// The name of the error in the schema.\n")
	b.WriteString("    pub fn name(self) -> &'static str {\n")
	c.writeErrorMatch(b, func(e *model.ErrorDef) string { return rustString(e.Name) })
	b.WriteString("    }\n")
	b.WriteString("}\n\n")
	fmt.Fprintf(b, "impl std::fmt::Display for %s {\n", c.errors)
	b.WriteString("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n")
	b.WriteString("        f.write_str(self.name())\n")
	b.WriteString("    }\n")
	b.WriteString("}\n\n")
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString("impl ClientError {\n")
	fmt.Fprintf(b, "    /// The application error of %s the server answered with, if any.\n", c.svc.Name)
	fmt.Fprintf(b, "    pub fn app_error(&self) -> Option<%s> {\n", c.errors)
	fmt.Fprintf(b, "        %s::from_code(self.code()?)\n", c.errors)
	b.WriteString("    }\n")
	b.WriteString("}\n")
}

func (c *clientGen) writeErrorMatch(b *strings.Builder, value func(*model.ErrorDef) string) {
	if len(c.svc.Errors) == 0 {
		b.WriteString("        match self {}\n")
		return
	}
	b.WriteString("        match self {\n")
	for _, e := range c.svc.Errors {
		fmt.Fprintf(b, "            Self::%s => %s,\n", errorVariant(e), value(e))
	}
	b.WriteString("        }\n")
}

// clientAPI is the service-independent part of the client's impl; @CLIENT@
// is the client's name.
const clientAPI = `    /// How long a call may take in all (connecting, sending, reading)
    /// unless told otherwise: 30 s.
    pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

    /// The longest reply body a call reads unless told otherwise: 64 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

    /// A client of the service on the Unix socket at ` + "`path`" + ` (a leading
    /// ` + "`~/`" + ` is ` + "`$HOME`" + `). Nothing is sent before the first call; each call
    /// opens a connection of its own.
    #[cfg(unix)]
    pub fn unix(path: impl AsRef<std::path::Path>) -> Self {
        let core = oschema_client::Core::unix(
            path.as_ref(),
            Self::DEFAULT_TIMEOUT,
            Self::DEFAULT_MAX_RESPONSE_BYTES,
        );
        @CLIENT@ { core }
    }

    /// A client of the service on its conventional socket,
    /// [` + "`Self::DEFAULT_SOCKET_PATH`" + `].
    #[cfg(unix)]
    pub fn default_socket() -> Self {
        Self::unix(Self::DEFAULT_SOCKET_PATH)
    }

    /// A client that POSTs to an ` + "`http://host[:port][/path]`" + ` URL (no path means
    /// ` + "`/rpc`" + `). There is no TLS: https URLs are refused.
    pub fn http(url: &str) -> Result<Self, ClientError> {
        let core = oschema_client::Core::http(
            url,
            Self::DEFAULT_TIMEOUT,
            Self::DEFAULT_MAX_RESPONSE_BYTES,
        )?;
        Ok(@CLIENT@ { core })
    }

    /// A client of an endpoint as configuration writes it: ` + "`unix:<socket>`" + `
    /// (or ` + "`unix://<socket>`" + `) or an ` + "`http://`" + ` URL.
    pub fn connect(endpoint: &str) -> Result<Self, ClientError> {
        let core = oschema_client::Core::connect(
            endpoint,
            Self::DEFAULT_TIMEOUT,
            Self::DEFAULT_MAX_RESPONSE_BYTES,
        )?;
        Ok(@CLIENT@ { core })
    }

    /// A copy of the client whose calls each end within ` + "`timeout`" + `, connecting,
    /// sending and reading included (` + "`Duration::MAX`" + `: no limit). For one call:
    /// ` + "`client.with_timeout(d).method(..)`" + `.
    #[must_use]
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Self {
        let core = self.core.with_timeout(timeout);
        @CLIENT@ { core }
    }

    /// A copy of the client that reads reply bodies of at most ` + "`limit`" + ` bytes;
    /// a longer one fails the call with [` + "`ClientError::ResponseTooLarge`" + `].
    #[must_use]
    pub fn with_max_response_bytes(&self, limit: usize) -> Self {
        let core = self.core.with_max_response_bytes(limit);
        @CLIENT@ { core }
    }

    /// A copy of the client that sends this header with every request.
    #[must_use]
    pub fn with_header(&self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let core = self.core.with_header(name.into(), value.into());
        @CLIENT@ { core }
    }

    /// A copy of the client that sends ` + "`Authorization: Bearer <token>`" + `.
    #[must_use]
    pub fn with_bearer_token(&self, token: impl std::fmt::Display) -> Self {
        self.with_header("Authorization", format!("Bearer {token}"))
    }

    /// The timeout of each call.
    pub fn timeout(&self) -> std::time::Duration {
        self.core.timeout()
    }

    /// The longest reply body a call reads.
    pub fn max_response_bytes(&self) -> usize {
        self.core.max_response_bytes()
    }

    /// The service's OpenRPC document (` + "`rpc.discover`" + `).
    pub fn discover(&self) -> Result<serde_json::Value, ClientError> {
        oschema_client::Core::call(&self.core, "rpc.discover", &serde_json::Map::new())
    }
`

func (c *clientGen) writeClient(b *strings.Builder, socket string) {
	writeDoc(b, "", c.svc.Doc)
	if c.svc.Doc != "" {
		b.WriteString("///\n")
	}
	fmt.Fprintf(b, "/// A blocking client of %s %s: one method per RPC. Clones are cheap\n", c.svc.Name, c.svc.Version)
	b.WriteString("/// and share nothing but the endpoint; a client is Send and Sync.\n")
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString("#[derive(Clone, Debug)]\n")
	fmt.Fprintf(b, "pub struct %s {\n", c.client)
	b.WriteString("    core: oschema_client::Core,\n")
	b.WriteString("}\n\n")
	b.WriteString("#[allow(dead_code)]\n")
	fmt.Fprintf(b, "impl %s {\n", c.client)
	b.WriteString("    /// The conventional Unix socket of the service; `~/` is `$HOME`.\n")
	fmt.Fprintf(b, "    pub const DEFAULT_SOCKET_PATH: &'static str = %s;\n\n", rustString(socket))
	b.WriteString(strings.ReplaceAll(clientAPI, "@CLIENT@", c.client))
	for _, m := range c.svc.Methods {
		b.WriteString("\n")
		c.writeMethod(b, m)
	}
	b.WriteString("}\n")
}

// clientType renders t like rustType, with std paths for the names the
// types module imports (the client cannot import them).
func (c *clientGen) clientType(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindList:
		return "Vec<" + c.clientType(t.Elem) + ">"
	case model.KindMap:
		return "std::collections::BTreeMap<String, " + c.clientType(t.Elem) + ">"
	}
	return c.rustType(t)
}

// intoString reports whether a param is taken as `impl Into<String>`.
func intoString(p *model.Field) bool {
	return !p.Optional && (p.Type.Kind == model.KindStr || p.Type.Kind == model.KindOtime)
}

func (c *clientGen) writeMethod(b *strings.Builder, m *model.Method) {
	if m.Doc != "" {
		writeDoc(b, "    ", m.Doc)
		b.WriteString("    ///\n")
	}
	fmt.Fprintf(b, "    /// Calls `%s`.\n", m.Name)
	params := []string{"&self"}
	var fields []string
	for _, p := range m.Params {
		arg := fieldName(p.Name)
		typ := c.clientType(p.Type)
		switch {
		case intoString(p):
			typ = "impl Into<String>"
			fields = append(fields, arg+": "+arg+".into()")
		default:
			if p.Optional {
				typ = "Option<" + typ + ">"
			}
			fields = append(fields, arg)
		}
		params = append(params, arg+": "+typ)
	}
	result := "()"
	if m.Result != nil {
		result = c.clientType(m.Result)
	}
	ret := "Result<" + result + ", ClientError>"
	fn := clientFn(m)
	if len(params) > 7 {
		b.WriteString("    #[allow(clippy::too_many_arguments)]\n")
	}
	line := fmt.Sprintf("    pub fn %s(%s) -> %s {", fn, strings.Join(params, ", "), ret)
	if len(line) <= maxWidth {
		b.WriteString(line + "\n")
	} else {
		fmt.Fprintf(b, "    pub fn %s(\n", fn)
		for _, p := range params {
			fmt.Fprintf(b, "        %s,\n", p)
		}
		fmt.Fprintf(b, "    ) -> %s {\n", ret)
	}

	// The params, by name: the Input struct of rust_types.rs.
	body := strings.Join(fields, ", ")
	lit := inputName(m) + " {}"
	if body != "" {
		lit = inputName(m) + " { " + body + " }"
	}
	if prefix := "        let params = "; len(body) <= structLitWidth && len(prefix+lit+";") <= maxWidth {
		b.WriteString(prefix + lit + ";\n")
	} else {
		fmt.Fprintf(b, "        let params = %s {\n", inputName(m))
		for _, f := range fields {
			fmt.Fprintf(b, "            %s,\n", f)
		}
		b.WriteString("        };\n")
	}

	if m.Positional {
		c.writePositional(b, m)
	}

	callee := "oschema_client::Core::call"
	switch {
	case m.Result == nil:
		callee = "oschema_client::Core::call_unit"
	case resultNewtype(m):
		// The Output newtype decodes the base64 inside.
		callee = "oschema_client::Core::call::<_, " + outputName(m) + ">"
	}
	args := []string{"&self.core", rustString(m.Name), "&params"}
	call := callee + "(" + strings.Join(args, ", ") + ")"
	if resultNewtype(m) {
		call += "?"
	}
	indent := "        "
	if resultNewtype(m) {
		indent = "        let output = "
	}
	fits := len(strings.Join(args, ", ")) <= fnCallWidth
	switch {
	case fits && len(indent+call) <= maxWidth-1:
		b.WriteString(indent + call)
	case fits && resultNewtype(m) && len("            "+call) <= maxWidth-1:
		// rustfmt breaks after the = when the call then fits.
		b.WriteString("        let output =\n            " + call)
	default:
		b.WriteString(indent + callee + "(\n")
		for _, a := range args {
			fmt.Fprintf(b, "            %s,\n", a)
		}
		b.WriteString("        )")
		if resultNewtype(m) {
			b.WriteString("?")
		}
	}
	if resultNewtype(m) {
		b.WriteString(";\n        Ok(output.0)\n")
	} else {
		b.WriteString("\n")
	}
	b.WriteString("    }\n")
}

// writePositional turns the params of a @positional method into the
// array it sends: the wire names in order (a local const, laid out as
// rustfmt lays out an array of string literals) and the runtime's
// by_position.
func (c *clientGen) writePositional(b *strings.Builder, m *model.Method) {
	required := m.PositionalMin()
	items := make([]string, len(m.Params))
	for i, p := range m.Params {
		items[i] = rustString(p.Name)
	}
	rustArray(b, "        ", "const NAMES: &[&str] = &[", items, "];")
	args := rustString(m.Name) + ", &params, NAMES, " + fmt.Sprint(required)
	call := "oschema_client::by_position(" + args + ")?;"
	switch {
	case len(args) <= fnCallWidth && len("        let params = "+call) <= maxWidth:
		b.WriteString("        let params = " + call + "\n")
	case len(args) <= fnCallWidth && len("            "+call) <= maxWidth:
		b.WriteString("        let params =\n            " + call + "\n")
	default:
		b.WriteString("        let params = oschema_client::by_position(\n")
		for _, a := range []string{rustString(m.Name), "&params", "NAMES", fmt.Sprint(required)} {
			b.WriteString("            " + a + ",\n")
		}
		b.WriteString("        )?;\n")
	}
}

// rustArray writes `head items tail` (head ends with "[", tail starts
// with "]") as rustfmt lays out an array of string literals: on one line
// when it fits, else several per line when every item is short, else one
// per line.
func rustArray(b *strings.Builder, indent, head string, items []string, tail string) {
	if flat := indent + head + strings.Join(items, ", ") + tail; len(flat) <= maxWidth {
		b.WriteString(flat + "\n")
		return
	}
	b.WriteString(indent + head + "\n")
	inner := indent + "    "
	short := true
	for _, it := range items {
		short = short && len(it) <= shortArrayElementWidth
	}
	if short {
		// rustfmt's mixed layout: as many per line as fit.
		line := ""
		for _, it := range items {
			if line != "" && len(inner)+len(line)+1+len(it)+1 > maxWidth {
				b.WriteString(inner + line + "\n")
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += it + ","
		}
		b.WriteString(inner + line + "\n")
	} else {
		for _, it := range items {
			b.WriteString(inner + it + ",\n")
		}
	}
	b.WriteString(indent + tail + "\n")
}

// shortArrayElementWidth is rustfmt's short_array_element_width_threshold:
// an array whose elements are all this short is laid out mixed, several
// per line.
const shortArrayElementWidth = 10

// structLitWidth is rustfmt's default struct_lit_width: a struct literal
// whose fields are longer goes one field per line.
const structLitWidth = 18
