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
)

// Print renders s as one .oschema file. Imported decls (Origin != "") are
// written as an import of their schema. The output is valid .oschema only
// when every name in the model is a valid .oschema identifier; callers
// parse it back to find out (see the CLI).
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
		fmt.Fprintf(&b, "import %q\n", o)
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
			var vals []string
			for _, v := range d.Values {
				vals = append(vals, fmt.Sprintf("%q", v.Value))
			}
			fmt.Fprintf(&b, "%s = %s\n\n", d.Name, strings.Join(vals, " | "))
		default:
			fmt.Fprintf(&b, "%s = {\n", d.Name)
			for _, f := range d.Fields {
				doc(&b, "    ", f.Doc)
				fmt.Fprintf(&b, "    %s\n", field(f))
			}
			b.WriteString("}\n\n")
		}
	}
	for _, svc := range s.Services {
		doc(&b, "", svc.Doc)
		fmt.Fprintf(&b, "service %s {\n", svc.Name)
		fmt.Fprintf(&b, "    version %q\n", svc.Version)
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
				params = append(params, field(p))
			}
			fmt.Fprintf(&b, "    %s(%s)", m.Name, strings.Join(params, ", "))
			if m.Result != nil {
				fmt.Fprintf(&b, " -> %s", m.Result)
			}
			b.WriteString("\n")
		}
		b.WriteString("}\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

func field(f *model.Field) string {
	opt := ""
	if f.Optional {
		opt = "?"
	}
	s := fmt.Sprintf("%s%s: %s", f.Name, opt, f.Type)
	if f.Index {
		s += " @index"
	}
	return s
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
