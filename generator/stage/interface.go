package stage

import (
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
)

// Interface renders <service>_interface.py: the records, enums and the
// client's method signatures with their docs and no bodies, for reading
// by tools and language models with a small context. It is not meant to
// be imported, though it is valid Python.
func Interface(s *model.Schema, svc *model.Service, status, hash string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Interface of service %s (schema %s), staged by oschema stage: signatures only.\n", svc.Name, s.Name)
	fmt.Fprintf(&b, "# %s%s\n", emit.HashMarker, hash)
	fmt.Fprintf(&b, "# The staged client (%s) implements these methods.\n", status)
	b.WriteString("from enum import Enum\nfrom typing import Any, Dict, List, Optional\n")
	for _, d := range s.Decls {
		cls := className(d.Name)
		b.WriteString("\n\n")
		if d.Kind == model.DeclEnum {
			fmt.Fprintf(&b, "class %s(str, Enum):\n", cls)
			docstring(&b, "    ", d.Doc)
			for _, v := range d.Values {
				fmt.Fprintf(&b, "    %s = %q\n", names.Escape(names.Python, strings.ToUpper(names.Snake(v.Value))), v.Value)
			}
			if len(d.Values) == 0 {
				b.WriteString("    ...\n")
			}
			continue
		}
		fmt.Fprintf(&b, "class %s:\n", cls)
		docstring(&b, "    ", d.Doc)
		for _, f := range d.Fields {
			fmt.Fprintf(&b, "    %s: %s", ident(f.Name), pyField(f))
			if f.Doc != "" {
				fmt.Fprintf(&b, "  # %s", oneLine(f.Doc))
			}
			b.WriteString("\n")
		}
		if len(d.Fields) == 0 && d.Doc == "" {
			b.WriteString("    ...\n")
		}
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "class %sClient:\n", names.Pascal(svc.Name))
	doc := svc.Doc
	if doc == "" {
		doc = "Client of the " + svc.Name + " JSON-RPC service."
	}
	docstring(&b, "    ", doc+"\n\nVersion "+svc.Version+".")
	for _, m := range svc.Methods {
		var ps []string
		ps = append(ps, "self")
		for _, p := range m.Params {
			if p.Optional {
				continue
			}
			ps = append(ps, ident(p.Name)+": "+pyType(p.Type))
		}
		for _, p := range m.Params {
			if p.Optional {
				ps = append(ps, ident(p.Name)+": "+pyField(p)+" = None")
			}
		}
		res := "None"
		if m.Result != nil {
			res = pyType(m.Result)
		}
		fmt.Fprintf(&b, "\n    def %s(%s) -> %s:\n", ident(m.Name), strings.Join(ps, ", "), res)
		mdoc := m.Doc
		if mdoc == "" {
			mdoc = emit.FallbackDoc(m)
		}
		if m.Name != ident(m.Name) {
			mdoc += "\n\nWire name: " + m.Name + "."
		}
		docstring(&b, "        ", mdoc)
		b.WriteString("        ...\n")
	}
	if len(svc.Errors) > 0 {
		b.WriteString("\n\n# Application errors (code: name: doc):\n")
		for _, e := range svc.Errors {
			fmt.Fprintf(&b, "#   %d: %s: %s\n", e.Code, e.Name, oneLine(e.Doc))
		}
	}
	return []byte(b.String())
}

func className(n string) string { return names.Escape(names.Python, names.Pascal(n)) }
func ident(n string) string     { return names.Escape(names.Python, names.Snake(n)) }

func pyField(f *model.Field) string {
	if f.Optional {
		return "Optional[" + pyType(f.Type) + "]"
	}
	return pyType(f.Type)
}

func pyType(t *model.TypeRef) string {
	if t == nil {
		return "None"
	}
	switch t.Kind {
	case model.KindStr, model.KindOtime:
		return "str"
	case model.KindBytes:
		return "bytes"
	case model.KindBool:
		return "bool"
	case model.KindI32, model.KindI64, model.KindU32, model.KindU64:
		return "int"
	case model.KindF32, model.KindF64:
		return "float"
	case model.KindList:
		return "List[" + pyType(t.Elem) + "]"
	case model.KindMap:
		return "Dict[str, " + pyType(t.Elem) + "]"
	case model.KindNamed:
		if t.Decl != nil {
			return `"` + className(t.Decl.Name) + `"`
		}
	}
	return "Any"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func docstring(b *strings.Builder, indent, doc string) {
	doc = strings.ReplaceAll(doc, `\`, `\\`)
	doc = strings.TrimSpace(strings.ReplaceAll(doc, `"""`, `\"\"\"`))
	if doc == "" {
		return
	}
	lines := strings.Split(doc, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s\"\"\"%s\"\"\"\n", indent, lines[0])
		return
	}
	fmt.Fprintf(b, "%s\"\"\"%s\n", indent, lines[0])
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(b, "%s%s\n", indent, l)
	}
	fmt.Fprintf(b, "%s\"\"\"\n", indent)
}
