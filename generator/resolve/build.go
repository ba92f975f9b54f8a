package resolve

import (
	"fmt"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// JSON-RPC reserves -32768..-32000 for the protocol; -32099..-32000 are
// left to servers, so schemas may use those.
const (
	reservedMin = -32768
	reservedMax = -32100
)

// build assembles the root schema: services, [rootobject] expansion, the
// decls used from imports, and the checks that span decls and services.
func (l *loader) build(u *unit) *model.Schema {
	s := &model.Schema{Name: path2name(u.dir), Path: u.dir, Imports: append([]string{}, u.imports...)}
	if len(s.Imports) == 0 {
		s.Imports = nil
	}
	seenFiles := map[*unit]bool{}
	var addFiles func(x *unit)
	addFiles = func(x *unit) {
		if seenFiles[x] {
			return
		}
		seenFiles[x] = true
		s.Files = append(s.Files, x.paths...)
		for _, dep := range x.deps {
			addFiles(dep)
		}
	}
	addFiles(u)

	for _, f := range u.files {
		for _, n := range f.Nodes {
			if ss, ok := n.(*syntax.Service); ok {
				s.Services = append(s.Services, l.service(u, ss))
			}
		}
	}
	l.expandRootObjects(u, s)
	for _, svc := range s.Services {
		l.checkService(svc)
	}
	l.checkTypeNames(u, s)

	s.Decls = append(s.Decls, u.decls...)
	used := map[*model.Decl]bool{}
	for _, d := range u.decls {
		used[d] = true
	}
	var visit func(t *model.TypeRef)
	visit = func(t *model.TypeRef) {
		t.Walk(func(r *model.TypeRef) {
			if r.Kind != model.KindNamed || used[r.Decl] {
				return
			}
			used[r.Decl] = true
			s.Decls = append(s.Decls, r.Decl)
			for _, f := range r.Decl.Fields {
				visit(f.Type)
			}
		})
	}
	for _, d := range u.decls {
		for _, f := range d.Fields {
			visit(f.Type)
		}
	}
	for _, svc := range s.Services {
		for _, m := range svc.Methods {
			for _, p := range m.Params {
				visit(p.Type)
			}
			if m.Result != nil {
				visit(m.Result)
			}
		}
	}
	return s
}

// path2name is the schema name of a directory: its base name.
func path2name(dir string) string {
	if i := strings.LastIndex(dir, "/"); i >= 0 {
		return dir[i+1:]
	}
	return dir
}

func (l *loader) service(u *unit, ss *syntax.Service) *model.Service {
	l.checkPascal(ss.Pos, "service", ss.Name)
	svc := &model.Service{Name: ss.Name, Doc: ss.Doc(), Pos: ss.Pos, Version: DefaultVersion}
	var version *syntax.Version
	for _, mem := range ss.Members {
		switch m := mem.(type) {
		case *syntax.Version:
			if version != nil {
				l.rep.Errorf(m.Pos, "keep one version line", "duplicate version in service %s (first at %s)", ss.Name, posString(version.Pos))
				continue
			}
			version = m
			if !model.ValidVersion(m.Value) {
				l.rep.Errorf(m.ValuePos, "versions are semantic versions like \"1.2.0\"", "invalid version %q", m.Value)
			}
			svc.Version = m.Value
		case *syntax.ErrorDecl:
			l.checkPascal(m.Pos, "error", m.Name)
			if m.Code >= reservedMin && m.Code <= reservedMax {
				l.rep.Errorf(m.CodePos, "use a positive code like 1004, or a server error code in -32099..-32000",
					"error code %d is reserved by JSON-RPC (-32768..-32100)", m.Code)
			} else if m.Code < -1<<31 || m.Code > 1<<31-1 {
				l.rep.Errorf(m.CodePos, "JSON-RPC error codes are 32-bit integers", "error code %d is out of range", m.Code)
			}
			svc.Errors = append(svc.Errors, &model.ErrorDef{Name: m.Name, Code: int(m.Code), Doc: m.Doc(), Pos: m.Pos})
		case *syntax.Method:
			meth := &model.Method{Name: m.Name, Doc: m.Doc(), Pos: m.Pos}
			if !l.checkMemberName(m.Pos, "method", m.Name, m.Quoted) {
				l.badNames[meth] = true
			}
			for _, sp := range m.Params {
				meth.Params = append(meth.Params, l.field(u, sp, "parameter"))
			}
			if m.Result != nil {
				meth.Result = l.typeRef(u, m.Result)
			}
			for _, a := range m.Attrs {
				if a.Name == "positional" {
					meth.Positional = true
					continue
				}
				msg := fmt.Sprintf("unknown method attribute @%s", a.Name)
				if s := suggest(a.Name, []string{"positional"}); s != "" {
					msg += "; did you mean @positional?"
				}
				l.rep.Errorf(a.Pos, "the method attribute is @positional (params sent by position)", "%s", msg)
			}
			l.checkFields(meth.Params, "parameter", "method "+syntax.MethodName(m.Name))
			svc.Methods = append(svc.Methods, meth)
		}
	}
	return svc
}

// expandRootObjects adds the CRUD methods of every [rootobject] record of
// the root unit to the schema's single service (creating it if needed).
func (l *loader) expandRootObjects(u *unit, s *model.Schema) {
	var roots []*model.Decl
	for _, d := range u.decls {
		if d.RootObject {
			roots = append(roots, d)
		}
	}
	if len(roots) == 0 {
		return
	}
	if len(s.Services) > 1 {
		var svcNames []string
		for _, svc := range s.Services {
			svcNames = append(svcNames, svc.Name)
		}
		for _, d := range roots {
			l.rep.Errorf(attrPos(u.syn[d], "rootobject"), "keep one service block in a schema with [rootobject] records, or split the schema",
				"[rootobject] %s needs a single service to add its methods to, and this schema has %d (%s)", d.Name, len(s.Services), strings.Join(svcNames, ", "))
		}
		return
	}
	if len(s.Services) == 0 {
		s.Services = append(s.Services, &model.Service{Name: names.Pascal(s.Name) + "Service", Version: DefaultVersion})
	}
	svc := s.Services[0]
	var crud []*model.Method
	for _, d := range roots {
		crud = append(crud, CRUDMethods(d)...)
	}
	svc.Methods = append(crud, svc.Methods...)
}

// attrPos returns the position of attribute name on d, or d's position.
func attrPos(d *syntax.Decl, name string) model.Pos {
	for _, a := range d.Attrs {
		if a.Name == name {
			return a.Pos
		}
	}
	return d.Pos
}

// CRUDMethods returns the methods [rootobject] expands record d into, in
// their documented order.
func CRUDMethods(d *model.Decl) []*model.Method {
	t := names.Snake(d.Name)
	self := model.Ref(d)
	sid := func() []*model.Field {
		return []*model.Field{{Name: "sid", Type: model.Scalar(model.KindStr), Doc: "The sid of the " + d.Name + "."}}
	}
	mk := func(op, doc string, params []*model.Field, result *model.TypeRef) *model.Method {
		return &model.Method{Name: t + "_" + op, Doc: doc, Params: params, Result: result, RootObject: d.Name, CRUD: op}
	}
	var find []*model.Field
	for _, f := range d.Fields {
		if f.Index {
			find = append(find, &model.Field{Name: f.Name, Doc: f.Doc, Type: f.Type, Optional: true})
		}
	}
	return []*model.Method{
		mk("new", fmt.Sprintf("Stores a new %s and returns it with its sid set.", d.Name),
			[]*model.Field{{Name: t, Type: self}}, self),
		mk("get", fmt.Sprintf("Returns the %s with the given sid.", d.Name), sid(), self),
		mk("set", fmt.Sprintf("Replaces the whole stored %s that has the same sid and returns it.", d.Name),
			[]*model.Field{{Name: t, Type: self}}, self),
		mk("delete", fmt.Sprintf("Deletes the %s with the given sid.", d.Name), sid(), nil),
		mk("list", fmt.Sprintf("Returns the sids of every %s.", d.Name), nil, model.ListOf(model.Scalar(model.KindStr))),
		mk("list_full", fmt.Sprintf("Returns every %s.", d.Name), nil, model.ListOf(self)),
		mk("exists", fmt.Sprintf("Reports whether a %s with the given sid exists.", d.Name), sid(), model.Scalar(model.KindBool)),
		mk("find", fmt.Sprintf("Returns every %s whose indexed fields equal the given values; an omitted value matches anything.", d.Name),
			find, model.ListOf(self)),
	}
}

// checkService checks method and error names of a service.
func (l *loader) checkService(svc *model.Service) {
	var items []named
	generated := map[string]string{}
	for _, m := range svc.Methods {
		if m.RootObject != "" {
			generated[m.Name] = m.RootObject
		}
	}
	for _, m := range svc.Methods {
		invalid := l.badNames[m]
		if root, ok := generated[m.Name]; ok && m.RootObject == "" {
			l.rep.Errorf(m.Pos, "rename the method; [rootobject] "+root+" generates the CRUD methods "+names.Snake(root)+"_new, _get, _set, _delete, _list, _list_full, _exists and _find",
				"method %s is already generated by [rootobject] %s", m.Name, root)
			invalid = true
		}
		items = append(items, named{name: m.Name, pos: m.Pos, what: "method", invalid: invalid})
	}
	l.checkUnique(items, memberConversions, " in service "+svc.Name)
	var errs []named
	codes := map[int]*model.ErrorDef{}
	for _, e := range svc.Errors {
		errs = append(errs, named{name: e.Name, pos: e.Pos, what: "error", invalid: !pascalRE.MatchString(e.Name)})
		if prev, dup := codes[e.Code]; dup {
			l.rep.Errorf(e.Pos, "give each error its own code", "error %s has the same code %d as %s", e.Name, e.Code, prev.Name)
			continue
		}
		codes[e.Code] = e
	}
	l.checkUnique(errs, typeConversions, " in service "+svc.Name)
}

// checkTypeNames checks the names that share the type namespace of the
// generated code: decls, services, errors and the Input/Output wrapper
// types emitters generate for each method.
func (l *loader) checkTypeNames(u *unit, s *model.Schema) {
	var items []named
	for _, d := range u.decls {
		items = append(items, named{name: d.Name, pos: d.Pos, what: "declaration", invalid: !pascalRE.MatchString(d.Name)})
	}
	for _, svc := range s.Services {
		items = append(items, named{name: svc.Name, pos: svc.Pos, what: "service", invalid: !pascalRE.MatchString(svc.Name)})
	}
	declNames := map[string]*model.Decl{}
	for _, d := range u.decls {
		declNames[d.Name] = d
	}
	for _, svc := range s.Services {
		for _, e := range svc.Errors {
			if d, ok := declNames[e.Name]; ok {
				l.rep.Errorf(e.Pos, "rename the error or the declaration", "error %s has the same name as the declaration at %s", e.Name, posString(d.Pos))
			}
		}
	}
	// The Input/Output wrapper types emitters generate for each method.
	for _, svc := range s.Services {
		for _, m := range svc.Methods {
			for _, suffix := range []string{"Input", "Output"} {
				items = append(items, named{name: m.Name, pos: m.Pos, what: "the " + suffix + " wrapper of method",
					suffix: suffix, invalid: l.badNames[m]})
			}
		}
	}
	l.checkUnique(items, typeConversions, "")
}
