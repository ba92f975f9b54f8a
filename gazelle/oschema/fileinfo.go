package oschema

import (
	"fmt"
	"path"
	"strings"
)

// schemaImports returns the import paths of one .oschema file, cleaned
// (no trailing slash, no "./"). relPath is workspace-relative and prefixes
// every diagnostic. A malformed file still returns the imports that could
// be read, with an error rendering each problem as "path:line:col: message".
//
// Only the import block matters to Gazelle, so this reads the file's
// leading comment, blank and import lines and stops at the first other
// line, the same way Gazelle's proto extension scans .proto files instead
// of parsing them.
func schemaImports(relPath string, src []byte) ([]string, error) {
	var imports []string
	var problems []string
	for i, line := range strings.Split(string(src), "\n") {
		lineNo := i + 1
		trimmed := strings.TrimLeft(line, " \t")
		col := len(line) - len(trimmed) + 1
		trimmed = strings.TrimRight(trimmed, " \t\r")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if !isImportLine(trimmed) {
			break
		}
		rest := strings.TrimLeft(trimmed[len("import"):], " \t")
		col += len(trimmed) - len(rest)
		imp, msg := parseImportPath(rest)
		if msg != "" {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: %s", relPath, lineNo, col, msg))
			continue
		}
		imports = append(imports, imp)
	}
	if len(problems) > 0 {
		return imports, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return imports, nil
}

func isImportLine(s string) bool {
	if !strings.HasPrefix(s, "import") {
		return false
	}
	rest := s[len("import"):]
	return rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '"'
}

// parseImportPath reads `"dir" # comment` and returns the cleaned path, or
// a message saying what is wrong.
func parseImportPath(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		return "", `expected a quoted import path, as in import "dir/of/schema"`
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "unterminated import path"
	}
	p := s[1 : end+1]
	after := strings.TrimLeft(s[end+2:], " \t")
	if after != "" && !strings.HasPrefix(after, "#") {
		return "", fmt.Sprintf("unexpected %q after the import path", after)
	}
	return cleanImport(p)
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
