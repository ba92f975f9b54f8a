package main

import (
	"errors"
	"fmt"
	"io"
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
	// warn, when set, receives the importer's warnings (an OpenRPC
	// construct imported by a documented best mapping, such as a union
	// imported as any), one "warning: ..." line each.
	warn io.Writer
}

// workspaceMarkers are the files that mark a Bazel workspace's root.
var workspaceMarkers = []string{"WORKSPACE", "WORKSPACE.bazel", "MODULE.bazel"}

// findRoot returns the workspace root as Bazel and Gazelle find it: the
// nearest directory up from dir holding one of workspaceMarkers, else dir.
func findRoot(dir string) string {
	for d := dir; ; {
		for _, m := range workspaceMarkers {
			if st, err := os.Stat(filepath.Join(d, m)); err == nil && !st.IsDir() {
				return d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// rootDir returns the workspace root to use: -root if given (it must be a
// directory), else the one found from the current directory.
func (src source) rootDir() (string, error) {
	if src.root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		return findRoot(wd), nil
	}
	st, err := os.Stat(src.root)
	switch {
	case err != nil && os.IsNotExist(err):
		return "", usagef("-root %s: no such directory", src.root)
	case err != nil:
		return "", usagef("-root %s: %v", src.root, unwrapPathErr(err))
	case !st.IsDir():
		return "", usagef("-root %s: not a directory", src.root)
	}
	return src.root, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// relToRoot turns a SCHEMA argument into a workspace-relative path: an
// absolute path inside root, or a path relative to the current directory
// that does not exist under root but does from here (oschema run from a
// subdirectory), become relative to root. ok is false for a path outside
// the root.
func relToRoot(root, arg string) (rel string, ok bool) {
	abs := arg
	if !filepath.IsAbs(arg) {
		if _, err := os.Stat(filepath.Join(root, arg)); err == nil {
			return arg, true
		}
		wd, err := os.Getwd()
		if err != nil {
			return arg, true
		}
		abs = filepath.Join(wd, arg)
		if _, err := os.Stat(abs); err != nil {
			return arg, true // let the loader report it, workspace-relative
		}
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return arg, false
	}
	if r, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = r
	}
	if a, err := filepath.EvalSymlinks(abs); err == nil {
		abs = a
	}
	r, err := filepath.Rel(absRoot, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return arg, false
	}
	return r, true
}

// loadSchema loads a schema directory (workspace-relative, or absolute
// inside the workspace) or an OpenRPC document (a path ending in .json;
// relative to the workspace root, or absolute anywhere).
func (src source) loadSchema(arg string) (*model.Schema, error) {
	root, err := src.rootDir()
	if err != nil {
		return nil, err
	}
	rel, inside := relToRoot(root, arg)
	if strings.HasSuffix(arg, ".json") {
		p, name := filepath.Join(root, filepath.FromSlash(rel)), filepath.ToSlash(rel)
		if !inside {
			p, name = arg, filepath.ToSlash(arg)
		}
		data, err := resolve.ReadOSFileAs(p, name)
		if err != nil {
			return nil, fmt.Errorf("reading OpenRPC document: %w", err)
		}
		schema, warnings, err := openrpc.ImportWithWarnings(name, data)
		if src.warn != nil {
			for _, w := range warnings {
				fmt.Fprintln(src.warn, "warning: "+w)
			}
		}
		return schema, err
	}
	if !inside {
		return nil, fmt.Errorf("schema directory %s is outside the workspace root %s: pass a directory inside it, or set -root", arg, root)
	}
	dir := path.Clean(filepath.ToSlash(rel))
	var fsys fs.FS = os.DirFS(root)
	if src.imports == nil {
		// Outside Bazel, keep every read inside the workspace: a symlink
		// to a directory outside it is not followed. (Under Bazel, -import
		// lists what may be read; its sandbox is made of symlinks.)
		fsys = &confinedFS{base: fsys, root: root}
	}
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

// Stat maps name as Open does; it lets resolve.ReadFile stat a file
// without opening it (opening a FIFO would block).
func (m *importFS) Stat(name string) (fs.FileInfo, error) {
	for _, imp := range m.order {
		if name == imp {
			return fs.Stat(m.base, m.dirs[imp])
		}
		if strings.HasPrefix(name, imp+"/") && !strings.Contains(name[len(imp)+1:], "/") {
			return fs.Stat(m.base, m.dirs[imp]+name[len(imp):])
		}
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
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
			data, err := resolve.ReadFile(m, p)
			if err != nil {
				continue // the resolver reports it
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
						Source: diag.SourceLine(data, int(imp.PathPos.Line)),
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

// confinedFS is a workspace's file system in which symlinks that lead out
// of the workspace do not exist.
type confinedFS struct {
	base fs.FS
	root string
	real string // root with symlinks resolved, computed once
}

// check refuses name when it is a directory whose real path is outside the
// workspace, or a file in one. (A file may be a symlink to anywhere, as
// Bazel's sandboxes are made of them; directories may not.)
func (c *confinedFS) check(name string) error {
	if st, err := os.Stat(filepath.Join(c.root, filepath.FromSlash(name))); err == nil && !st.IsDir() {
		name = path.Dir(name)
	}
	if c.real == "" {
		r, err := filepath.EvalSymlinks(c.root)
		if err != nil {
			r = c.root
		}
		if r, err = filepath.Abs(r); err == nil {
			c.real = r
		}
	}
	p, err := filepath.EvalSymlinks(filepath.Join(c.root, filepath.FromSlash(name)))
	if err != nil {
		return nil // the operation itself reports it
	}
	if p, err = filepath.Abs(p); err != nil {
		return nil
	}
	if p != c.real && !strings.HasPrefix(p, c.real+string(filepath.Separator)) {
		return &fs.PathError{Op: "open", Path: name, Err: errOutside}
	}
	return nil
}

// errOutside is the error of a path whose symlinks lead out of the workspace.
var errOutside = errors.New("a symlink leads out of the workspace")

func (c *confinedFS) Open(name string) (fs.File, error) {
	if err := c.check(name); err != nil {
		return nil, err
	}
	return c.base.Open(name)
}

func (c *confinedFS) Stat(name string) (fs.FileInfo, error) {
	if err := c.check(name); err != nil {
		return nil, err
	}
	return fs.Stat(c.base, name)
}

func (c *confinedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := c.check(name); err != nil {
		return nil, err
	}
	return fs.ReadDir(c.base, name)
}
