package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// source says where a schema comes from; the flags of generate, check and
// openrpc export fill it.
type source struct {
	root    string   // workspace root
	srcs    []string // only these files of the schema dir (nil: all)
	imports []string // "import/path=dir" pairs; non-nil means strict
	hint    string   // label named in missing-import errors
}

// loadSchema loads a schema directory (workspace-relative) or an OpenRPC
// document (a path ending in .json).
func (src source) loadSchema(arg string) (*model.Schema, error) {
	if strings.HasSuffix(arg, ".json") {
		data, err := os.ReadFile(filepath.Join(src.root, filepath.FromSlash(arg)))
		if err != nil {
			return nil, fmt.Errorf("reading OpenRPC document: %w", err)
		}
		return openrpc.Import(filepath.ToSlash(arg), data)
	}
	dir := path.Clean(filepath.ToSlash(arg))
	var fsys fs.FS = os.DirFS(src.root)
	if src.imports != nil {
		mapped, err := newImportFS(fsys, dir, src.imports)
		if err != nil {
			return nil, err
		}
		if err := src.checkImports(mapped, dir); err != nil {
			return nil, err
		}
		fsys = mapped
	}
	if src.srcs != nil {
		return resolve.LoadFiles(fsys, dir, src.srcs)
	}
	return resolve.Load(fsys, dir)
}

// importFS serves the schema directory and the declared imports only, each
// import path read from the directory Bazel staged it in (they differ for
// schemas of external repositories). Anything else does not exist, so a
// build cannot depend on a file it did not declare.
type importFS struct {
	base  fs.FS
	dirs  map[string]string // import path -> directory in base
	order []string          // import paths, longest first, for prefix matching
}

func newImportFS(base fs.FS, self string, pairs []string) (*importFS, error) {
	m := &importFS{base: base, dirs: map[string]string{self: self}}
	for _, p := range pairs {
		imp, dir, ok := strings.Cut(p, "=")
		if !ok || imp == "" || dir == "" {
			return nil, usagef("-import %q: want IMPORT_PATH=DIR", p)
		}
		m.dirs[imp] = dir
	}
	for k := range m.dirs {
		m.order = append(m.order, k)
	}
	sort.Slice(m.order, func(i, j int) bool { return len(m.order[i]) > len(m.order[j]) })
	return m, nil
}

func (m *importFS) Open(name string) (fs.File, error) {
	for _, imp := range m.order {
		if name == imp {
			return m.base.Open(m.dirs[imp])
		}
		if strings.HasPrefix(name, imp+"/") && !strings.Contains(name[len(imp)+1:], "/") {
			return m.base.Open(m.dirs[imp] + name[len(imp):])
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// checkImports walks the schema and its imports and reports, at the import's
// position, every import that is not among the declared ones, naming the
// target whose deps lack it.
func (src source) checkImports(m *importFS, dir string) error {
	var diags diag.List
	seen := map[string]bool{dir: true}
	queue := []string{dir}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		entries, err := fs.ReadDir(m, d)
		if err != nil {
			continue // the resolver reports unreadable directories
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), resolve.Ext) {
				continue
			}
			if d == dir && src.srcs != nil && !contains(src.srcs, e.Name(), d) {
				continue
			}
			p := d + "/" + e.Name()
			data, err := fs.ReadFile(m, p)
			if err != nil {
				continue
			}
			f, _ := syntax.Parse(p, data) // syntax errors are reported by the resolver
			if f == nil {
				continue
			}
			for _, imp := range f.Imports() {
				if _, ok := m.dirs[imp.Path]; !ok {
					hint := fmt.Sprintf("add the oschema_library of package //%s to deps", imp.Path)
					what := "this target's deps"
					if src.hint != "" {
						what = "the deps of " + src.hint
					}
					diags = append(diags, &diag.Diagnostic{
						Pos:    imp.PathPos,
						Msg:    fmt.Sprintf("import %q is not provided by %s", imp.Path, what),
						Hint:   hint,
						Source: diag.SourceLine(data, imp.PathPos.Line),
					})
					continue
				}
				if !seen[imp.Path] {
					seen[imp.Path] = true
					queue = append(queue, imp.Path)
				}
			}
		}
	}
	return diags.Err()
}

// contains reports whether srcs names file, relative to dir or by path.
func contains(srcs []string, file, dir string) bool {
	for _, s := range srcs {
		if s == file || s == dir+"/"+file {
			return true
		}
	}
	return false
}

// pickService returns the service to generate for.
func pickService(s *model.Schema, name string) (*model.Service, error) {
	if name != "" {
		if svc := s.Service(name); svc != nil {
			return svc, nil
		}
		return nil, usagef("schema %s has no service %q; it has: %s", s.Path, name, serviceNames(s))
	}
	switch len(s.Services) {
	case 1:
		return s.Services[0], nil
	case 0:
		return nil, fmt.Errorf("schema %s has no service: add a `service Name { ... }` block, or a [rootobject] record", s.Path)
	default:
		return nil, usagef("schema %s has %d services (%s): choose one with -service", s.Path, len(s.Services), serviceNames(s))
	}
}

func serviceNames(s *model.Schema) string {
	var n []string
	for _, svc := range s.Services {
		n = append(n, svc.Name)
	}
	return strings.Join(n, ", ")
}
