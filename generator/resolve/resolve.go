// Package resolve turns parsed .oschema files into a model.Schema: it
// reads a schema directory and the directories it imports, resolves type
// names, expands [rootobject] records into CRUD methods and checks
// everything the emitters rely on (see model's invariants). Problems come
// back as a diag.List; errors.As finds it in the returned error.
package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// Ext is the file extension of schema sources.
const Ext = ".oschema"

// DefaultVersion is a service's version when its block has no `version`.
const DefaultVersion = "1.0.0"

// Load reads the schema in dir, a workspace-relative slash-separated
// directory of fsys (which is rooted at the workspace root), with every
// .oschema file in it in name order, and the schemas it imports.
func Load(fsys fs.FS, dir string) (*model.Schema, error) {
	return load(fsys, dir, nil)
}

// LoadFiles is Load reading only the listed files of dir (Bazel passes a
// rule's declared sources; other .oschema files in the directory are
// ignored). A file is named relative to dir ("10_types.oschema") or by its
// workspace-relative path ("examples/x/10_types.oschema"); files are read
// in name order whatever the order of the list. Imported schemas are read
// whole.
func LoadFiles(fsys fs.FS, dir string, files []string) (*model.Schema, error) {
	if files == nil {
		files = []string{}
	}
	return load(fsys, dir, files)
}

func load(fsys fs.FS, dir string, files []string) (*model.Schema, error) {
	l := &loader{fsys: fsys, rep: diag.NewReporter(), units: map[string]*unit{}, badNames: map[interface{}]bool{}}
	if !fs.ValidPath(dir) || dir == "." {
		l.rep.Errorf(model.Pos{}, "pass the schema directory relative to the workspace root, like \"examples/hero_logic\"",
			"invalid schema directory %q: must be a workspace-relative directory", dir)
		return nil, l.rep.List.Err()
	}
	root := l.loadUnit(dir, files, true, model.Pos{})
	if root == nil {
		return nil, l.rep.List.Err()
	}
	s := l.build(root)
	if err := l.rep.List.Err(); err != nil {
		return nil, err
	}
	s.Seal()
	return s, nil
}

type loader struct {
	fsys  fs.FS
	rep   *diag.Reporter
	units map[string]*unit
	stack []string // directories being loaded, for import cycles
	// badNames holds the *model.Field and *model.Method whose names broke
	// the identifier rules (reported already), so they are not reported
	// again as collisions.
	badNames map[interface{}]bool
}

// unit is one schema directory being resolved.
type unit struct {
	dir     string
	root    bool
	files   []*syntax.File
	paths   []string
	imports []string // direct imports, sorted, unique
	deps    []*unit  // loaded direct imports, in imports order

	decls  []*model.Decl
	syn    map[*model.Decl]*syntax.Decl
	scope  map[string]*model.Decl // own and directly imported decls
	origin map[string]string      // for imported names in scope: the import path
}

var (
	pascalRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	snakeRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// loadUnit reads, parses and resolves the decls of dir. at is the import
// that asked for it (zero for the root).
func (l *loader) loadUnit(dir string, files []string, root bool, at model.Pos) *unit {
	if u, ok := l.units[dir]; ok {
		return u
	}
	paths, err := l.listFiles(dir, files)
	if err != nil {
		l.rep.Errorf(at, "", "%s", err.Error())
		return nil
	}
	u := &unit{dir: dir, root: root, syn: map[*model.Decl]*syntax.Decl{}, scope: map[string]*model.Decl{}, origin: map[string]string{}}
	l.units[dir] = u
	l.stack = append(l.stack, dir)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()

	for _, p := range paths {
		src, err := ReadFile(l.fsys, p)
		if err != nil {
			l.rep.Errorf(at, "", "%v", err)
			continue
		}
		l.rep.AddFile(p, src)
		f, diags := syntax.Parse(p, src)
		l.rep.Append(diags)
		u.files = append(u.files, f)
		u.paths = append(u.paths, p)
	}

	// Imports first: their decls are in scope for this unit.
	seen := map[string]bool{}
	for _, f := range u.files {
		for _, imp := range f.Imports() {
			if !fs.ValidPath(imp.Path) || imp.Path == "." || strings.HasSuffix(imp.Path, Ext) {
				l.rep.Errorf(imp.PathPos, "import a workspace-relative schema directory, like \"examples/common\"",
					"invalid import path %q", imp.Path)
				continue
			}
			if cyc := l.cycle(imp.Path); cyc != "" {
				l.rep.Errorf(imp.PathPos, "schemas cannot import each other in a circle; move the shared decls into a schema both import",
					"import cycle: %s", cyc)
				continue
			}
			if seen[imp.Path] {
				continue
			}
			seen[imp.Path] = true
			dep := l.loadUnit(imp.Path, nil, false, imp.PathPos)
			if dep == nil {
				continue
			}
			u.imports = append(u.imports, imp.Path)
			u.deps = append(u.deps, dep)
			for _, d := range dep.decls {
				if prev, dup := u.origin[d.Name]; dup {
					l.rep.Errorf(imp.PathPos, "rename one of them", "%s is declared by both %q and %q", d.Name, prev, imp.Path)
					continue
				}
				u.scope[d.Name] = d
				u.origin[d.Name] = imp.Path
			}
		}
	}
	sort.Strings(u.imports)
	sort.SliceStable(u.deps, func(i, j int) bool { return u.deps[i].dir < u.deps[j].dir })

	l.declare(u)
	l.resolveDecls(u)
	return u
}

// cycle returns "a -> b -> a" if importing dir closes an import cycle.
func (l *loader) cycle(dir string) string {
	for i, d := range l.stack {
		if d == dir {
			chain := append(append([]string(nil), l.stack[i:]...), dir)
			return strings.Join(chain, " -> ")
		}
	}
	return ""
}

// listFiles returns the workspace-relative paths of the files to read.
func (l *loader) listFiles(dir string, files []string) ([]string, error) {
	var out []string
	if files == nil {
		entries, err := fs.ReadDir(l.fsys, dir)
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrPermission):
				return nil, fmt.Errorf("schema directory %q cannot be read: permission denied", dir)
			case errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("schema directory %q not found", dir)
			}
			if st, serr := fs.Stat(l.fsys, dir); serr == nil && !st.IsDir() {
				return nil, fmt.Errorf("schema directory %q is not a directory", dir)
			}
			return nil, fmt.Errorf("schema directory %q cannot be read: %v", dir, unwrapPath(err))
		}
		for _, e := range entries {
			// Everything named *.oschema is read: ReadFile reports a
			// directory, FIFO or device so named instead of skipping it.
			if strings.HasSuffix(e.Name(), Ext) {
				out = append(out, path.Join(dir, e.Name()))
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("schema directory %q has no %s files", dir, Ext)
		}
	} else {
		for _, f := range files {
			p := f
			if !strings.HasPrefix(f, dir+"/") {
				p = path.Join(dir, f)
			}
			if path.Dir(p) != dir || !strings.HasSuffix(p, Ext) {
				return nil, fmt.Errorf("%q is not a %s file of schema directory %q", f, Ext, dir)
			}
			out = append(out, p)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no %s files given for schema directory %q", Ext, dir)
		}
		sort.Strings(out)
		dedup := out[:0]
		for i, p := range out {
			if i == 0 || p != out[i-1] {
				dedup = append(dedup, p)
			}
		}
		out = dedup
	}
	return out, nil
}

// declare creates the model decls of u and checks their names.
func (l *loader) declare(u *unit) {
	own := map[string]*model.Decl{}
	origin := ""
	if !u.root {
		origin = u.dir
	}
	for _, f := range u.files {
		for _, n := range f.Nodes {
			sd, ok := n.(*syntax.Decl)
			if !ok {
				continue
			}
			d := &model.Decl{Name: sd.Name, Doc: sd.Doc(), Pos: sd.Pos, Origin: origin}
			switch sd.Kind {
			case syntax.Record:
				d.Kind = model.DeclRecord
			case syntax.Enum:
				d.Kind = model.DeclEnum
			default:
				continue
			}
			l.checkPascal(sd.Pos, "declaration", sd.Name)
			if prev, dup := own[sd.Name]; dup {
				l.rep.Errorf(sd.Pos, "rename one of them", "%s is already declared at %s", sd.Name, posString(prev.Pos))
				continue
			}
			if imp, dup := u.origin[sd.Name]; dup {
				l.rep.Errorf(sd.Pos, "rename it, or use the imported one", "%s is already declared by import %q", sd.Name, imp)
				continue
			}
			for _, a := range sd.Attrs {
				switch a.Name {
				case "rootobject":
					if sd.Kind != syntax.Record {
						l.rep.Errorf(a.Pos, "remove [rootobject] or make "+sd.Name+" a record", "[rootobject] applies to records, and %s is an enum", sd.Name)
					} else {
						d.RootObject = true
					}
				default:
					msg := fmt.Sprintf("unknown attribute [%s]", a.Name)
					if s := suggest(a.Name, []string{"rootobject"}); s != "" {
						msg += fmt.Sprintf("; did you mean [%s]?", s)
					}
					l.rep.Errorf(a.Pos, "the only decl attribute is [rootobject]", "%s", msg)
				}
			}
			own[sd.Name] = d
			u.scope[sd.Name] = d
			u.syn[d] = sd
			u.decls = append(u.decls, d)
		}
	}
}

// resolveDecls fills fields and values of u's decls and checks them.
func (l *loader) resolveDecls(u *unit) {
	for _, d := range u.decls {
		sd := u.syn[d]
		switch d.Kind {
		case model.DeclRecord:
			for _, sf := range sd.Fields {
				f := l.field(u, sf, "field")
				if f != nil {
					d.Fields = append(d.Fields, f)
				}
			}
			l.checkFields(d.Fields, "field", d.Name)
			if d.RootObject {
				l.rootSid(d)
			}
		case model.DeclEnum:
			for _, sv := range sd.Values {
				d.Values = append(d.Values, &model.EnumValue{Value: sv.Value, Doc: sv.Doc(), Pos: sv.Pos})
			}
			l.checkEnum(d)
		}
		// The members' syntax is not needed again (the model has their
		// positions): dropping it as the model grows keeps the loader's
		// peak near the model's size, not the model's plus the tree's
		// (on a 47 MB schema the tree alone was 330 MB).
		sd.Fields, sd.Values = nil, nil
	}
	l.checkCycles(u)
}

// field converts a record field or parameter.
func (l *loader) field(u *unit, sf *syntax.Field, what string) *model.Field {
	ok := l.checkMemberName(sf.Pos, what, sf.Name, sf.Quoted)
	f := &model.Field{
		Name:     sf.Name,
		Doc:      sf.Doc(),
		Pos:      sf.Pos,
		Type:     l.typeRef(u, sf.Type),
		Optional: sf.Optional,
		Index:    sf.Index,
	}
	for _, a := range sf.Attrs {
		switch a.Name {
		case "index":
		case "secret":
			f.Secret = true
			if k := f.Type.Kind; k != model.KindStr && k != model.KindBytes {
				l.rep.Errorf(a.Pos, "mark the str or bytes field that holds the secret",
					"@secret marks str and bytes %ss (redacted when printed), not %s", what, f.Type.String())
			}
		default:
			msg := fmt.Sprintf("unknown field attribute @%s", a.Name)
			if s := suggest(a.Name, []string{"index", "secret"}); s != "" {
				msg += fmt.Sprintf("; did you mean @%s?", s)
			}
			l.rep.Errorf(a.Pos, "the field attributes are @index and @secret", "%s", msg)
		}
	}
	if !ok {
		l.badNames[f] = true
	}
	return f
}

// typeRef resolves a written type. Unknown names are reported and become
// `any`, so checks after it never see a nil type.
func (l *loader) typeRef(u *unit, t *syntax.Type) *model.TypeRef {
	if t == nil {
		return model.Scalar(model.KindAny)
	}
	switch t.Kind {
	case syntax.TypeList:
		return model.ListOf(l.typeRef(u, t.Elem))
	case syntax.TypeMap:
		if t.Key == nil || t.Key.Kind != syntax.TypeName || t.Key.Name != "str" {
			pos := t.Pos
			if t.Key != nil {
				pos = t.Key.Pos
			}
			l.rep.Errorf(pos, "write {str: "+t.Elem.String()+"}", "map keys must be str, found %s", t.Key.String())
		}
		return model.MapOf(l.typeRef(u, t.Elem))
	}
	if k, ok := model.ScalarKinds[t.Name]; ok {
		return model.Scalar(k)
	}
	if d, ok := u.scope[t.Name]; ok {
		return model.Ref(d)
	}
	msg := fmt.Sprintf("unknown type %q", t.Name)
	hint := ""
	if alias, ok := typeAliases[t.Name]; ok {
		if strings.Contains(alias, "T") {
			hint = "write " + alias + " with T the element type"
		} else {
			msg += fmt.Sprintf("; did you mean %q?", alias)
		}
	} else {
		cands := make([]string, 0, len(u.scope)+len(model.ScalarKinds))
		for n := range u.scope {
			cands = append(cands, n)
		}
		for n := range model.ScalarKinds {
			cands = append(cands, n)
		}
		if s := suggest(t.Name, cands); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else if len(u.imports) == 0 {
			hint = "declare it, or import the schema directory that declares it"
		}
	}
	l.rep.Errorf(t.Pos, hint, "%s", msg)
	return model.Scalar(model.KindAny)
}

// rootSid checks or adds the `sid: str` field of a [rootobject] record.
func (l *loader) rootSid(d *model.Decl) {
	if f := d.Field("sid"); f != nil {
		if f.Type.Kind != model.KindStr || f.Optional {
			l.rep.Errorf(f.Pos, "write sid: str, or leave it out and it is added", "the sid of [rootobject] %s must be a required str", d.Name)
		}
		return
	}
	sid := &model.Field{Name: "sid", Doc: "Identifies the stored object.", Type: model.Scalar(model.KindStr)}
	d.Fields = append([]*model.Field{sid}, d.Fields...)
}

// unwrapPath drops the operation and path of a *fs.PathError (the message
// names the path already).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func posString(p model.Pos) string {
	if p.File == "" {
		return "(generated)"
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
