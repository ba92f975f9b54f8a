package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func sample() *Schema {
	phase := &Decl{Name: "Phase", Kind: DeclEnum, Values: []*EnumValue{{Value: "a"}, {Value: "b", Doc: "second"}}}
	task := &Decl{Name: "Task", Kind: DeclRecord, Doc: "A task.", RootObject: true, Fields: []*Field{
		{Name: "sid", Type: Scalar(KindStr)},
		{Name: "phase", Type: Ref(phase), Index: true},
		{Name: "tags", Type: MapOf(ListOf(Scalar(KindI64))), Optional: true, Doc: "say \"hi\""},
	}}
	return &Schema{Name: "demo", Path: "x/demo", Decls: []*Decl{phase, task}, Services: []*Service{{
		Name: "Demo", Version: "1.0.0",
		Errors:  []*ErrorDef{{Name: "NotFound", Code: 1004, Doc: "gone"}},
		Methods: []*Method{{Name: "get", Params: []*Field{{Name: "sid", Type: Scalar(KindStr)}}, Result: Ref(task)}, {Name: "reset"}},
	}}}
}

// The hash is in the header of every committed generated file: if the
// canonical form changes, every drift test in every user's repository
// fails at once. This pins it.
func TestHashIsPinned(t *testing.T) {
	assert.Equal(t, "sha256:1412140a351075b92a3e3702f6362de863a52056adb6d963cdc45329e3890ba2", sample().Hash())
}

func TestHashCoversMeaningNotPlace(t *testing.T) {
	base := sample().Hash()

	moved := sample()
	moved.Path = "elsewhere/demo"
	moved.Files = []string{"elsewhere/demo/00.oschema"}
	moved.Decls[1].Pos = Pos{File: "elsewhere/demo/00.oschema", Line: 9, Col: 1}
	assert.Equal(t, base, moved.Hash(), "paths and positions are not part of the meaning")

	for name, change := range map[string]func(*Schema){
		"doc":      func(s *Schema) { s.Decls[1].Doc = "Another." },
		"optional": func(s *Schema) { s.Decls[1].Fields[2].Optional = false },
		"type":     func(s *Schema) { s.Decls[1].Fields[0].Type = Scalar(KindBytes) },
		"enum":     func(s *Schema) { s.Decls[0].Values[0].Value = "c" },
		"method":   func(s *Schema) { s.Services[0].Methods[1].Name = "clear" },
		"error":    func(s *Schema) { s.Services[0].Errors[0].Code = 1005 },
		"version":  func(s *Schema) { s.Services[0].Version = "1.0.1" },
	} {
		s := sample()
		change(s)
		assert.NotEqual(t, base, s.Hash(), name)
	}
}

func TestTypeRefString(t *testing.T) {
	assert.Equal(t, "{str: [i64]}", MapOf(ListOf(Scalar(KindI64))).String())
	assert.Equal(t, "<nil>", (*TypeRef)(nil).String())
	assert.Equal(t, "[<nil decl>]", ListOf(&TypeRef{Kind: KindNamed}).String())
}

func TestSealComputesTheHashOnce(t *testing.T) {
	s := sample()
	want := s.Hash()
	s.Seal()
	assert.Equal(t, want, s.Hash())
	// Sealed: a (forbidden) later change is not re-hashed; this is what
	// makes Hash free for every generated file's header.
	s.Decls[1].Doc = "changed after sealing"
	assert.Equal(t, want, s.Hash())
	// Resealing after a deliberate rebuild picks the change up.
	s.Seal()
	assert.NotEqual(t, want, s.Hash())
}
