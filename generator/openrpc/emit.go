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
const Version = "1.3.2"

// Generate returns the OpenRPC document of svc as openrpc.json. See the
// package documentation for the layout and the x-oschema-* extensions.
func Generate(s *model.Schema, svc *model.Service, opts emit.Options) ([]emit.File, error) {
	doc, err := Document(s, svc)
	if err != nil {
		return nil, err
	}
	return []emit.File{{Name: FileName, Content: doc}}, nil
}

// lastDoc remembers the most recent document: one generator run asks for
// the same service's document three times (the openrpc artifact, and the
// Rust and Go servers that embed it for rpc.discover), and building it is
// a sixth of a run's CPU on large schemas. Keyed by the model hash too, so
// a changed model is never served a stale document.
var lastDoc struct {
	sync.Mutex
	s    *model.Schema
	svc  *model.Service
	hash string
	doc  []byte
}

// Document returns the OpenRPC document of svc: 2-space indented JSON with
// a trailing newline, byte-identical for equal models. The caller owns the
// returned slice.
func Document(s *model.Schema, svc *model.Service) ([]byte, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("openrpc: nil schema or service")
	}
	hash := s.Hash()
	lastDoc.Lock()
	defer lastDoc.Unlock()
	if lastDoc.s == s && lastDoc.svc == svc && lastDoc.hash == hash {
		return append([]byte(nil), lastDoc.doc...), nil
	}
	doc, err := document(s, svc)
	if err != nil {
		return nil, err
	}
	lastDoc.s, lastDoc.svc, lastDoc.hash, lastDoc.doc = s, svc, hash, doc
	return append([]byte(nil), doc...), nil
}

func document(s *model.Schema, svc *model.Service) ([]byte, error) {
	if s == nil || svc == nil {
		return nil, fmt.Errorf("openrpc: nil schema or service")
	}
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

	methods := newArray()
	for _, m := range svc.Methods {
		mv, err := methodValue(m, errRefs)
		if err != nil {
			return nil, fmt.Errorf("openrpc: service %s: method %s: %v", svc.Name, m.Name, err)
		}
		methods.add(mv)
	}
	doc.set("methods", methods)

	schemas := newObject()
	for _, d := range s.Decls {
		dv, err := declValue(d)
		if err != nil {
			return nil, fmt.Errorf("openrpc: decl %s: %v", d.Name, err)
		}
		schemas.set(d.Name, dv)
	}
	components := newObject().set("schemas", schemas)
	if len(errComponents.keys) > 0 {
		components.set("errors", errComponents)
	}
	doc.set("components", components)
	return doc.marshal(), nil
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
	if m.Doc != "" {
		mv.set("description", jsonString(m.Doc))
	}
	if m.RootObject != "" {
		mv.set("x-oschema-rootobject", jsonString(m.RootObject))
		mv.set("x-oschema-crud", jsonString(m.CRUD))
	}
	mv.set("paramStructure", jsonString("by-name"))
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
			if f.Index {
				fv.set("x-oschema-index", jsonBool(true))
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
		if d.RootObject {
			v.set("x-oschema-rootobject", jsonBool(true))
		}
	case model.DeclEnum:
		v.set("type", jsonString("string"))
		if d.Doc != "" {
			v.set("description", jsonString(d.Doc))
		}
		values := newArray()
		docs := newObject()
		for _, ev := range d.Values {
			values.add(jsonString(ev.Value))
			if ev.Doc != "" {
				docs.set(ev.Value, jsonString(ev.Doc))
			}
		}
		v.set("enum", values)
		if len(docs.keys) > 0 {
			v.set("x-oschema-enum-docs", docs)
		}
	default:
		return nil, fmt.Errorf("unknown decl kind %d", d.Kind)
	}
	if d.Origin != "" {
		v.set("x-oschema-origin", jsonString(d.Origin))
	}
	return v, nil
}

// typeSchema is the JSON Schema of a type reference (design.md, "Type
// mapping"). It returns a fresh object the caller may add keys to.
func typeSchema(t *model.TypeRef) (*value, error) {
	if t == nil {
		return nil, fmt.Errorf("missing type")
	}
	v := newObject()
	typ := func(s string) { v.set("type", jsonString(s)) }
	format := func(s string) { v.set("format", jsonString(s)) }
	switch t.Kind {
	case model.KindStr:
		typ("string")
	case model.KindBool:
		typ("boolean")
	case model.KindI32:
		typ("integer")
		format("int32")
	case model.KindI64:
		typ("integer")
		format("int64")
	case model.KindU32:
		typ("integer")
		format("uint32")
		v.set("minimum", jsonInt(0))
	case model.KindU64:
		typ("integer")
		format("uint64")
		v.set("minimum", jsonInt(0))
	case model.KindF32:
		typ("number")
		format("float")
	case model.KindF64:
		typ("number")
		format("double")
	case model.KindOtime:
		typ("string")
		format("date-time")
	case model.KindBytes:
		typ("string")
		v.set("contentEncoding", jsonString("base64"))
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
