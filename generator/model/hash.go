package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Hash returns "sha256:<hex>" of a canonical rendering of the schema's
// meaning: decls, services, docs. Source positions, file names and the
// schema's path are left out, so reformatting a schema or moving its
// directory keeps the hash while any change that can alter generated code
// changes it. Generated files carry it in their header so drift between a
// committed artifact and its schema can be detected.
func (s *Schema) Hash() string {
	h := sha256.Sum256([]byte(s.Canonical()))
	return "sha256:" + hex.EncodeToString(h[:])
}

// Canonical renders the schema's meaning as stable text (the input of
// Hash). It is also handy in tests: two models are equal in meaning iff
// their canonical texts are equal.
func (s *Schema) Canonical() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema %q\n", s.Name)
	for _, d := range s.Decls {
		fmt.Fprintf(&b, "decl %q origin=%q doc=%q", d.Name, d.Origin, d.Doc)
		switch d.Kind {
		case DeclRecord:
			fmt.Fprintf(&b, " record root=%t\n", d.RootObject)
			for _, f := range d.Fields {
				writeField(&b, "  field", f)
			}
		case DeclEnum:
			b.WriteString(" enum\n")
			for _, v := range d.Values {
				fmt.Fprintf(&b, "  value %q doc=%q\n", v.Value, v.Doc)
			}
		}
	}
	for _, svc := range s.Services {
		fmt.Fprintf(&b, "service %q version=%q doc=%q\n", svc.Name, svc.Version, svc.Doc)
		for _, e := range svc.Errors {
			fmt.Fprintf(&b, "  error %q code=%d doc=%q\n", e.Name, e.Code, e.Doc)
		}
		for _, m := range svc.Methods {
			fmt.Fprintf(&b, "  method %q doc=%q crud=%q/%q", m.Name, m.Doc, m.RootObject, m.CRUD)
			if m.Result != nil {
				fmt.Fprintf(&b, " result=%s resultdoc=%q", m.Result, m.ResultDoc)
			}
			b.WriteString("\n")
			for _, p := range m.Params {
				writeField(&b, "    param", p)
			}
		}
	}
	return b.String()
}

func writeField(b *strings.Builder, what string, f *Field) {
	fmt.Fprintf(b, "%s %q %s optional=%t index=%t doc=%q\n", what, f.Name, f.Type, f.Optional, f.Index, f.Doc)
}
