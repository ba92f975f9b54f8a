package oschema

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// schemaImports parses one .oschema file and returns its import paths,
// cleaned (no trailing slash, no "./"), and whether it declares something
// clients are generated for (a service block or a [rootobject] record,
// which implies a service). relPath is workspace-relative and prefixes
// every diagnostic. A malformed file still returns the imports
// that parsed, with an error (the parser's diag.List) rendering each
// problem as "path:line:col: message"; imports on a line with an error
// are left out rather than guessed.
func schemaImports(relPath string, src []byte) ([]string, bool, error) {
	f, diags := syntax.Parse(relPath, src)
	serves := false
	for _, n := range f.Nodes {
		switch n := n.(type) {
		case *syntax.Service:
			serves = true
		case *syntax.Decl:
			if n.HasAttr("rootobject") {
				serves = true
			}
		}
	}
	badLines := map[int32]bool{}
	for _, d := range diags {
		badLines[d.Pos.Line] = true
	}
	var problems []string
	var imports []string
	for _, imp := range f.Imports() {
		if badLines[imp.Pos.Line] || badLines[imp.PathPos.Line] {
			continue
		}
		p, msg := cleanImport(imp.Path)
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s", relPath, imp.PathPos.Line, imp.PathPos.Col, msg))
			continue
		}
		imports = append(imports, p)
	}
	if len(diags) > 0 {
		problems = append([]string{diags.Error()}, problems...)
	}
	if len(problems) > 0 {
		sort.Strings(problems[1:])
		return imports, serves, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return imports, serves, nil
}

// cleanImport normalises an import path; workspace-relative paths only.
func cleanImport(p string) (string, string) {
	if p == "" {
		return "", "empty import path"
	}
	if strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
		return "", fmt.Sprintf("import path %q must be workspace-relative with forward slashes", p)
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Sprintf("import path %q leaves the workspace", p)
	}
	return c, ""
}
