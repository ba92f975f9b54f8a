package model

// UsedDecls returns the decls reachable from the service's method params
// and results, in the order of Schema.Decls. Emitters that want a
// service-local subset use it; the default artifacts carry all of
// Schema.Decls so that stored types without methods still get types.
func (s *Schema) UsedDecls(svc *Service) []*Decl {
	seen := map[*Decl]bool{}
	var visit func(t *TypeRef)
	visit = func(t *TypeRef) {
		if t == nil {
			return
		}
		switch t.Kind {
		case KindList, KindMap:
			visit(t.Elem)
		case KindNamed:
			if seen[t.Decl] {
				return
			}
			seen[t.Decl] = true
			for _, f := range t.Decl.Fields {
				visit(f.Type)
			}
		}
	}
	for _, m := range svc.Methods {
		for _, p := range m.Params {
			visit(p.Type)
		}
		visit(m.Result)
	}
	var out []*Decl
	for _, d := range s.Decls {
		if seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// Walk calls fn for t and every type reference nested in it.
func (t *TypeRef) Walk(fn func(*TypeRef)) {
	if t == nil {
		return
	}
	fn(t)
	if t.Elem != nil {
		t.Elem.Walk(fn)
	}
}
