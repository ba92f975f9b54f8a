package rust

import (
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// GenerateTypes returns rust_types.rs: a serde type for every decl of the
// schema and the <Method>Input / <Method>Output of every method of svc.
func GenerateTypes(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	g, err := newGen(s, svc)
	if err != nil {
		return nil, err
	}
	return []emit.File{{Name: TypesFile, Content: []byte(g.types())}}, nil
}

func (g *gen) types() string {
	var b strings.Builder
	b.WriteString(emit.Header("//", g.s, g.svc))
	b.WriteString("\n")
	fmt.Fprintf(&b, "// Types of service %s (schema %s).\n", g.svc.Name, g.s.Name)
	b.WriteString("//\n")
	b.WriteString("// The schema's records and enums, and the `<Method>Input` (params, by\n")
	b.WriteString("// name) and `<Method>Output` (result) of every method, for serde_json.\n")
	b.WriteString("// `otime` values are RFC 3339 strings, checked against the otime rule\n")
	b.WriteString("// (`oschema_time`) both ways; `bytes` are standard base64.\n")
	b.WriteString("//\n")
	b.WriteString("// The file has no inner attributes and names no other module, so it is a\n")
	b.WriteString("// module file (`pub mod rust_types;`) or is included, e.g. from OUT_DIR:\n")
	b.WriteString("//\n")
	b.WriteString("//     pub mod rust_types {\n")
	b.WriteString("//         include!(concat!(env!(\"OUT_DIR\"), \"/rust/rust_types.rs\"));\n")
	b.WriteString("//     }\n")

	usesMap, usesBytes, usesTime := false, false, false
	for _, t := range g.allFieldTypes() {
		usesMap = usesMap || hasKind(t, model.KindMap)
		usesBytes = usesBytes || hasKind(t, model.KindBytes)
		usesTime = usesTime || hasKind(t, model.KindOtime)
	}
	if len(g.s.Decls) > 0 || len(g.svc.Methods) > 0 {
		b.WriteString("\nuse serde::{Deserialize, Serialize};\n")
	}
	if usesMap {
		b.WriteString("use std::collections::BTreeMap;\n")
	}

	for _, d := range g.s.Decls {
		b.WriteString("\n")
		if d.Kind == model.DeclEnum {
			g.writeEnum(&b, d)
		} else {
			g.writeRecord(&b, d)
		}
	}
	for _, m := range g.svc.Methods {
		b.WriteString("\n")
		g.writeMethodTypes(&b, m)
	}
	if usesBytes {
		b.WriteString("\n")
		b.WriteString(base64Runtime)
	}
	if usesTime {
		b.WriteString("\n")
		b.WriteString(otimeRuntime)
	}
	b.WriteString("\n")
	b.WriteString(strictRuntime)
	return b.String()
}

// allFieldTypes lists the types of every record field, param and result.
func (g *gen) allFieldTypes() []*model.TypeRef {
	var out []*model.TypeRef
	for _, d := range g.s.Decls {
		for _, f := range d.Fields {
			out = append(out, f.Type)
		}
	}
	for _, m := range g.svc.Methods {
		for _, p := range m.Params {
			out = append(out, p.Type)
		}
		if m.Result != nil {
			out = append(out, m.Result)
		}
	}
	return out
}

// writeEnum writes an enum with a variant per value and one for a value
// this version does not know, which decoding keeps (a newer server's
// value reaches an older client) unless oschema_strict refuses it (the
// server decoding params); serde by hand, as the wire form is the string.
func (g *gen) writeEnum(b *strings.Builder, d *model.Decl) {
	name := g.typeNames[d]
	unknown := unknownVariant(d)
	writeDoc(b, "", d.Doc)
	if d.Doc != "" {
		b.WriteString("///\n")
	}
	fmt.Fprintf(b, "/// A value this version of the schema does not know is `%s` in\n", unknown)
	b.WriteString("/// replies (a newer server may send one); servers refuse it in params.\n")
	b.WriteString("#[allow(dead_code)]\n")
	b.WriteString("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]\n")
	if variantRepeatsEnum(name, d) || strings.HasPrefix(unknown, strings.TrimRight(name, "_")) || strings.HasSuffix(unknown, strings.TrimRight(name, "_")) {
		// The variants are the wire values: a value "Kind" of enum Kind is
		// not a naming mistake to fix here.
		b.WriteString("#[allow(clippy::enum_variant_names)]\n")
	}
	fmt.Fprintf(b, "pub enum %s {\n", name)
	for _, v := range d.Values {
		writeDoc(b, "    ", v.Doc)
		fmt.Fprintf(b, "    %s,\n", variantName(v.Value))
	}
	b.WriteString("    /// A value this version of the schema does not know.\n")
	fmt.Fprintf(b, "    %s(String),\n", unknown)
	b.WriteString("}\n\n")
	b.WriteString("#[allow(dead_code)]\n")
	fmt.Fprintf(b, "impl %s {\n", name)
	b.WriteString("    /// Every value this version of the schema knows, in schema order.\n")
	values := make([]string, len(d.Values))
	for i, v := range d.Values {
		values[i] = rustString(v.Value)
	}
	rustArray(b, "    ", "pub const VALUES: &'static [&'static str] = &[", values, "];")
	b.WriteString("\n")
	b.WriteString("    /// The value on the wire.\n")
	b.WriteString("    pub fn as_str(&self) -> &str {\n")
	b.WriteString("        match self {\n")
	for _, v := range d.Values {
		fmt.Fprintf(b, "            %s::%s => %s,\n", name, variantName(v.Value), rustString(v.Value))
	}
	fmt.Fprintf(b, "            %s::%s(value) => value,\n", name, unknown)
	b.WriteString("        }\n")
	b.WriteString("    }\n")
	b.WriteString("}\n\n")

	fmt.Fprintf(b, "impl Serialize for %s {\n", name)
	b.WriteString("    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n")
	b.WriteString("        serializer.serialize_str(self.as_str())\n")
	b.WriteString("    }\n")
	b.WriteString("}\n\n")

	fmt.Fprintf(b, "impl<'de> Deserialize<'de> for %s {\n", name)
	b.WriteString("    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n")
	b.WriteString("        let value = String::deserialize(deserializer)?;\n")
	if len(d.Values) > 0 {
		b.WriteString("        match value.as_str() {\n")
		for _, v := range d.Values {
			fmt.Fprintf(b, "            %s => return Ok(%s::%s),\n", rustString(v.Value), name, variantName(v.Value))
		}
		b.WriteString("            _ => {}\n")
		b.WriteString("        }\n")
	}
	b.WriteString("        if oschema_strict::refusing() {\n")
	b.WriteString("            return Err(serde::de::Error::unknown_variant(&value, Self::VALUES));\n")
	b.WriteString("        }\n")
	fmt.Fprintf(b, "        Ok(%s::%s(value))\n", name, unknown)
	b.WriteString("    }\n")
	b.WriteString("}\n")
}

// unknownVariant is the name of an enum's variant for values this version
// does not know: Unknown, unless a value takes that name.
func unknownVariant(d *model.Decl) string {
	n := "Unknown"
	for taken := true; taken; {
		taken = false
		for _, v := range d.Values {
			if variantName(v.Value) == n {
				n += "_"
				taken = true
			}
		}
	}
	return n
}

// strictRuntime is the switch between keeping and refusing enum values
// this version does not know, written into every rust_types.rs (the
// server's decoding of params always uses it).
const strictRuntime = `/// How enum values this version of the schema does not know are decoded:
/// kept (as the enum's unknown variant) by default, as clients need, and
/// refused inside [` + "`oschema_strict::refuse_unknown`" + `], as servers decode params.
#[allow(dead_code)]
pub mod oschema_strict {
    use std::cell::Cell;

    thread_local! {
        static REFUSING: Cell<bool> = const { Cell::new(false) };
    }

    /// Runs ` + "`f`" + ` with unknown enum values refused (a decoding error).
    pub fn refuse_unknown<R>(f: impl FnOnce() -> R) -> R {
        let before = REFUSING.with(|refusing| refusing.replace(true));
        let result = f();
        REFUSING.with(|refusing| refusing.set(before));
        result
    }

    /// Whether unknown enum values are refused on this thread now.
    pub fn refusing() -> bool {
        REFUSING.with(|refusing| refusing.get())
    }
}
`

func (g *gen) derives(eq bool) string {
	if eq {
		return "#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]\n"
	}
	return "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n"
}

// structDerives is derives for a struct of fields: without Debug when one
// is @secret, as writeDebug then implements it.
func (g *gen) structDerives(eq bool, fields []*model.Field) string {
	d := g.derives(eq)
	if hasSecret(fields) {
		d = strings.Replace(d, "Debug, ", "", 1)
	}
	return d
}

func hasSecret(fields []*model.Field) bool {
	for _, f := range fields {
		if f.Secret {
			return true
		}
	}
	return false
}

// rustfmt's chain_width: a method chain longer than this is broken into
// one call per line.
const chainWidth = 60

// writeDebug implements Debug for a struct with @secret fields, which it
// shows as "***" (Some("***") when optional and set).
func writeDebug(b *strings.Builder, name string, fields []*model.Field) {
	if !hasSecret(fields) {
		return
	}
	calls := []string{fmt.Sprintf("f.debug_struct(%s)", rustString(name))}
	for _, f := range fields {
		ident := fieldName(f.Name)
		value := "&self." + ident
		switch {
		case f.Secret && f.Optional:
			value = "&self." + ident + `.as_ref().map(|_| "***")`
		case f.Secret:
			value = `&"***"`
		}
		calls = append(calls, fmt.Sprintf(".field(%s, %s)", rustString(strings.TrimPrefix(ident, "r#")), value))
	}
	calls = append(calls, ".finish()")
	fmt.Fprintf(b, "\nimpl std::fmt::Debug for %s {\n", name)
	b.WriteString("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n")
	if flat := strings.Join(calls, ""); len(flat) <= chainWidth {
		b.WriteString("        " + flat + "\n")
	} else {
		b.WriteString("        " + calls[0] + "\n")
		for _, c := range calls[1:] {
			b.WriteString("            " + c + "\n")
		}
	}
	b.WriteString("    }\n}\n")
}

func (g *gen) writeRecord(b *strings.Builder, d *model.Decl) {
	writeDoc(b, "", d.Doc)
	b.WriteString(g.structDerives(g.eq[d], d.Fields))
	g.writeStruct(b, g.typeNames[d], d, d.Fields)
	writeDebug(b, g.typeNames[d], d.Fields)
}

func (g *gen) writeStruct(b *strings.Builder, name string, owner *model.Decl, fields []*model.Field) {
	b.WriteString("#[allow(dead_code)]\n")
	if len(fields) == 0 {
		fmt.Fprintf(b, "pub struct %s {}\n", name)
		return
	}
	fmt.Fprintf(b, "pub struct %s {\n", name)
	for _, f := range fields {
		g.writeField(b, owner, f)
	}
	b.WriteString("}\n")
}

func (g *gen) writeField(b *strings.Builder, owner *model.Decl, f *model.Field) {
	doc := f.Doc
	if f.Type.Kind == model.KindOtime {
		if doc != "" {
			doc += "\n\n"
		}
		doc += "An RFC 3339 date-time."
	}
	writeDoc(b, "    ", doc)
	ident := fieldName(f.Name)
	if ident != f.Name {
		fmt.Fprintf(b, "    #[serde(rename = %s)]\n", rustString(f.Name))
	}
	typ := g.rustType(f.Type)
	if owner != nil && needsBox(owner, f.Type) {
		typ = "Box<" + typ + ">"
	}
	if m := serdeModule(f.Type); m != "" {
		b.WriteString("    #[serde(with = \"" + m + "\")]\n")
	}
	if f.Optional {
		b.WriteString("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n")
		typ = "Option<" + typ + ">"
	}
	fmt.Fprintf(b, "    pub %s: %s,\n", ident, typ)
}

// typesEq reports whether every type can derive Eq.
func (g *gen) typesEq(types ...*model.TypeRef) bool {
	ok := true
	for _, t := range types {
		t.Walk(func(r *model.TypeRef) {
			switch r.Kind {
			case model.KindF32, model.KindF64:
				ok = false
			case model.KindNamed:
				ok = ok && g.eq[r.Decl]
			}
		})
	}
	return ok
}

// serdeModule is the runtime module that (de)serializes values of t:
// oschema_base64 for bytes inside, oschema_time for otimes inside (a type
// has one leaf kind), "" for the rest.
func serdeModule(t *model.TypeRef) string {
	switch {
	case hasKind(t, model.KindBytes):
		return "oschema_base64"
	case hasKind(t, model.KindOtime):
		return "oschema_time"
	}
	return ""
}

// resultNewtype reports whether a method's Output is a newtype rather
// than an alias: a result with bytes or otimes inside needs a serde
// module, which only a field can name.
func resultNewtype(m *model.Method) bool {
	return m.Result != nil && serdeModule(m.Result) != ""
}

func (g *gen) writeMethodTypes(b *strings.Builder, m *model.Method) {
	fmt.Fprintf(b, "/// Params of method `%s`, by name.\n", m.Name)
	if m.Doc != "" {
		b.WriteString("///\n")
		writeDoc(b, "", m.Doc)
	}
	var types []*model.TypeRef
	for _, p := range m.Params {
		types = append(types, p.Type)
	}
	b.WriteString(g.structDerives(g.typesEq(types...), m.Params))
	b.WriteString("#[serde(deny_unknown_fields)]\n")
	g.writeStruct(b, inputName(m), nil, m.Params)
	writeDebug(b, inputName(m), m.Params)
	b.WriteString("\n")

	fmt.Fprintf(b, "/// Result of method `%s`", m.Name)
	switch {
	case m.Result == nil:
		b.WriteString(": none (JSON null).\n")
	default:
		b.WriteString(".\n")
		if m.ResultDoc != "" {
			b.WriteString("///\n")
			writeDoc(b, "", m.ResultDoc)
		}
	}
	b.WriteString("#[allow(dead_code)]\n")
	switch {
	case m.Result == nil:
		fmt.Fprintf(b, "pub type %s = ();\n", outputName(m))
	case resultNewtype(m):
		b.WriteString(g.derives(g.typesEq(m.Result)))
		b.WriteString("#[serde(transparent)]\n")
		fmt.Fprintf(b, "pub struct %s(#[serde(with = \"%s\")] pub %s);\n", outputName(m), serdeModule(m.Result), g.rustType(m.Result))
	default:
		fmt.Fprintf(b, "pub type %s = %s;\n", outputName(m), g.rustType(m.Result))
	}
}

// variantRepeatsEnum reports whether a variant of d starts or ends with the
// enum's name, which clippy's enum_variant_names lint rejects.
func variantRepeatsEnum(name string, d *model.Decl) bool {
	name = strings.TrimRight(name, "_")
	for _, v := range d.Values {
		if n := variantName(v.Value); strings.HasPrefix(n, name) || strings.HasSuffix(n, name) {
			return true
		}
	}
	return false
}
