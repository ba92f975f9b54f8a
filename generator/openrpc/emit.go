package openrpc

import (
	"fmt"
	"strings"
	"sync"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

// FileName is the default name of the OpenRPC artifact.
const FileName = "openrpc.json"

// Version is the OpenRPC specification version of generated documents.
// Nothing they say needs OpenRPC 1.3 (every method has a result, the
// extensions are where 1.2 allows them), so they claim the lower 1.2.6,
// which more tools understand; they are valid 1.3 documents too.
const Version = "1.2.6"

// DateTimePattern is the JSON Schema of an otime, the otime rule: an RFC
// 3339 date-time with an upper-case "T" and "Z", seconds 00-59, one to
// nine fraction digits if any, a real calendar date (leap years included)
// and an offset of at most 23:59. Every generated server accepts exactly
// these and sends nothing else, every generated client refuses a reply
// with another (docs/design.md, "The otime rule"); Go, Python and
// JavaScript embed this expression, Rust checks it by hand. A pattern, not "format": "date-time": strict
// validators (ajv without ajv-formats, as @open-rpc/test-coverage runs it)
// reject a schema with a format they do not know, and json-schema-faker
// makes matching values from a pattern.
const DateTimePattern = `^(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)` +
	`T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$`

// Base64Pattern is the pattern of a bytes value: standard base64 with
// padding, in the canonical form every encoder writes (unused bits zero).
const Base64Pattern = `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$`

// The bounds that say i32, u32 and f32 in a schema (i64 is a bare
// integer, u64 one with minimum 0), written as JSON numbers.
const (
	minInt32   = "-2147483648"
	maxInt32   = "2147483647"
	maxUint32  = "4294967295"
	maxFloat32 = "3.4028234663852886e+38"
)

// Generate returns the OpenRPC document of svc as openrpc.json. See the
// package documentation for the layout and the x-oschema-* extensions.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	doc, err := Document(s, svc)
	if err != nil {
		return nil, err
	}
	return []emit.File{{Name: FileName, Content: doc}}, nil
}

// lastDoc remembers the most recent document: callers ask for the same
// service's document in turn (tests build an api.go and the openrpc.json
// it embeds side by side; the reference server of clienttest serves it),
// and building it is a sixth of a generator run's CPU on large schemas.
// (The Go and Rust servers no longer hold a copy: they embed
// openrpc.json, so a CLI run builds it once.) Keyed by the model hash
// too, so a changed model is never served a stale document. It is a
// string, so callers share it instead of copying it (on a large schema
// each copy is hundreds of megabytes).
var lastDoc struct {
	sync.Mutex
	s    *model.Schema
	svc  *model.Service
	hash string
	doc  string
}

// Document returns the OpenRPC document of svc: 2-space indented JSON with
// a trailing newline, byte-identical for equal models. The caller owns the
// returned slice.
func Document(s *model.Schema, svc *model.Service) ([]byte, error) {
	doc, err := DocumentString(s, svc)
	if err != nil {
		return nil, err
	}
	return []byte(doc), nil
}

// DocumentString is Document as a string, shared with other callers
// instead of copied.
func DocumentString(s *model.Schema, svc *model.Service) (string, error) {
	if s == nil || svc == nil {
		return "", fmt.Errorf("openrpc: nil schema or service")
	}
	hash := s.Hash()
	lastDoc.Lock()
	defer lastDoc.Unlock()
	if lastDoc.s == s && lastDoc.svc == svc && lastDoc.hash == hash {
		return lastDoc.doc, nil
	}
	doc, err := document(s, svc)
	if err != nil {
		return "", err
	}
	lastDoc.s, lastDoc.svc, lastDoc.hash, lastDoc.doc = s, svc, hash, doc
	return doc, nil
}

func document(s *model.Schema, svc *model.Service) (string, error) {
	info := newObject().set("title", jsonString(svc.Name))
	if svc.Doc != "" {
		info.set("description", jsonString(svc.Doc))
	}
	version := svc.Version
	if version == "" {
		version = "1.0.0"
	}
	info.set("version", jsonString(version))

	doc := newObject().
		set("openrpc", jsonString(Version)).
		set("info", info).
		set("x-oschema-source", jsonString(s.Path)).
		set("x-oschema-schema", jsonString(s.Name)).
		set("x-oschema-model", jsonString(s.Hash()))

	errRefs := newArray()
	errComponents := newObject()
	errDocs := newObject()
	for _, e := range svc.Errors {
		msg := errorMessage(e)
		errComponents.set(e.Name, newObject().set("code", jsonInt(e.Code)).set("message", jsonString(msg)))
		errRefs.add(newObject().set("$ref", jsonString("#/components/errors/"+e.Name)))
		if e.Doc != msg {
			errDocs.set(e.Name, jsonString(e.Doc))
		}
	}
	if len(errDocs.keys) > 0 {
		doc.set("x-oschema-error-docs", errDocs)
	}
	if types := declExtensions(s); len(types.keys) > 0 {
		doc.set("x-oschema-types", types)
	}

	// Methods and schemas are built one at a time as they are written:
	// as one tree, a large schema's document took several times its own
	// size in memory.
	methods := lazyArray(len(svc.Methods), func(i int) (*value, error) {
		m := svc.Methods[i]
		mv, err := methodValue(m, errRefs)
		if err != nil {
			return nil, fmt.Errorf("openrpc: service %s: method %s: %v", svc.Name, m.Name, err)
		}
		return mv, nil
	})
	doc.set("methods", methods)

	schemas := lazyObject(len(s.Decls), func(i int) (string, *value, error) {
		d := s.Decls[i]
		dv, err := declValue(d)
		if err != nil {
			return "", nil, fmt.Errorf("openrpc: decl %s: %v", d.Name, err)
		}
		return d.Name, dv, nil
	})
	components := newObject().set("schemas", schemas)
	if len(errComponents.keys) > 0 {
		components.set("errors", errComponents)
	}
	doc.set("components", components)
	return doc.marshal()
}

// errorMessage is the JSON-RPC message of an application error: the first
// line of its doc, or its name (design.md, "Wire protocol").
func errorMessage(e *model.ErrorDef) string {
	if e.Doc == "" {
		return e.Name
	}
	return strings.SplitN(e.Doc, "\n", 2)[0]
}

func methodValue(m *model.Method, errRefs *value) (*value, error) {
	mv := newObject().set("name", jsonString(m.Name))
	// A doc of more than one line gives its first line as the summary
	// (the importer then takes the description alone); a "Deprecated:"
	// paragraph marks the method deprecated.
	if first, _, more := strings.Cut(m.Doc, "\n"); more && strings.TrimSpace(first) != "" {
		mv.set("summary", jsonString(strings.TrimSpace(first)))
	}
	if m.Doc != "" {
		mv.set("description", jsonString(m.Doc))
	}
	if m.Deprecated() {
		mv.set("deprecated", jsonBool(true))
	}
	if m.RootObject != "" {
		mv.set("x-oschema-rootobject", jsonString(m.RootObject))
		mv.set("x-oschema-crud", jsonString(m.CRUD))
	}
	if m.Positional {
		mv.set("paramStructure", jsonString("by-position"))
	} else {
		mv.set("paramStructure", jsonString("by-name"))
	}
	params := newArray()
	for _, p := range m.Params {
		sv, err := typeSchema(p.Type)
		if err != nil {
			return nil, fmt.Errorf("param %s: %v", p.Name, err)
		}
		cd := newObject().set("name", jsonString(p.Name))
		if p.Doc != "" {
			cd.set("description", jsonString(p.Doc))
		}
		if !p.Optional {
			cd.set("required", jsonBool(true))
		}
		cd.set("schema", sv)
		if p.Index {
			cd.set("x-oschema-index", jsonBool(true))
		}
		if p.Secret {
			cd.set("x-oschema-secret", jsonBool(true))
		}
		params.add(cd)
	}
	mv.set("params", params)

	// OpenRPC 1.3 reads a method without "result" as a notification, but
	// a method without a result still answers (with result null), so it
	// gets a result whose schema is {"type": "null"}.
	var rs *value
	if m.Result == nil {
		rs = newObject().set("type", jsonString("null"))
	} else {
		var err error
		if rs, err = typeSchema(m.Result); err != nil {
			return nil, fmt.Errorf("result: %v", err)
		}
	}
	result := newObject().set("name", jsonString("result"))
	if m.ResultDoc != "" {
		result.set("description", jsonString(m.ResultDoc))
	}
	mv.set("result", result.set("schema", rs))
	if len(errRefs.arr) > 0 {
		mv.set("errors", errRefs)
	}
	return mv, nil
}

func declValue(d *model.Decl) (*value, error) {
	v := newObject()
	switch d.Kind {
	case model.DeclRecord:
		v.set("type", jsonString("object"))
		if d.Doc != "" {
			v.set("description", jsonString(d.Doc))
		}
		props := newObject()
		required := newArray()
		for _, f := range d.Fields {
			fv, err := typeSchema(f.Type)
			if err != nil {
				return nil, fmt.Errorf("field %s: %v", f.Name, err)
			}
			if f.Doc != "" {
				fv.set("description", jsonString(f.Doc))
			}
			props.set(f.Name, fv)
			if !f.Optional {
				required.add(jsonString(f.Name))
			}
		}
		v.set("properties", props)
		if len(required.arr) > 0 {
			v.set("required", required)
		}
	case model.DeclEnum:
		v.set("type", jsonString("string"))
		if d.Doc != "" {
			v.set("description", jsonString(d.Doc))
		}
		values := newArray()
		for _, ev := range d.Values {
			values.add(jsonString(ev.Value))
		}
		v.set("enum", values)
	default:
		return nil, fmt.Errorf("unknown decl kind %d", d.Kind)
	}
	return v, nil
}

// declExtensions is the top-level "x-oschema-types": what JSON Schema
// cannot say about a decl, keyed by its name in components.schemas, for
// the decls that have any of it: "rootobject" (true), "origin" (import
// path), "index" and "secret" (the @index and @secret fields, in field
// order) and "enum-docs"
// (value -> doc). It lives at the top level, not in the schemas, because
// strict JSON Schema validators reject unknown keywords in a schema.
func declExtensions(s *model.Schema) *value {
	types := newObject()
	for _, d := range s.Decls {
		ext := newObject()
		if d.RootObject {
			ext.set("rootobject", jsonBool(true))
		}
		if d.Origin != "" {
			ext.set("origin", jsonString(d.Origin))
		}
		index, secret := newArray(), newArray()
		for _, f := range d.Fields {
			if f.Index {
				index.add(jsonString(f.Name))
			}
			if f.Secret {
				secret.add(jsonString(f.Name))
			}
		}
		if len(index.arr) > 0 {
			ext.set("index", index)
		}
		if len(secret.arr) > 0 {
			ext.set("secret", secret)
		}
		docs := newObject()
		for _, ev := range d.Values {
			if ev.Doc != "" {
				docs.set(ev.Value, jsonString(ev.Doc))
			}
		}
		if len(docs.keys) > 0 {
			ext.set("enum-docs", docs)
		}
		if len(ext.keys) > 0 {
			types.set(d.Name, ext)
		}
	}
	return types
}

// typeSchema is the JSON Schema of a type reference (design.md, "Type
// mapping"). It returns a fresh object the caller may add keys to.
func typeSchema(t *model.TypeRef) (*value, error) {
	if t == nil {
		return nil, fmt.Errorf("missing type")
	}
	v := newObject()
	typ := func(s string) { v.set("type", jsonString(s)) }
	bounds := func(min, max string) {
		v.set("minimum", jsonNumber(min))
		if max != "" {
			v.set("maximum", jsonNumber(max))
		}
	}
	switch t.Kind {
	case model.KindStr:
		typ("string")
	case model.KindBool:
		typ("boolean")
	case model.KindI32:
		typ("integer")
		bounds(minInt32, maxInt32)
	case model.KindI64:
		typ("integer")
	case model.KindU32:
		typ("integer")
		bounds("0", maxUint32)
	case model.KindU64:
		typ("integer")
		bounds("0", "")
	case model.KindF32:
		typ("number")
		bounds("-"+maxFloat32, maxFloat32)
	case model.KindF64:
		typ("number")
	case model.KindOtime:
		typ("string")
		v.set("pattern", jsonString(DateTimePattern))
	case model.KindBytes:
		typ("string")
		v.set("contentEncoding", jsonString("base64"))
		v.set("pattern", jsonString(Base64Pattern))
	case model.KindAny:
	case model.KindList, model.KindMap:
		elem, err := typeSchema(t.Elem)
		if err != nil {
			return nil, err
		}
		if t.Kind == model.KindList {
			typ("array")
			v.set("items", elem)
		} else {
			typ("object")
			v.set("additionalProperties", elem)
		}
	case model.KindNamed:
		if t.Decl == nil {
			return nil, fmt.Errorf("named type without a decl")
		}
		v.set("$ref", jsonString("#/components/schemas/"+t.Decl.Name))
	default:
		return nil, fmt.Errorf("unknown type kind %d", t.Kind)
	}
	return v, nil
}
