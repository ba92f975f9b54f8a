package model

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
