package syntax_test

import (
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// summary renders what a file means (names, types, docs), ignoring layout.
func summary(f *syntax.File) string {
	var b strings.Builder
	for _, n := range f.Nodes {
		switch n := n.(type) {
		case *syntax.Import:
			fmt.Fprintf(&b, "import %q\n", n.Path)
		case *syntax.Decl:
			fmt.Fprintf(&b, "decl %s kind=%d attrs=%v doc=%q\n", n.Name, n.Kind, n.Attrs != nil && n.HasAttr("rootobject"), n.Doc())
			for _, fl := range n.Fields {
				fmt.Fprintf(&b, "  field %s? %t %s %t doc=%q\n", fl.Name, fl.Optional, fl.Type, fl.Index, fl.Doc())
			}
			for _, v := range n.Values {
				fmt.Fprintf(&b, "  value %q doc=%q\n", v.Value, v.Doc())
			}
		case *syntax.Service:
			fmt.Fprintf(&b, "service %s doc=%q\n", n.Name, n.Doc())
			for _, m := range n.Members {
				switch m := m.(type) {
				case *syntax.Version:
					fmt.Fprintf(&b, "  version %q doc=%q\n", m.Value, m.Doc())
				case *syntax.ErrorDecl:
					fmt.Fprintf(&b, "  error %s %d doc=%q\n", m.Name, m.Code, m.Doc())
				case *syntax.Method:
					fmt.Fprintf(&b, "  method %s -> %v doc=%q\n", m.Name, m.Result, m.Doc())
					for _, p := range m.Params {
						fmt.Fprintf(&b, "    param %s? %t %s doc=%q\n", p.Name, p.Optional, p.Type, p.Doc())
					}
				}
			}
		}
	}
	return b.String()
}
