package model

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
)

// Hash returns "sha256:<hex>" of a canonical rendering of the schema's
// meaning: decls, services, docs. Source positions, file names and the
// schema's path are left out, so reformatting a schema or moving its
// directory keeps the hash while any change that can alter generated code
// changes it. Generated files carry it in their header so drift between a
// committed artifact and its schema can be detected.
//
// Every generated file's header carries it, so on a sealed schema (see
// Seal) it is computed once.
func (s *Schema) Hash() string {
	if s.sealedHash != "" {
		return s.sealedHash
	}
	// The canonical text is streamed through the hash in small chunks: on
	// a large schema it is several times the size of the input, and
	// building it whole dominated the generator's peak memory.
	h := sha256.New()
	w := canonWriter{sink: h, b: make([]byte, 0, canonChunk)}
	s.writeCanonical(&w)
	w.flush()
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Seal records that s is complete and will not change again, so Hash can
// be computed once. The resolver and the OpenRPC importer seal what they
// return; a model built by hand (in tests) is not sealed and is hashed
// afresh on every call. Changing a sealed schema is a bug.
func (s *Schema) Seal() {
	s.sealedHash = ""
	s.sealedHash = s.Hash()
}

// Canonical renders the schema's meaning as stable text (the input of
// Hash). It is also handy in tests: two models are equal in meaning iff
// their canonical texts are equal. Strings are quoted as Go quotes them
// (strconv.Quote); the format must never change, or every committed
// generated file would report drift.
func (s *Schema) Canonical() string {
	var b strings.Builder
	w := canonWriter{sink: &b}
	s.writeCanonical(&w)
	w.flush()
	return b.String()
}

func (s *Schema) writeCanonical(w *canonWriter) {
	w.str("schema ").q(s.Name).str("\n")
	for _, d := range s.Decls {
		w.str("decl ").q(d.Name).str(" origin=").q(d.Origin).str(" doc=").q(d.Doc)
		switch d.Kind {
		case DeclRecord:
			w.str(" record root=").str(strconv.FormatBool(d.RootObject)).str("\n")
			for _, f := range d.Fields {
				w.field("  field", f)
			}
		case DeclEnum:
			w.str(" enum\n")
			for _, v := range d.Values {
				w.str("  value ").q(v.Value).str(" doc=").q(v.Doc).str("\n")
			}
		}
		w.spill()
	}
	for _, svc := range s.Services {
		w.str("service ").q(svc.Name).str(" version=").q(svc.Version).str(" doc=").q(svc.Doc).str("\n")
		for _, e := range svc.Errors {
			w.str("  error ").q(e.Name).str(" code=").str(strconv.Itoa(e.Code)).str(" doc=").q(e.Doc).str("\n")
		}
		for _, m := range svc.Methods {
			w.str("  method ").q(m.Name).str(" doc=").q(m.Doc).str(" crud=").q(m.RootObject).str("/").q(m.CRUD)
			if m.Result != nil {
				w.str(" result=").str(m.Result.String()).str(" resultdoc=").q(m.ResultDoc)
			}
			if m.Positional {
				w.str(" positional")
			}
			w.str("\n")
			for _, p := range m.Params {
				w.field("    param", p)
			}
			w.spill()
		}
	}
}

// canonChunk is how much canonical text is buffered before it is written
// to the sink.
const canonChunk = 64 << 10

// canonWriter appends to a byte slice that it hands to sink whenever it
// passes canonChunk; it avoids fmt, as it runs on every schema loaded.
type canonWriter struct {
	sink io.Writer // a hash.Hash or a strings.Builder: neither fails
	b    []byte
}

func (w *canonWriter) str(s string) *canonWriter { w.b = append(w.b, s...); return w }
func (w *canonWriter) q(s string) *canonWriter   { w.b = strconv.AppendQuote(w.b, s); return w }

// spill writes the buffer out once it is over canonChunk.
func (w *canonWriter) spill() {
	if len(w.b) >= canonChunk {
		w.flush()
	}
}

func (w *canonWriter) flush() {
	_, _ = w.sink.Write(w.b)
	w.b = w.b[:0]
}

func (w *canonWriter) field(what string, f *Field) {
	w.str(what).str(" ").q(f.Name).str(" ").str(f.Type.String()).
		str(" optional=").str(strconv.FormatBool(f.Optional)).
		str(" index=").str(strconv.FormatBool(f.Index))
	if f.Secret { // only when set, so the hashes of schemas without it stay
		w.str(" secret=true")
	}
	w.str(" doc=").q(f.Doc).str("\n")
}
