// Package schemaprint writes a model back as .oschema source: how
// `oschema openrpc import` turns a service known only from its OpenRPC
// document into a schema a team can own. CRUD methods expanded from
// [rootobject] are folded back into the attribute.
package schemaprint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// Print renders s as one .oschema file. Imported decls (Origin != "") are
// written as an import of their schema. Field, parameter and method names
// are written bare when they can be (created_at, service.start) and
// quoted otherwise ("currentLogs"), so any wire name the importer accepts
// prints; decl, service and error names must be PascalCase, which the
// importer's names.Pascal guarantees. What .oschema cannot state is left
// out: a method's result doc, @index on a parameter, and the doc of the
// first value of an enum when it has more than one line or is the only
// value. Callers parse the
// output back to be sure (see the CLI).
func Print(s *model.Schema) []byte {
	var b strings.Builder
	origins := map[string]bool{}
	for _, d := range s.Decls {
		if d.Origin != "" {
			origins[d.Origin] = true
		}
	}
	for _, imp := range s.Imports {
		origins[imp] = true
	}
	for _, o := range sortedSet(origins) {
		fmt.Fprintf(&b, "import %s\n", syntax.Quote(o))
	}
	if len(origins) > 0 {
		b.WriteString("\n")
	}
	for _, d := range s.Decls {
		if d.Origin != "" {
			continue
		}
		doc(&b, "", d.Doc)
		if d.RootObject {
			b.WriteString("[rootobject]\n")
		}
		switch d.Kind {
		case model.DeclEnum:
			enum(&b, d)
		default:
			fmt.Fprintf(&b, "%s = {\n", d.Name)
			for _, f := range d.Fields {
				doc(&b, "    ", f.Doc)
				fmt.Fprintf(&b, "    %s\n", field(f, true))
			}
			b.WriteString("}\n\n")
		}
	}
	for _, svc := range s.Services {
		doc(&b, "", svc.Doc)
		fmt.Fprintf(&b, "service %s {\n", svc.Name)
		fmt.Fprintf(&b, "    version %s\n", syntax.Quote(svc.Version))
		for _, e := range svc.Errors {
			doc(&b, "    ", e.Doc)
			fmt.Fprintf(&b, "    error %s = %d\n", e.Name, e.Code)
		}
		for _, m := range svc.Methods {
			if m.RootObject != "" {
				continue // written as [rootobject]
			}
			doc(&b, "    ", m.Doc)
			var params []string
			for _, p := range m.Params {
				params = append(params, field(p, false))
			}
			if paramDocs(m) {
				// One parameter per line, each under its doc.
				fmt.Fprintf(&b, "    %s(\n", syntax.MethodName(m.Name))
				for _, p := range m.Params {
					doc(&b, "        ", p.Doc)
					fmt.Fprintf(&b, "        %s,\n", field(p, false))
				}
				b.WriteString("    )")
			} else {
				fmt.Fprintf(&b, "    %s(%s)", syntax.MethodName(m.Name), strings.Join(params, ", "))
			}
			if m.Result != nil {
				fmt.Fprintf(&b, " -> %s", m.Result)
			}
			if m.Positional {
				b.WriteString(" @positional")
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

// field writes a field, or a parameter (index false: @index marks only
// record fields).
func field(f *model.Field, index bool) string {
	opt := ""
	if f.Optional {
		opt = "?"
	}
	s := fmt.Sprintf("%s%s: %s", syntax.FieldName(f.Name), opt, f.Type)
	if f.Index && index {
		s += " @index"
	}
	if f.Secret {
		s += " @secret"
	}
	return s
}

func paramDocs(m *model.Method) bool {
	for _, p := range m.Params {
		if p.Doc != "" {
			return true
		}
	}
	return false
}

// enum writes an enum on one line, or, when a value has a doc, one value
// per line: the first value's doc is the comment at the end of its line,
// every other value's doc the comment lines above it.
func enum(b *strings.Builder, d *model.Decl) {
	documented := false
	for _, v := range d.Values {
		if v.Doc != "" {
			documented = true
		}
	}
	if !documented {
		var vals []string
		for _, v := range d.Values {
			vals = append(vals, syntax.Quote(v.Value))
		}
		fmt.Fprintf(b, "%s = %s\n\n", d.Name, strings.Join(vals, " | "))
		return
	}
	for i, v := range d.Values {
		if i == 0 {
			fmt.Fprintf(b, "%s = %s", d.Name, syntax.Quote(v.Value))
			// (A one-value enum's line comment would document the enum.)
			if v.Doc != "" && !strings.Contains(v.Doc, "\n") && len(d.Values) > 1 {
				fmt.Fprintf(b, "  # %s", v.Doc)
			}
			b.WriteString("\n")
			continue
		}
		doc(b, "    ", v.Doc)
		fmt.Fprintf(b, "    | %s\n", syntax.Quote(v.Value))
	}
	b.WriteString("\n")
}

func doc(b *strings.Builder, indent, text string) {
	if text == "" {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			fmt.Fprintf(b, "%s#\n", indent)
		} else {
			fmt.Fprintf(b, "%s# %s\n", indent, line)
		}
	}
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
