package openrpc

import (
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// Import reads an OpenRPC 1.0 to 1.3 document into a model with one
// service. path names the document in error messages and becomes the
// schema's Path; it should be workspace-relative. The constructs accepted
// and what they become are listed in the package documentation; anything
// else is an error naming the JSON pointer of the offending value, e.g.
// "openrpc.json: #/methods/3/params/0/schema/allOf: ...".
func Import(path string, data []byte) (*model.Schema, error) {
	s, _, err := ImportWithWarnings(path, data)
	return s, err
}

// ImportWithWarnings is Import that also returns the warnings: constructs
// imported with a lossy mapping (a oneOf/anyOf union imported as any),
// each "path: #/pointer: message", once, in the order found (components
// first, then methods).
func ImportWithWarnings(path string, data []byte) (*model.Schema, []string, error) {
	root, err := parseJSON(data)
	if err != nil {
		if _, ok := err.(*pointerError); ok {
			return nil, nil, fmt.Errorf("%s: %v", path, err)
		}
		return nil, nil, fmt.Errorf("%s:%v", path, err)
	}
	im := &importer{
		path:      path,
		root:      root,
		comps:     map[string]*component{},
		declNames: map[string]string{},
		cdBusy:    map[string]bool{},
		allOfBusy: map[string]bool{},
	}
	s, err := im.run()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	s.Seal()
	var warnings []string
	for _, w := range im.warnings {
		warnings = append(warnings, path+": "+w)
	}
	return s, warnings, nil
}

// component is an entry of components.schemas being resolved.
type component struct {
	key      string
	name     string // names.Pascal(key)
	index    int    // position in components.schemas
	ptr      string
	schema   *value
	state    int // 0 unvisited, 1 resolving, 2 done
	t        *model.TypeRef
	nullable bool
}

type importer struct {
	path      string
	root      *value
	s         *model.Schema
	comps     map[string]*component
	declNames map[string]string   // decl name -> JSON pointer that claimed it
	declOrder map[*model.Decl]int // component index, or -1 for derived decls
	derived   []*model.Decl       // derived decls in creation order
	cdBusy    map[string]bool     // content descriptors being resolved
	depth     int                 // list elements and map values around the schema being converted
	allOfBusy map[string]bool     // components whose allOf parts are being flattened
	warnings  []string            // "#/pointer: message"
}

// warn records a lossy mapping at ptr.
// A schema converted twice (a component's properties merged into an
// allOf) warns once.
func (im *importer) warn(ptr, format string, args ...interface{}) {
	w := ptr + ": " + fmt.Sprintf(format, args...)
	for _, seen := range im.warnings {
		if seen == w {
			return
		}
	}
	im.warnings = append(im.warnings, w)
}

func (im *importer) run() (*model.Schema, error) {
	root := im.root
	if !root.isObject() {
		return nil, errAt("#", "an OpenRPC document must be a JSON object, not %s", root.kind)
	}
	ver := root.get("openrpc")
	if ver == nil {
		return nil, errAt("#", `missing "openrpc" (the specification version)`)
	}
	if !ver.isString() {
		return nil, errAt("#/openrpc", "must be a string, not %s", ver.kind)
	}
	if !supportedVersion(ver.s) {
		return nil, errAt("#/openrpc", "unsupported OpenRPC version %q (supported: 1.0 to 1.3)", ver.s)
	}
	info := root.get("info")
	if !info.isObject() {
		return nil, errAt("#/info", "missing or not an object")
	}
	title, err := optString(info, "title", "#/info")
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, errAt("#/info/title", "missing or empty: the service is named after it")
	}
	svc := &model.Service{Name: serviceName(title)}
	if svc.Doc, err = optString(info, "description", "#/info"); err != nil {
		return nil, err
	}
	if svc.Version, err = optString(info, "version", "#/info"); err != nil {
		return nil, err
	}
	svc.Version = im.version(svc.Version)

	s := &model.Schema{Path: im.path, Files: []string{im.path}, Services: []*model.Service{svc}}
	im.s = s
	if s.Name, err = optString(root, "x-oschema-schema", "#"); err != nil {
		return nil, err
	}
	if s.Name == "" {
		s.Name = names.Snake(svc.Name)
	}

	if err := im.components(); err != nil {
		return nil, err
	}
	if err := im.errors(svc); err != nil {
		return nil, err
	}
	if err := im.methods(svc); err != nil {
		return nil, err
	}
	if err := im.declExtensions(); err != nil {
		return nil, err
	}
	im.orderDecls()

	origins := map[string]bool{}
	for _, d := range s.Decls {
		if d.Origin != "" && !origins[d.Origin] {
			origins[d.Origin] = true
			s.Imports = append(s.Imports, d.Origin)
		}
	}
	sort.Strings(s.Imports)
	return s, nil
}

// checkOrigin refuses an origin (the import path of the schema a decl
// came from) that is not one the .oschema language can write: printed as
// an import, it must read back as the same path.
func checkOrigin(origin, ptr string) error {
	if origin == "" {
		return nil
	}
	ok := fs.ValidPath(origin) && origin != "." && utf8.ValidString(origin)
	for _, r := range origin {
		if unicode.IsControl(r) || r == '"' || r == '\\' || !unicode.IsPrint(r) {
			ok = false
		}
	}
	if !ok {
		return errAt(ptr, "origin %q is not a workspace-relative import path such as \"examples/common\"", origin)
	}
	return nil
}

// secretType refuses @secret on a field that is not str or bytes, as the
// .oschema language does.
func secretType(f *model.Field, ptr string) error {
	if k := f.Type.Kind; k != model.KindStr && k != model.KindBytes {
		return errAt(ptr, "secret marks str and bytes fields, and %s is %s", f.Name, f.Type.String())
	}
	return nil
}

// declExtensions applies the top-level "x-oschema-types" of the export
// (emit.go's declExtensions): per component schema that is a record or an
// enum, "rootobject", "origin", "index" and "secret" (field names) and
// "enum-docs".
// They add to what the schemas themselves carry (documents of older
// exports have x-oschema-* keys there). Unknown keys are ignored.
func (im *importer) declExtensions() error {
	types := im.root.get("x-oschema-types")
	if types == nil {
		return nil
	}
	if !types.isObject() {
		return errAt("#/x-oschema-types", "must be an object, not %s", types.kind)
	}
	for i, key := range types.keys {
		ptr := "#/x-oschema-types/" + escapePointer(key)
		ext := types.fields[i]
		if !ext.isObject() {
			return errAt(ptr, "must be an object, not %s", ext.kind)
		}
		c := im.comps[key]
		if c == nil {
			return errAt(ptr, "no schema %q in #/components/schemas", key)
		}
		var d *model.Decl
		if c.t != nil && c.t.Kind == model.KindNamed && c.t.Decl != nil && c.t.Decl.Name == c.name {
			d = c.t.Decl
		}
		if d == nil {
			return errAt(ptr, "%s is neither a record nor an enum", c.ptr)
		}
		root, err := optBool(ext, "rootobject", ptr)
		if err != nil {
			return err
		}
		d.RootObject = d.RootObject || root
		origin, err := optString(ext, "origin", ptr)
		if err != nil {
			return err
		}
		if err := checkOrigin(origin, ptr+"/origin"); err != nil {
			return err
		}
		if origin != "" {
			d.Origin = origin
		}
		for _, attr := range []string{"index", "secret"} {
			list := ext.get(attr)
			if list == nil {
				continue
			}
			if list.kind != vArray {
				return errAt(ptr+"/"+attr, "must be an array, not %s", list.kind)
			}
			for j, n := range list.arr {
				np := fmt.Sprintf("%s/%s/%d", ptr, attr, j)
				if !n.isString() {
					return errAt(np, "must be a string, not %s", n.kind)
				}
				f := d.Field(n.s)
				if f == nil || d.Kind != model.DeclRecord {
					return errAt(np, "%s has no field %q", c.ptr, n.s)
				}
				if attr == "index" {
					f.Index = true
					continue
				}
				if err := secretType(f, np); err != nil {
					return err
				}
				f.Secret = true
			}
		}
		if docs := ext.get("enum-docs"); docs != nil {
			if !docs.isObject() {
				return errAt(ptr+"/enum-docs", "must be an object, not %s", docs.kind)
			}
			for j, v := range docs.keys {
				vp := ptr + "/enum-docs/" + escapePointer(v)
				dv := docs.fields[j]
				if !dv.isString() {
					return errAt(vp, "must be a string, not %s", dv.kind)
				}
				var ev *model.EnumValue
				for _, e := range d.Values {
					if e.Value == v {
						ev = e
					}
				}
				if ev == nil {
					return errAt(vp, "%s has no enum value %q", c.ptr, v)
				}
				ev.Doc = dv.s
			}
		}
	}
	return nil
}

// version maps info.version to a semantic version, as a service's version
// must be: "" is "1.0.0" (the .oschema default); a leading "v", and a
// missing minor or patch, are what real documents write for one
// ("v2" -> "2.0.0", "1.0" -> "1.0.0"); anything else ("2024-01-01",
// "latest") would refuse a whole document over a label, so it becomes
// "0.0.0" with a warning that quotes it.
func (im *importer) version(v string) string {
	if v == "" {
		return "1.0.0"
	}
	if model.ValidVersion(v) {
		return v
	}
	s := strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	core, rest := s, ""
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core, rest = s[:i], s[i:]
	}
	parts := strings.Split(core, ".")
	// "2024-01-01" is a date, not major 2024 with prerelease "01-01".
	if len(parts) <= 3 && (len(parts) > 1 || rest == "") {
		for len(parts) < 3 {
			parts = append(parts, "0")
		}
		if m := strings.Join(parts, ".") + rest; model.ValidVersion(m) {
			im.warn("#/info/version", "%s is not a semantic version: imported as %s", strconv.Quote(v), m)
			return m
		}
	}
	im.warn("#/info/version", "%s is not a semantic version: imported as 0.0.0", strconv.Quote(v))
	return "0.0.0"
}

func supportedVersion(v string) bool {
	for _, p := range []string{"1.0.", "1.1.", "1.2.", "1.3."} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// serviceName turns a free-text info.title into a PascalCase service name:
// "Zinit JSON-RPC API" -> "ZinitJsonRpcApi". A title that is a service name
// already is kept as it is ("AA", not "Aa"), so that the name an export
// writes imports as itself.
func serviceName(title string) string {
	if isPascal(title) {
		return title
	}
	clean := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return ' '
	}, title)
	name := names.Pascal(clean)
	if name == "" || !unicode.IsLetter(rune(name[0])) {
		name = "Service" + name
	}
	return name
}

// pascalKey is the decl or error name of a components key: the key when
// it already is one (so "HTTPServer", and every name the exporter writes,
// comes back unchanged), else names.Pascal(key).
func pascalKey(key string) string {
	if isPascal(key) {
		return key
	}
	return names.Pascal(key)
}

// isPascal reports whether s is a valid service name: [A-Z][A-Za-z0-9]*.
func isPascal(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validIdent reports whether a converted name is usable as an identifier
// in every target language (after keyword escaping).
func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r == '_' || (r >= '0' && r <= '9')):
		default:
			return false
		}
	}
	return true
}

func optString(obj *value, key, ptr string) (string, error) {
	v := obj.get(key)
	if v == nil {
		return "", nil
	}
	if !v.isString() {
		return "", errAt(ptr+"/"+escapePointer(key), "must be a string, not %s", v.kind)
	}
	return v.s, nil
}

func optBool(obj *value, key, ptr string) (bool, error) {
	v := obj.get(key)
	if v == nil {
		return false, nil
	}
	if v.kind != vBool {
		return false, errAt(ptr+"/"+escapePointer(key), "must be a boolean, not %s", v.kind)
	}
	return v.b, nil
}

// methodDoc is a method's doc: its description, after its summary when
// the description does not start with it (the emitter writes the first
// line of a longer doc as the summary), and a "Deprecated:" paragraph when
// the method is deprecated and the doc has none (the emitter reads one as
// deprecated: true, and Go's tools show it).
func methodDoc(mv *value, ptr string) (string, error) {
	desc, err := optString(mv, "description", ptr)
	if err != nil {
		return "", err
	}
	summary, err := optString(mv, "summary", ptr)
	if err != nil {
		return "", err
	}
	doc := desc
	if s := strings.TrimSpace(summary); s != "" && !strings.HasPrefix(strings.TrimSpace(desc), s) {
		doc = strings.TrimSpace(s + "\n\n" + desc)
	}
	deprecated, err := optBool(mv, "deprecated", ptr)
	if err != nil {
		return "", err
	}
	if deprecated && !model.DeprecatedDoc(doc) {
		doc = strings.TrimSpace(doc + "\n\nDeprecated: marked deprecated in the OpenRPC document.")
	}
	return doc, nil
}

// docOf is the description of an object, else its summary.
func docOf(obj *value, ptr string) (string, error) {
	d, err := optString(obj, "description", ptr)
	if err != nil || d != "" {
		return d, err
	}
	return optString(obj, "summary", ptr)
}

// components claims the decl names of components.schemas and resolves
// every entry, so unused records and enums still become decls.
func (im *importer) components() error {
	im.declOrder = map[*model.Decl]int{}
	comps := im.root.get("components")
	if comps == nil {
		return nil
	}
	if !comps.isObject() {
		return errAt("#/components", "must be an object, not %s", comps.kind)
	}
	for _, kind := range []string{"schemas", "contentDescriptors", "errors"} {
		if v := comps.get(kind); v != nil && !v.isObject() {
			return errAt("#/components/"+kind, "must be an object, not %s", v.kind)
		}
	}
	schemas := comps.get("schemas")
	if schemas == nil {
		return nil
	}
	for i, key := range schemas.keys {
		ptr := "#/components/schemas/" + escapePointer(key)
		name := pascalKey(key)
		if !validIdent(name) {
			return errAt(ptr, "schema name %q does not convert to an identifier (names.Pascal gives %q)", key, name)
		}
		if prev, ok := im.declNames[name]; ok {
			return errAt(ptr, "schema name %q collides with %s: both become %q", key, prev, name)
		}
		im.declNames[name] = ptr
		im.comps[key] = &component{key: key, name: name, index: i, ptr: ptr, schema: schemas.fields[i]}
	}
	for _, key := range schemas.keys {
		if _, _, err := im.resolveComponent(key, im.comps[key].ptr); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) resolveComponent(key, refPtr string) (*model.TypeRef, bool, error) {
	c := im.comps[key]
	if c == nil {
		return nil, false, errAt(refPtr, "no schema %q in #/components/schemas", key)
	}
	switch c.state {
	case 2:
		return c.t, c.nullable, nil
	case 1:
		if c.t != nil { // a record or enum refers to itself: fine
			return c.t, c.nullable, nil
		}
		return nil, false, errAt(refPtr, "%s refers to itself without a record in between (an infinite type)", c.ptr)
	}
	c.state = 1
	depth := im.depth
	im.depth = 0 // a component is a decl of its own: its nesting starts anew
	t, nullable, err := im.convert(c.schema, c.ptr, c.name, c, false)
	im.depth = depth
	if err != nil {
		return nil, false, err
	}
	c.t, c.nullable, c.state = t, nullable, 2
	return t, nullable, nil
}

// newDecl creates a decl for a record or enum schema at ptr: the
// component's own decl, or a derived one named after hint.
func (im *importer) newDecl(kind model.DeclKind, s *value, ptr, hint string, comp *component, nullable bool) (*model.Decl, error) {
	d := &model.Decl{Kind: kind}
	var err error
	if d.Doc, err = docOf(s, ptr); err != nil {
		return nil, err
	}
	if d.Origin, err = optString(s, "x-oschema-origin", ptr); err != nil {
		return nil, err
	}
	if err := checkOrigin(d.Origin, ptr+"/x-oschema-origin"); err != nil {
		return nil, err
	}
	if d.RootObject, err = optBool(s, "x-oschema-rootobject", ptr); err != nil {
		return nil, err
	}
	if comp != nil {
		d.Name = comp.name
		im.declOrder[d] = comp.index
		comp.t, comp.nullable = model.Ref(d), nullable
	} else {
		d.Name = hint
		for n := 2; im.declNames[d.Name] != ""; n++ {
			d.Name = hint + strconv.Itoa(n)
		}
		im.declNames[d.Name] = ptr
		im.declOrder[d] = -1
		im.derived = append(im.derived, d)
	}
	im.s.Decls = append(im.s.Decls, d)
	return d, nil
}

// orderDecls puts the decls of components.schemas first, in document
// order, then the decls derived from inline schemas, in order of creation.
func (im *importer) orderDecls() {
	var comps []*model.Decl
	for _, d := range im.s.Decls {
		if im.declOrder[d] >= 0 {
			comps = append(comps, d)
		}
	}
	sort.SliceStable(comps, func(i, j int) bool { return im.declOrder[comps[i]] < im.declOrder[comps[j]] })
	im.s.Decls = append(comps, im.derived...)
}

// Keywords a schema may carry that change nothing in the model:
// annotations, and validation keywords the model has no place for.
var ignoredKeywords = map[string]bool{
	"title": true, "description": true, "default": true, "examples": true,
	"example": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"$comment": true, "$schema": true, "$id": true, "summary": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true,
	"exclusiveMaximum": true, "multipleOf": true, "minLength": true,
	"maxLength": true, "pattern": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "minProperties": true, "maxProperties": true,
	"contentMediaType": true, "format": true, "contentEncoding": true,
}

// structuralKeywords are the keywords the importer maps to types.
var structuralKeywords = map[string]bool{
	"type": true, "enum": true, "items": true, "properties": true,
	"required": true, "additionalProperties": true, "$ref": true,
	"oneOf": true, "anyOf": true, "nullable": true, "allOf": true,
}

// rejectedKeywords are JSON Schema keywords with no oschema equivalent,
// with the reason given in the error.
var rejectedKeywords = map[string]string{
	"not":                   "negated schemas have no oschema type",
	"if":                    "conditional schemas have no oschema type",
	"then":                  "conditional schemas have no oschema type",
	"else":                  "conditional schemas have no oschema type",
	"patternProperties":     "a map's keys cannot be constrained",
	"propertyNames":         "a map's keys cannot be constrained",
	"dependencies":          "field dependencies have no oschema type",
	"dependentSchemas":      "field dependencies have no oschema type",
	"dependentRequired":     "field dependencies have no oschema type",
	"prefixItems":           "tuples have no oschema type",
	"additionalItems":       "tuples have no oschema type",
	"contains":              "array constraints on elements are not supported",
	"unevaluatedProperties": "unevaluated properties are not supported",
	"unevaluatedItems":      "unevaluated items are not supported",
	"const":                 "constant values have no oschema type (use a one-value enum)",
	"definitions":           "nested definitions are not supported (use #/components/schemas)",
	"$defs":                 "nested definitions are not supported (use #/components/schemas)",
	"discriminator":         "tagged unions have no oschema type",
}

func isExtension(k string) bool { return strings.HasPrefix(k, "x-") }

// checkKeywords rejects keywords the importer cannot map.
func checkKeywords(s *value, ptr string) error {
	for _, k := range s.keys {
		if isExtension(k) || ignoredKeywords[k] || structuralKeywords[k] {
			continue
		}
		kp := ptr + "/" + escapePointer(k)
		if why, ok := rejectedKeywords[k]; ok {
			return errAt(kp, "%s is not supported: %s", k, why)
		}
		return errAt(kp, "unknown JSON Schema keyword %q", k)
	}
	return nil
}

// onlyAnnotations rejects keywords next to a $ref or a oneOf/anyOf that
// would constrain it further.
func onlyAnnotations(s *value, ptr, what string) error {
	for _, k := range s.keys {
		if k == what || isExtension(k) || k == "nullable" {
			continue
		}
		switch k {
		case "title", "description", "default", "examples", "example", "deprecated",
			"readOnly", "writeOnly", "$comment", "summary":
			continue
		}
		return errAt(ptr+"/"+escapePointer(k), "%s next to %s is not supported", k, what)
	}
	return nil
}

// convert maps the schema s at ptr to a type. hint names a decl derived
// from an inline record or enum; comp is set when s is the whole schema of
// a component (whose decl then takes the component's name). The boolean
// result reports that null is allowed (oneOf [T, null], type [T, "null"],
// nullable: true).
func (im *importer) convert(s *value, ptr, hint string, comp *component, outerNull bool) (*model.TypeRef, bool, error) {
	if s.kind == vBool {
		if s.b {
			return model.Scalar(model.KindAny), false, nil
		}
		return nil, false, errAt(ptr, "the schema false accepts no value")
	}
	if !s.isObject() {
		return nil, false, errAt(ptr, "a schema must be an object or a boolean, not %s", s.kind)
	}
	if err := checkKeywords(s, ptr); err != nil {
		return nil, false, err
	}
	nullable, err := optBool(s, "nullable", ptr)
	if err != nil {
		return nil, false, err
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		alts := s.get(kw)
		if alts == nil {
			continue
		}
		if err := onlyAnnotations(s, ptr, kw); err != nil {
			return nil, false, err
		}
		if alts.kind != vArray {
			return nil, false, errAt(ptr+"/"+kw, "must be an array, not %s", alts.kind)
		}
		inner, innerPtr, ok := nullAlternative(alts, ptr+"/"+kw)
		if !ok {
			// A union: any, nullable when one alternative is null.
			null := false
			for _, a := range alts.arr {
				null = null || isNullSchema(a)
			}
			im.warn(ptr+"/"+kw, "a union of %d alternatives has no oschema type: imported as any", len(alts.arr))
			return model.Scalar(model.KindAny), null, nil
		}
		t, _, err := im.convert(inner, innerPtr, hint, comp, true)
		return t, true, err
	}
	if all := s.get("allOf"); all != nil {
		for _, k := range []string{"$ref", "enum", "items", "additionalProperties"} {
			if s.get(k) != nil {
				return nil, false, errAt(ptr+"/"+escapePointer(k), "%s next to allOf is not supported", k)
			}
		}
		if typ, _, err := typeOf(s, ptr); err != nil {
			return nil, false, err
		} else if typ != "" && typ != "object" {
			return nil, false, errAt(ptr+"/type", "allOf of type %q is not supported: only objects (records) are merged", typ)
		}
		parts, err := im.allOfParts(all, ptr+"/allOf")
		if err != nil {
			return nil, false, err
		}
		parts = append(parts, recordPart{s, ptr})
		d, err := im.recordOf(s, ptr, hint, comp, nullable || outerNull, parts)
		if err != nil {
			return nil, false, err
		}
		return model.Ref(d), nullable, nil
	}
	if ref := s.get("$ref"); ref != nil {
		if err := onlyAnnotations(s, ptr, "$ref"); err != nil {
			return nil, false, err
		}
		t, n, err := im.ref(ref, ptr+"/$ref")
		return t, n || nullable, err
	}
	typ, typeNull, err := typeOf(s, ptr)
	if err != nil {
		return nil, false, err
	}
	nullable = nullable || typeNull
	if e := s.get("enum"); e != nil {
		if typ != "string" {
			return nil, false, errAt(ptr+"/enum", "only string enums are supported")
		}
		t, err := im.enum(s, e, ptr, hint, comp, nullable || outerNull)
		return t, nullable, err
	}
	format, err := optString(s, "format", ptr)
	if err != nil {
		return nil, false, err
	}
	switch typ {
	case "":
		return model.Scalar(model.KindAny), nullable, nil
	case "string":
		encoding, err := optString(s, "contentEncoding", ptr)
		if err != nil {
			return nil, false, err
		}
		pattern := s.get("pattern")
		switch {
		case format == "date-time" || (pattern.isString() && pattern.s == DateTimePattern):
			return model.Scalar(model.KindOtime), nullable, nil
		case encoding == "base64" || format == "byte":
			return model.Scalar(model.KindBytes), nullable, nil
		}
		return model.Scalar(model.KindStr), nullable, nil
	case "boolean":
		return model.Scalar(model.KindBool), nullable, nil
	case "integer":
		unsigned := false
		if m := s.get("minimum"); m != nil {
			if m.kind != vNumber {
				return nil, false, errAt(ptr+"/minimum", "must be a number, not %s", m.kind)
			}
			f, err := strconv.ParseFloat(m.s, 64)
			unsigned = err == nil && f >= 0
		}
		kind := integerKind(format, unsigned)
		if format == "" {
			// The bounds of the export (emit.go): exactly the range of
			// an i32 or a u32.
			switch min, max := bound(s, "minimum"), bound(s, "maximum"); {
			case min == minInt32 && max == maxInt32:
				kind = model.KindI32
			case min == "0" && max == maxUint32:
				kind = model.KindU32
			}
		}
		return model.Scalar(kind), nullable, nil
	case "number":
		if format == "float" || (format == "" && bound(s, "minimum") == "-"+maxFloat32 && bound(s, "maximum") == maxFloat32) {
			return model.Scalar(model.KindF32), nullable, nil
		}
		return model.Scalar(model.KindF64), nullable, nil
	case "array":
		items := s.get("items")
		if items == nil {
			return model.ListOf(model.Scalar(model.KindAny)), nullable, nil
		}
		if items.kind == vArray {
			return nil, false, errAt(ptr+"/items", "tuples (items as an array) have no oschema type")
		}
		elem, err := im.element(items, ptr+"/items", hint+"Item")
		if err != nil {
			return nil, false, err
		}
		return model.ListOf(elem), nullable, nil
	case "object":
		ap := s.get("additionalProperties")
		if s.get("properties") != nil || (ap != nil && ap.kind == vBool && !ap.b) {
			d, err := im.record(s, ptr, hint, comp, nullable || outerNull)
			if err != nil {
				return nil, false, err
			}
			return model.Ref(d), nullable, nil
		}
		if ap == nil || (ap.kind == vBool && ap.b) {
			return model.MapOf(model.Scalar(model.KindAny)), nullable, nil
		}
		elem, err := im.element(ap, ptr+"/additionalProperties", hint+"Value")
		if err != nil {
			return nil, false, err
		}
		return model.MapOf(elem), nullable, nil
	case "null":
		return nil, false, errAt(ptr, `the type "null" is only allowed as a method's whole result (no result)`)
	}
	return nil, false, errAt(ptr+"/type", "unknown type %q", typ)
}

// element converts a list element or map value, which cannot be null.
func (im *importer) element(s *value, ptr, hint string) (*model.TypeRef, error) {
	if im.depth >= syntax.MaxTypeDepth {
		return nil, errAt(ptr, "type nested too deeply: more than %d levels of arrays and maps (declare a component schema for the inner type)", syntax.MaxTypeDepth)
	}
	im.depth++
	defer func() { im.depth-- }()
	// A nullable element or map value has no oschema type: it is
	// imported as its non-null schema.
	t, _, err := im.convert(s, ptr, hint, nil, false)
	return t, err
}

// bound returns the number at key of s as written, "" when it is absent
// or not a number. Equal bounds are compared as written, so only the
// exact spelling of the export is recognised.
func bound(s *value, key string) string {
	if v := s.get(key); v != nil && v.kind == vNumber {
		return v.s
	}
	return ""
}

func integerKind(format string, unsigned bool) model.Kind {
	switch format {
	case "uint32", "uint16", "uint8":
		return model.KindU32
	case "uint64", "uint":
		return model.KindU64
	case "int32", "int16", "int8":
		if unsigned {
			return model.KindU32
		}
		return model.KindI32
	}
	if unsigned {
		return model.KindU64
	}
	return model.KindI64
}

// typeOf returns the schema's type, "" for any, inferring it from the
// keywords present when "type" is missing; null in a type array is
// reported as nullable.
func typeOf(s *value, ptr string) (string, bool, error) {
	t := s.get("type")
	switch {
	case t == nil:
		switch {
		case s.get("properties") != nil || s.get("additionalProperties") != nil:
			return "object", false, nil
		case s.get("items") != nil:
			return "array", false, nil
		case s.get("enum") != nil:
			return "string", false, nil
		}
		return "", false, nil
	case t.isString():
		return t.s, false, nil
	case t.kind == vArray:
		var types []string
		null := false
		for i, e := range t.arr {
			if !e.isString() {
				return "", false, errAt(fmt.Sprintf("%s/type/%d", ptr, i), "must be a string, not %s", e.kind)
			}
			if e.s == "null" {
				null = true
			} else {
				types = append(types, e.s)
			}
		}
		switch len(types) {
		case 0:
			if null {
				return "null", false, nil
			}
			return "", false, errAt(ptr+"/type", "an empty type array accepts no value")
		case 1:
			return types[0], null, nil
		}
		return "", false, errAt(ptr+"/type", "a union of types (%s) has no oschema type", strings.Join(types, ", "))
	}
	return "", false, errAt(ptr+"/type", "must be a string or an array of strings, not %s", t.kind)
}

// nullAlternative recognizes oneOf/anyOf [T, {"type": "null"}] in either
// order and returns T.
func nullAlternative(alts *value, ptr string) (*value, string, bool) {
	if len(alts.arr) != 2 {
		return nil, "", false
	}
	for i := 0; i < 2; i++ {
		if isNullSchema(alts.arr[i]) && !isNullSchema(alts.arr[1-i]) {
			other := 1 - i
			return alts.arr[other], fmt.Sprintf("%s/%d", ptr, other), true
		}
	}
	return nil, "", false
}

// isNullSchema reports whether s is {"type": "null"} (annotations aside).
func isNullSchema(s *value) bool {
	if !s.isObject() {
		return false
	}
	t := s.get("type")
	if t == nil {
		return false
	}
	if t.isString() {
		return t.s == "null"
	}
	return t.kind == vArray && len(t.arr) == 1 && t.arr[0].isString() && t.arr[0].s == "null"
}

// ref resolves a $ref to a component schema or content descriptor.
func (im *importer) ref(ref *value, ptr string) (*model.TypeRef, bool, error) {
	if !ref.isString() {
		return nil, false, errAt(ptr, "must be a string, not %s", ref.kind)
	}
	if key, ok := componentKey(ref.s, "schemas"); ok {
		return im.resolveComponent(key, ptr)
	}
	if key, ok := componentKey(ref.s, "contentDescriptors"); ok {
		cd, cdPtr, err := im.contentDescriptor(key, ptr)
		if err != nil {
			return nil, false, err
		}
		schema := cd.get("schema")
		if schema == nil {
			return nil, false, errAt(cdPtr, `missing "schema"`)
		}
		if im.cdBusy[key] {
			return nil, false, errAt(ptr, "%s refers to itself (an infinite type)", cdPtr)
		}
		im.cdBusy[key] = true
		defer delete(im.cdBusy, key)
		return im.convert(schema, cdPtr+"/schema", pascalKey(key), nil, false)
	}
	if !strings.HasPrefix(ref.s, "#") {
		return nil, false, errAt(ptr, "external $ref %q is not supported: the document must be self-contained", ref.s)
	}
	return nil, false, errAt(ptr, "unsupported $ref %q: only #/components/schemas/<name> and #/components/contentDescriptors/<name> are supported", ref.s)
}

// componentKey returns X of "#/components/<kind>/X".
func componentKey(ref, kind string) (string, bool) {
	prefix := "#/components/" + kind + "/"
	if !strings.HasPrefix(ref, prefix) {
		return "", false
	}
	key := ref[len(prefix):]
	if key == "" || strings.Contains(key, "/") {
		return "", false
	}
	return unescapePointer(key), true
}

// contentDescriptor returns #/components/contentDescriptors/key.
func (im *importer) contentDescriptor(key, refPtr string) (*value, string, error) {
	cds := im.root.get("components").get("contentDescriptors")
	cd := cds.get(key)
	if cd == nil {
		return nil, "", errAt(refPtr, "no content descriptor %q in #/components/contentDescriptors", key)
	}
	ptr := "#/components/contentDescriptors/" + escapePointer(key)
	if !cd.isObject() {
		return nil, "", errAt(ptr, "must be an object, not %s", cd.kind)
	}
	if cd.get("$ref") != nil {
		return nil, "", errAt(ptr+"/$ref", "a content descriptor that is itself a $ref is not supported")
	}
	return cd, ptr, nil
}

func (im *importer) enum(s, e *value, ptr, hint string, comp *component, nullable bool) (*model.TypeRef, error) {
	ep := ptr + "/enum"
	if e.kind != vArray {
		return nil, errAt(ep, "must be an array, not %s", e.kind)
	}
	if len(e.arr) == 0 {
		return nil, errAt(ep, "an empty enum accepts no value")
	}
	docs := s.get("x-oschema-enum-docs")
	if docs != nil && !docs.isObject() {
		return nil, errAt(ptr+"/x-oschema-enum-docs", "must be an object, not %s", docs.kind)
	}
	seen := map[string]string{}
	var values []*model.EnumValue
	for i, v := range e.arr {
		vp := fmt.Sprintf("%s/%d", ep, i)
		if !v.isString() {
			return nil, errAt(vp, "enum value %s is a %s: only string enums are supported", compact(v), v.kind)
		}
		id := names.Pascal(v.s)
		if !validIdent(id) {
			return nil, errAt(vp, "enum value %q does not convert to an identifier (names.Pascal gives %q)", v.s, id)
		}
		if prev, ok := seen[id]; ok {
			return nil, errAt(vp, "enum value %q collides with %s: both become %q", v.s, prev, id)
		}
		seen[id] = vp
		ev := &model.EnumValue{Value: v.s}
		if dv := docs.get(v.s); dv != nil {
			if !dv.isString() {
				return nil, errAt(ptr+"/x-oschema-enum-docs/"+escapePointer(v.s), "must be a string, not %s", dv.kind)
			}
			ev.Doc = dv.s
		}
		values = append(values, ev)
	}
	d, err := im.newDecl(model.DeclEnum, s, ptr, hint, comp, nullable)
	if err != nil {
		return nil, err
	}
	d.Values = values
	return model.Ref(d), nil
}

// compact renders a scalar JSON value for an error message.
func compact(v *value) string {
	switch v.kind {
	case vNull:
		return "null"
	case vBool:
		return strconv.FormatBool(v.b)
	case vNumber:
		return v.s
	case vString:
		return strconv.Quote(v.s)
	}
	return v.kind.String()
}

func (im *importer) record(s *value, ptr, hint string, comp *component, nullable bool) (*model.Decl, error) {
	return im.recordOf(s, ptr, hint, comp, nullable, []recordPart{{s, ptr}})
}

// recordPart is an object schema whose properties become fields of a
// record: the record's own schema, or one part of an allOf.
type recordPart struct {
	s   *value
	ptr string
}

// allOfParts flattens the allOf array at ptr into object schemas, in
// order: a $ref to a component is replaced by the component's schema (its
// own allOf flattened in turn), an inline object schema is kept.
func (im *importer) allOfParts(all *value, ptr string) ([]recordPart, error) {
	if all.kind != vArray {
		return nil, errAt(ptr, "must be an array, not %s", all.kind)
	}
	if len(all.arr) == 0 {
		return nil, errAt(ptr, "an empty allOf is not supported")
	}
	var parts []recordPart
	for i, e := range all.arr {
		ep := fmt.Sprintf("%s/%d", ptr, i)
		if !e.isObject() {
			return nil, errAt(ep, "an allOf part must be an object schema or a $ref to one, not %s", e.kind)
		}
		if err := checkKeywords(e, ep); err != nil {
			return nil, err
		}
		target, tp := e, ep
		if ref := e.get("$ref"); ref != nil {
			if err := onlyAnnotations(e, ep, "$ref"); err != nil {
				return nil, err
			}
			if !ref.isString() {
				return nil, errAt(ep+"/$ref", "must be a string, not %s", ref.kind)
			}
			key, ok := componentKey(ref.s, "schemas")
			if !ok {
				return nil, errAt(ep+"/$ref", "an allOf $ref must name #/components/schemas/<name>, not %q", ref.s)
			}
			c := im.comps[key]
			if c == nil {
				return nil, errAt(ep+"/$ref", "no schema %q in #/components/schemas", key)
			}
			target, tp = c.schema, c.ptr
			if !target.isObject() {
				return nil, errAt(ep+"/$ref", "%s is not an object schema: allOf merges records only", tp)
			}
			if err := checkKeywords(target, tp); err != nil {
				return nil, err
			}
		}
		for _, k := range []string{"$ref", "oneOf", "anyOf", "enum", "items"} {
			if target.get(k) != nil {
				return nil, errAt(tp+"/"+escapePointer(k), "%s in an allOf part is not supported: allOf merges records only", k)
			}
		}
		typ, _, err := typeOf(target, tp)
		if err != nil {
			return nil, err
		}
		if typ != "" && typ != "object" {
			return nil, errAt(tp+"/type", "an allOf part of type %q is not supported: allOf merges records only", typ)
		}
		if ap := target.get("additionalProperties"); ap != nil && ap.kind != vBool {
			return nil, errAt(tp+"/additionalProperties", "a map in an allOf part is not supported: allOf merges records only")
		}
		if sub := target.get("allOf"); sub != nil {
			if im.allOfBusy[tp] {
				return nil, errAt(ep, "%s is part of itself through allOf", tp)
			}
			im.allOfBusy[tp] = true
			inner, err := im.allOfParts(sub, tp+"/allOf")
			delete(im.allOfBusy, tp)
			if err != nil {
				return nil, err
			}
			parts = append(parts, inner...)
		}
		parts = append(parts, recordPart{target, tp})
		if len(parts) > maxAllOfParts {
			return nil, errAt(ptr, "more than %d parts once $refs are flattened", maxAllOfParts)
		}
	}
	return parts, nil
}

// maxAllOfParts bounds a flattened allOf, so that components that each
// include the next one twice cannot blow up.
const maxAllOfParts = 256

// sameSchema reports whether two property schemas are the same type,
// annotations aside.
func sameSchema(a, b *value) bool {
	strip := func(v *value) string {
		if !v.isObject() {
			s, _ := v.marshal() // parsed values are never lazy: no error
			return s
		}
		o := newObject()
		for i, k := range v.keys {
			switch k {
			case "title", "description", "default", "examples", "example", "deprecated",
				"readOnly", "writeOnly", "$comment", "summary":
				continue
			}
			o.set(k, v.fields[i])
		}
		s, _ := o.marshal()
		return s
	}
	return strip(a) == strip(b)
}

// recordOf makes the record decl for the schema s at ptr from the
// properties of parts, in order. A property in several parts must have the
// same schema (annotations aside); the first one's doc is kept. A property
// is required when any part requires it.
func (im *importer) recordOf(s *value, ptr, hint string, comp *component, nullable bool, parts []recordPart) (*model.Decl, error) {
	// An inline record becomes a decl of its own: its fields' nesting
	// starts anew.
	depth := im.depth
	im.depth = 0
	defer func() { im.depth = depth }()
	type prop struct {
		name string
		s    *value
		ptr  string
	}
	var props []prop
	byName := map[string]int{}
	for _, part := range parts {
		ps := part.s.get("properties")
		if ps == nil {
			continue
		}
		if !ps.isObject() {
			return nil, errAt(part.ptr+"/properties", "must be an object, not %s", ps.kind)
		}
		for i, name := range ps.keys {
			fp := part.ptr + "/properties/" + escapePointer(name)
			if j, ok := byName[name]; ok {
				if !sameSchema(props[j].s, ps.fields[i]) {
					return nil, errAt(fp, "property %q has a different type in %s (allOf parts must agree)", name, props[j].ptr)
				}
				continue
			}
			byName[name] = len(props)
			props = append(props, prop{name, ps.fields[i], fp})
		}
	}
	for _, part := range parts {
		if ap := part.s.get("additionalProperties"); ap != nil && ap.kind != vBool {
			return nil, errAt(part.ptr+"/additionalProperties", "a schema next to properties has no oschema type (a record has fixed fields)")
		}
	}
	required := map[string]bool{}
	for _, part := range parts {
		r := part.s.get("required")
		if r == nil {
			continue
		}
		if r.kind != vArray {
			return nil, errAt(part.ptr+"/required", "must be an array, not %s", r.kind)
		}
		for i, e := range r.arr {
			rp := fmt.Sprintf("%s/required/%d", part.ptr, i)
			if !e.isString() {
				return nil, errAt(rp, "must be a string, not %s", e.kind)
			}
			if _, ok := byName[e.s]; !ok {
				return nil, errAt(rp, "required property %q is not in properties", e.s)
			}
			required[e.s] = true
		}
	}
	d, err := im.newDecl(model.DeclRecord, s, ptr, hint, comp, nullable)
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, p := range props {
		name, fs, fp := p.name, p.s, p.ptr
		if err := checkName(seen, name, fp, "property"); err != nil {
			return nil, err
		}
		t, fnull, err := im.convert(fs, fp, d.Name+names.Pascal(name), nil, false)
		if err != nil {
			return nil, err
		}
		f := &model.Field{Name: name, Type: t, Optional: !required[name] || fnull}
		if fs.isObject() {
			if f.Doc, err = optString(fs, "description", fp); err != nil {
				return nil, err
			}
			if f.Index, err = optBool(fs, "x-oschema-index", fp); err != nil {
				return nil, err
			}
		}
		d.Fields = append(d.Fields, f)
	}
	return d, nil
}

// checkName checks that a wire name converts to a snake_case identifier
// unique among its siblings (seen maps identifiers to pointers).
func checkName(seen map[string]string, name, ptr, what string) error {
	id := names.Snake(name)
	if !validIdent(id) {
		return errAt(ptr, "%s name %q does not convert to an identifier (names.Snake gives %q)", what, name, id)
	}
	if prev, ok := seen[id]; ok {
		return errAt(ptr, "%s name %q collides with %s: both become %q", what, name, prev, id)
	}
	seen[id] = ptr
	return nil
}

// errors collects the service's application errors: components.errors in
// document order, then errors written inline in methods, first use wins
// per code. Codes -32768..-32100 are JSON-RPC's own and are skipped.
func (im *importer) errors(svc *model.Service) error {
	docs := im.root.get("x-oschema-error-docs")
	if docs != nil && !docs.isObject() {
		return errAt("#/x-oschema-error-docs", "must be an object, not %s", docs.kind)
	}
	byName := map[string]string{}
	byCode := map[int]string{}
	add := func(e *value, ptr, key string) error {
		if !e.isObject() {
			return errAt(ptr, "an error must be an object, not %s", e.kind)
		}
		cv := e.get("code")
		if cv == nil || cv.kind != vNumber {
			return errAt(ptr+"/code", "missing or not a number")
		}
		code, err := strconv.Atoi(cv.s)
		if err != nil || code < math.MinInt32 || code > math.MaxInt32 {
			return errAt(ptr+"/code", "%s is not a 32-bit integer", cv.s)
		}
		msg, err := optString(e, "message", ptr)
		if err != nil {
			return err
		}
		if prev, ok := byCode[code]; ok {
			if key != "" {
				return errAt(ptr, "error code %d is also %s", code, prev)
			}
			return nil
		}
		if code >= -32768 && code <= -32100 {
			return nil
		}
		byCode[code] = ptr
		def := &model.ErrorDef{Code: code, Doc: msg}
		if key != "" {
			def.Name = pascalKey(key)
			if !validIdent(def.Name) {
				return errAt(ptr, "error name %q does not convert to an identifier (names.Pascal gives %q)", key, def.Name)
			}
			if prev, ok := byName[def.Name]; ok {
				return errAt(ptr, "error name %q collides with %s: both become %q", key, prev, def.Name)
			}
			if dv := docs.get(key); dv != nil {
				if !dv.isString() {
					return errAt("#/x-oschema-error-docs/"+escapePointer(key), "must be a string, not %s", dv.kind)
				}
				def.Doc = dv.s
			}
		} else {
			base := names.Pascal(strings.Map(func(r rune) rune {
				if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
					return r
				}
				return ' '
			}, msg))
			if !validIdent(base) {
				base = "Error" + strings.TrimPrefix(strconv.Itoa(code), "-")
			}
			def.Name = base
			for n := 2; byName[def.Name] != ""; n++ {
				def.Name = base + strconv.Itoa(n)
			}
		}
		byName[def.Name] = ptr
		svc.Errors = append(svc.Errors, def)
		return nil
	}
	if ce := im.root.get("components").get("errors"); ce != nil {
		for i, key := range ce.keys {
			if err := add(ce.fields[i], "#/components/errors/"+escapePointer(key), key); err != nil {
				return err
			}
		}
	}
	methods := im.root.get("methods")
	if methods == nil || methods.kind != vArray {
		return nil // reported by methods()
	}
	for i, m := range methods.arr {
		errs := m.get("errors")
		if errs == nil {
			continue
		}
		ep := fmt.Sprintf("#/methods/%d/errors", i)
		if errs.kind != vArray {
			return errAt(ep, "must be an array, not %s", errs.kind)
		}
		for j, e := range errs.arr {
			p := fmt.Sprintf("%s/%d", ep, j)
			if r := e.get("$ref"); r != nil {
				key, ok := "", r.isString()
				if ok {
					key, ok = componentKey(r.s, "errors")
				}
				if !ok || im.root.get("components").get("errors").get(key) == nil {
					return errAt(p+"/$ref", "must refer to an entry of #/components/errors")
				}
				continue
			}
			if err := add(e, p, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

var crudOps = map[string]bool{
	"new": true, "get": true, "set": true, "delete": true, "list": true,
	"list_full": true, "exists": true, "find": true,
}

func (im *importer) methods(svc *model.Service) error {
	methods := im.root.get("methods")
	if methods == nil {
		return errAt("#", `missing "methods"`)
	}
	if methods.kind != vArray {
		return errAt("#/methods", "must be an array, not %s", methods.kind)
	}
	seen := map[string]string{}
	for i, mv := range methods.arr {
		ptr := fmt.Sprintf("#/methods/%d", i)
		if !mv.isObject() {
			return errAt(ptr, "a method must be an object, not %s", mv.kind)
		}
		if mv.get("$ref") != nil {
			return errAt(ptr+"/$ref", "a method that is a $ref is not supported")
		}
		name, err := optString(mv, "name", ptr)
		if err != nil {
			return err
		}
		if name == "" {
			return errAt(ptr, `missing "name"`)
		}
		if strings.HasPrefix(name, "rpc.") {
			continue // JSON-RPC reserves rpc.*; servers answer rpc.discover themselves
		}
		if err := checkName(seen, name, ptr+"/name", "method"); err != nil {
			return err
		}
		m := &model.Method{Name: name}
		if m.Doc, err = methodDoc(mv, ptr); err != nil {
			return err
		}
		if ps, err := optString(mv, "paramStructure", ptr); err != nil {
			return err
		} else {
			switch ps {
			case "by-position":
				m.Positional = true
			case "", "by-name", "either":
				// Sent by name: "either" leaves the choice to the client.
			default:
				return errAt(ptr+"/paramStructure", `%s is not a paramStructure: write "by-name", "by-position" or "either"`, strconv.Quote(ps))
			}
		}
		if m.RootObject, err = optString(mv, "x-oschema-rootobject", ptr); err != nil {
			return err
		}
		if m.CRUD, err = optString(mv, "x-oschema-crud", ptr); err != nil {
			return err
		}
		if (m.RootObject == "") != (m.CRUD == "") || (m.CRUD != "" && !crudOps[m.CRUD]) {
			return errAt(ptr, "x-oschema-rootobject %q and x-oschema-crud %q must both be set, to a decl and a CRUD operation", m.RootObject, m.CRUD)
		}
		if m.RootObject != "" && im.declNames[m.RootObject] == "" {
			return errAt(ptr+"/x-oschema-rootobject", "no schema %q in #/components/schemas", m.RootObject)
		}
		if err := im.params(m, mv, ptr); err != nil {
			return err
		}
		if err := im.result(m, mv, ptr); err != nil {
			return err
		}
		svc.Methods = append(svc.Methods, m)
	}
	return nil
}

func (im *importer) params(m *model.Method, mv *value, ptr string) error {
	params := mv.get("params")
	if params == nil {
		return nil
	}
	if params.kind != vArray {
		return errAt(ptr+"/params", "must be an array, not %s", params.kind)
	}
	seen := map[string]string{}
	for i, pv := range params.arr {
		pp := fmt.Sprintf("%s/params/%d", ptr, i)
		cd, cdPtr, err := im.descriptor(pv, pp)
		if err != nil {
			return err
		}
		name, err := optString(cd, "name", cdPtr)
		if err != nil {
			return err
		}
		if name == "" {
			return errAt(cdPtr, `missing "name"`)
		}
		if err := checkName(seen, name, cdPtr+"/name", "param"); err != nil {
			return err
		}
		schema := cd.get("schema")
		if schema == nil {
			return errAt(cdPtr, `missing "schema"`)
		}
		hint := names.Pascal(m.Name) + "Params" + names.Pascal(name)
		t, nullable, err := im.convert(schema, cdPtr+"/schema", hint, nil, false)
		if err != nil {
			return err
		}
		required, err := optBool(cd, "required", cdPtr)
		if err != nil {
			return err
		}
		p := &model.Field{Name: name, Type: t, Optional: !required || nullable}
		if p.Doc, err = docOf(cd, cdPtr); err != nil {
			return err
		}
		if p.Index, err = optBool(cd, "x-oschema-index", cdPtr); err != nil {
			return err
		}
		if p.Secret, err = optBool(cd, "x-oschema-secret", cdPtr); err != nil {
			return err
		}
		if p.Secret {
			if err := secretType(p, cdPtr+"/x-oschema-secret"); err != nil {
				return err
			}
		}
		m.Params = append(m.Params, p)
	}
	return nil
}

// descriptor returns a content descriptor given inline or as a $ref to
// #/components/contentDescriptors, with its pointer.
func (im *importer) descriptor(v *value, ptr string) (*value, string, error) {
	if !v.isObject() {
		return nil, "", errAt(ptr, "a content descriptor must be an object, not %s", v.kind)
	}
	r := v.get("$ref")
	if r == nil {
		return v, ptr, nil
	}
	key, ok := "", r.isString()
	if ok {
		key, ok = componentKey(r.s, "contentDescriptors")
	}
	if !ok {
		return nil, "", errAt(ptr+"/$ref", "must refer to an entry of #/components/contentDescriptors")
	}
	return im.contentDescriptor(key, ptr+"/$ref")
}

func (im *importer) result(m *model.Method, mv *value, ptr string) error {
	rv := mv.get("result")
	if rv == nil {
		return nil // a notification in OpenRPC 1.3: no result
	}
	cd, cdPtr, err := im.descriptor(rv, ptr+"/result")
	if err != nil {
		return err
	}
	if m.ResultDoc, err = docOf(cd, cdPtr); err != nil {
		return err
	}
	schema := cd.get("schema")
	if schema == nil {
		return errAt(cdPtr, `missing "schema"`)
	}
	if isNullSchema(schema) {
		return nil
	}
	// A result that may be null has no oschema type: it is imported as
	// its non-null schema.
	t, _, err := im.convert(schema, cdPtr+"/schema", names.Pascal(m.Name)+"Result", nil, false)
	if err != nil {
		return err
	}
	m.Result = t
	return nil
}
