// Package rust emits the Rust artifacts of a service: rust_types.rs (serde
// types of every decl plus the <Method>Input / <Method>Output of every
// method), rust_server.rs (a handler trait, RpcError, a JSON-RPC 2.0
// dispatcher and a std-only HTTP/1.1 server) and rust_client.rs (a
// blocking client: a typed method per RPC, ClientError, an enum of the
// application errors, std-only HTTP/1.1 over a Unix socket or TCP). They
// depend on nothing but serde (with the derive feature) and serde_json.
//
// None of the files has inner attributes or names another module, so each
// is compiled with include! (from OUT_DIR, say) or, for rust_types.rs, as a
// module file. rust_server.rs and rust_client.rs name the types
// unqualified, in a module that has them in scope:
//
//	pub mod rust_types {
//		include!(concat!(env!("OUT_DIR"), "/rust/rust_types.rs"));
//	}
//	pub mod rust_server {
//		#[allow(unused_imports)] // a service without methods uses no type
//		use super::rust_types::*;
//		include!(concat!(env!("OUT_DIR"), "/rust/rust_server.rs"));
//	}
//	pub mod rust_client {
//		#[allow(unused_imports)]
//		use super::rust_types::*;
//		include!(concat!(env!("OUT_DIR"), "/rust/rust_client.rs"));
//	}
//
// rust_server.rs embeds the OpenRPC document with
// include_str!("../openrpc.json"): the files sit in rust/ of a directory
// of generated files (artifacts.Layout) with openrpc.json at its top, and
// the path is relative to rust_server.rs even when include! pulls it in.
//
// Items a crate may leave unused carry #[allow(dead_code)] one by one.
//
// Decisions:
//   - Output: `pub type <Method>Output = <result type>;` (`()` for a method
//     without result, which serializes as JSON null). Handler methods
//     return the result type itself.
//   - Handler methods take `input: <Method>Input`; a method without params
//     takes no argument (its empty Input struct still exists for clients).
//   - Input structs deny unknown fields, so a misspelt param is -32602
//     rather than silently ignored. Records accept unknown fields, so a
//     newer peer's added fields do not break an older one.
//   - A record that holds a record which reaches it again without a list
//     or map in between gets that field boxed (`Option<Box<Step>>`).
//   - Records derive Eq too when no field holds a float.
//   - otime stays a String (no date crate), but every field, param and
//     result holding one (de)serializes through the runtime module
//     oschema_time, a hand-written check of the otime rule
//     (openrpc.DateTimePattern): decoding a value that breaks it fails,
//     so the server answers -32602, and encoding one fails, so it never
//     sends one (-32603). Like a result with bytes inside, a result with
//     otimes inside gets a newtype <Method>Output to carry the module;
//     handler methods still return the plain type.
//   - The HTTP server is thread-per-connection with keep-alive; request
//     bodies come with Content-Length or chunked (anything else is 400,
//     413 or 501, never a hang), and connections idle for IDLE_TIMEOUT
//     close, so a vanished peer cannot hold a thread forever.
//   - The output builds with Rust 1.63 (Debian bookworm's rustc, with its
//     serde packages) and newer; the cargo test builds it with both.
package rust

import (
	_ "embed" // the static Rust runtime
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
)

// File names of the two artifacts.
const (
	TypesFile  = "rust_types.rs"
	ServerFile = "rust_server.rs"
)

//go:embed runtime/base64.rs
var base64Runtime string

//go:embed runtime/otime.rs
var otimeRuntime string

//go:embed runtime/error.rs
var errorRuntime string

//go:embed runtime/server.rs
var serverRuntime string

// maxWidth is rustfmt's default max_width; the emitter wraps the few
// constructs that can get longer the way rustfmt would.
const maxWidth = 100

// fnCallWidth is rustfmt's default fn_call_width: longer argument lists
// go one per line.
const fnCallWidth = 60

// reservedTypeNames are names a decl cannot take as is in Rust output: the
// prelude types the generated code uses unqualified, the names both files
// import, and the items rust_server.rs defines (they would shadow the glob
// import of the types).
var reservedTypeNames = map[string]bool{
	"Option": true, "Some": true, "None": true, "Result": true, "Ok": true, "Err": true,
	"Vec": true, "String": true, "Box": true, "Clone": true, "Copy": true, "Debug": true,
	"PartialEq": true, "Eq": true, "Hash": true, "PartialOrd": true, "Ord": true,
	"Default": true, "Send": true, "Sync": true, "Sized": true, "Into": true, "From": true,
	"Serialize": true, "Deserialize": true, "BTreeMap": true,
	"RpcError": true, "Dispatch": true, "HttpRequest": true, "HttpResponse": true, "ReadError": true,
	"Connection": true,
}

// gen holds the Rust names of one service's model, checked for
// collisions up front so emitting cannot fail half way.
type gen struct {
	s   *model.Schema
	svc *model.Service

	typeNames map[*model.Decl]string
	eq        map[*model.Decl]bool
	handler   string // the handler trait
}

func newGen(s *model.Schema, svc *model.Service) (*gen, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("rust: no schema or service given")
	}
	g := &gen{s: s, svc: svc, typeNames: map[*model.Decl]string{}}
	g.handler = names.Pascal(svc.Name) + "Handler"
	if names.Pascal(svc.Name) == "" {
		return nil, fmt.Errorf("rust: service %q: cannot derive a Rust name", svc.Name)
	}

	// Every type-level name in the Rust output, to find collisions.
	owner := map[string]string{g.handler: fmt.Sprintf("the handler trait of service %s", svc.Name)}
	claim := func(name, what string) error {
		if prev, ok := owner[name]; ok {
			return fmt.Errorf("rust: %s and %s both become the Rust type %s; rename one", prev, what, name)
		}
		owner[name] = what
		return nil
	}
	for _, d := range s.Decls {
		n := names.Escape(names.Rust, names.Pascal(d.Name))
		if !isIdent(strings.TrimPrefix(n, "r#")) {
			return nil, fmt.Errorf("rust: decl %q: cannot derive a Rust type name", d.Name)
		}
		// A decl named like a prelude type or an item of the generated
		// code (Result, Option, String, ...) gets a trailing underscore.
		n = names.EscapeTaken(n, func(n string) bool { return reservedTypeNames[n] })
		if err := claim(n, "decl "+d.Name); err != nil {
			return nil, err
		}
		g.typeNames[d] = n
		if err := checkMembers(d); err != nil {
			return nil, err
		}
	}
	fns := map[string]string{}
	for _, m := range svc.Methods {
		if strings.HasPrefix(m.Name, "rpc.") {
			return nil, fmt.Errorf("rust: method %q: names starting with \"rpc.\" are reserved by JSON-RPC", m.Name)
		}
		fn := fnName(m.Name)
		if !isIdent(strings.TrimPrefix(fn, "r#")) {
			return nil, fmt.Errorf("rust: method %q: cannot derive a Rust function name", m.Name)
		}
		if prev, ok := fns[fn]; ok {
			return nil, fmt.Errorf("rust: methods %q and %q both become the Rust function %s; rename one", prev, m.Name, fn)
		}
		fns[fn] = m.Name
		if err := claim(inputName(m), "the params of method "+m.Name); err != nil {
			return nil, err
		}
		if err := claim(outputName(m), "the result of method "+m.Name); err != nil {
			return nil, err
		}
		if err := checkFields("method "+m.Name, "param", m.Params); err != nil {
			return nil, err
		}
	}
	consts, ctors := map[string]string{}, map[string]string{}
	for _, e := range svc.Errors {
		c, f := errorConst(e), errorFn(e)
		if prev, ok := consts[c]; ok {
			return nil, fmt.Errorf("rust: error %s: its constant RpcError::%s is taken%s; rename it", e.Name, c, by(prev))
		}
		if prev, ok := ctors[f]; ok {
			return nil, fmt.Errorf("rust: error %s: its constructor RpcError::%s is taken%s; rename it", e.Name, f, by(prev))
		}
		consts[c], ctors[f] = e.Name, e.Name
	}
	g.eq = eqDecls(s.Decls)
	return g, nil
}

func by(prev string) string {
	if prev == "" {
		return " by a built-in"
	}
	return " by error " + prev
}

func checkMembers(d *model.Decl) error {
	switch d.Kind {
	case model.DeclRecord:
		return checkFields("decl "+d.Name, "field", d.Fields)
	case model.DeclEnum:
		seen := map[string]string{}
		for _, v := range d.Values {
			n := variantName(v.Value)
			if prev, ok := seen[n]; ok {
				return fmt.Errorf("rust: enum %s: values %q and %q both become the variant %s", d.Name, prev, v.Value, n)
			}
			seen[n] = v.Value
		}
		return nil
	}
	return fmt.Errorf("rust: decl %s has an unknown kind", d.Name)
}

func checkFields(where, what string, fields []*model.Field) error {
	seen := map[string]string{}
	for _, f := range fields {
		n := fieldName(f.Name)
		if !isIdent(strings.TrimPrefix(n, "r#")) {
			return fmt.Errorf("rust: %s: %s %q: cannot derive a Rust field name", where, what, f.Name)
		}
		if prev, ok := seen[n]; ok {
			return fmt.Errorf("rust: %s: %ss %q and %q both become the Rust field %s", where, what, prev, f.Name, n)
		}
		seen[n] = f.Name
		if f.Type == nil {
			return fmt.Errorf("rust: %s: %s %q has no type", where, what, f.Name)
		}
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

func fieldName(wire string) string { return names.Escape(names.Rust, names.Snake(wire)) }
func fnName(wire string) string    { return names.Escape(names.Rust, names.Snake(wire)) }
func inputName(m *model.Method) string {
	return names.Pascal(m.Name) + "Input"
}
func outputName(m *model.Method) string {
	return names.Pascal(m.Name) + "Output"
}

// The associated constants and functions of the runtime's RpcError. An
// application error named like one (InvalidParams) gets a trailing
// underscore: RpcError::INVALID_PARAMS_, RpcError::invalid_params_().
var (
	runtimeErrorConsts = map[string]bool{"PARSE_ERROR": true, "INVALID_REQUEST": true, "METHOD_NOT_FOUND": true, "INVALID_PARAMS": true, "INTERNAL_ERROR": true}
	runtimeErrorFns    = map[string]bool{"new": true, "with_data": true, "with_message": true, "parse_error": true, "invalid_request": true,
		"method_not_found": true, "invalid_params": true, "internal_error": true, "to_json": true}
)

func errorConst(e *model.ErrorDef) string {
	return names.EscapeTaken(names.ScreamingSnake(e.Name), func(n string) bool { return runtimeErrorConsts[n] })
}
func errorFn(e *model.ErrorDef) string {
	return names.EscapeTaken(names.Escape(names.Rust, names.Snake(e.Name)), func(n string) bool { return runtimeErrorFns[n] })
}

// variantName is the enum variant of a wire value: Pascal, prefixed with
// "V" when that does not start a Rust identifier ("2d" -> V2d).
func variantName(value string) string {
	n := names.Pascal(value)
	if !isIdent(n) {
		var b strings.Builder
		for _, r := range n {
			if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			}
		}
		n = b.String()
	}
	if n == "" || (n[0] >= '0' && n[0] <= '9') {
		n = "V" + n
	}
	return names.Escape(names.Rust, n)
}

// errorMessage is the message of an application error: the first line of
// its doc, else its name.
func errorMessage(e *model.ErrorDef) string {
	if line := strings.TrimSpace(strings.SplitN(e.Doc, "\n", 2)[0]); line != "" {
		return line
	}
	return e.Name
}

// rustType renders t. boxed wraps a named type in Box (recursion).
func (g *gen) rustType(t *model.TypeRef) string {
	switch t.Kind {
	case model.KindStr, model.KindOtime:
		return "String"
	case model.KindBool:
		return "bool"
	case model.KindI32:
		return "i32"
	case model.KindI64:
		return "i64"
	case model.KindU32:
		return "u32"
	case model.KindU64:
		return "u64"
	case model.KindF32:
		return "f32"
	case model.KindF64:
		return "f64"
	case model.KindBytes:
		return "Vec<u8>"
	case model.KindAny:
		return "serde_json::Value"
	case model.KindList:
		return "Vec<" + g.rustType(t.Elem) + ">"
	case model.KindMap:
		return "BTreeMap<String, " + g.rustType(t.Elem) + ">"
	case model.KindNamed:
		return g.typeNames[t.Decl]
	}
	return "()"
}

func hasKind(t *model.TypeRef, k model.Kind) bool {
	found := false
	t.Walk(func(r *model.TypeRef) {
		if r.Kind == k {
			found = true
		}
	})
	return found
}

// eqDecls finds the records that can derive Eq: no float anywhere inside,
// directly or through other records. Enums always can.
func eqDecls(decls []*model.Decl) map[*model.Decl]bool {
	eq := map[*model.Decl]bool{}
	for _, d := range decls {
		eq[d] = true
	}
	typeEq := func(t *model.TypeRef) bool {
		ok := true
		t.Walk(func(r *model.TypeRef) {
			switch r.Kind {
			case model.KindF32, model.KindF64:
				ok = false
			case model.KindNamed:
				if !eq[r.Decl] {
					ok = false
				}
			}
		})
		return ok
	}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			if !eq[d] {
				continue
			}
			for _, f := range d.Fields {
				if !typeEq(f.Type) {
					eq[d] = false
					changed = true
					break
				}
			}
		}
	}
	return eq
}

// needsBox reports whether a field of record owner with type t must be
// boxed: t names a record that reaches owner again through fields that are
// not lists or maps (which already give indirection).
func needsBox(owner *model.Decl, t *model.TypeRef) bool {
	if t.Kind != model.KindNamed || t.Decl.Kind != model.DeclRecord {
		return false
	}
	seen := map[*model.Decl]bool{}
	var reaches func(d *model.Decl) bool
	reaches = func(d *model.Decl) bool {
		if d == owner {
			return true
		}
		if seen[d] {
			return false
		}
		seen[d] = true
		for _, f := range d.Fields {
			if f.Type.Kind == model.KindNamed && f.Type.Decl.Kind == model.DeclRecord && reaches(f.Type.Decl) {
				return true
			}
		}
		return false
	}
	return reaches(t.Decl)
}

// writeDoc writes doc as /// lines at indent.
func writeDoc(b *strings.Builder, indent, doc string) {
	if doc == "" {
		return
	}
	inFence := false
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, " \t\r")
		// rustdoc runs untagged code blocks as doctests; schema docs are
		// prose, so their code blocks are text.
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			if !inFence && strings.TrimSpace(line) == "```" {
				line += "text"
			}
			inFence = !inFence
		}
		if line == "" {
			b.WriteString(indent + "///\n")
		} else {
			b.WriteString(indent + "/// " + line + "\n")
		}
	}
}

// rustString renders s as a Rust string literal.
func rustString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// rawString renders s as a Rust raw string literal with enough hashes.
func rawString(s string) string {
	hashes := 1
	for strings.Contains(s, "\""+strings.Repeat("#", hashes)) {
		hashes++
	}
	h := strings.Repeat("#", hashes)
	return "r" + h + "\"" + s + "\"" + h
}
