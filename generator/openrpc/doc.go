// Package openrpc writes an OpenRPC 1.2 document for a service (Generate)
// and imports OpenRPC 1.0 to 1.3 documents into the model (Import), for
// services only known from rpc.discover.
//
// # The document Generate writes
//
// Tools reading it must understand OpenRPC 1.2 (it says "openrpc":
// "1.2.6"); it is a valid OpenRPC 1.3 document too, and nothing in it
// needs 1.3 (every method has a result, extensions are where 1.2 allows
// them). Its schemas are plain JSON Schema (draft 7) that strict
// validators accept: no "format" keyword and no extension keyword inside
// a schema (ajv in strict mode without ajv-formats, as
// @open-rpc/test-coverage runs it, rejects both), and every param schema
// is one json-schema-faker makes values from that the generated servers
// accept (generator/matrix's TestOpenRPCConformance runs test-coverage
// against the generated Go and Rust servers).
//
// One document per service, 2-space indented, trailing newline, keys in
// model order (never a Go map's):
//
//   - "openrpc": "1.2.6"; "info": title = service name, description =
//     service doc, version = service version. No "servers": a generated
//     server adds them when it answers rpc.discover (and GET
//     /openrpc.json), naming the address the request came in on,
//     inserted after "info" as text so the rest keeps its order:
//     {"name": "http", "url": "http://<ip>:<port>/rpc"} on TCP,
//     {"name": "unix", "url": "unix://<socket path>"} on a Unix socket
//     (JSON-RPC on POST /rpc over HTTP on that socket).
//   - "x-oschema-source" (schema path), "x-oschema-schema" (schema name),
//     "x-oschema-model" (model hash) at top level, where the meta-schema
//     allows x- extensions.
//   - "methods" in model order, "paramStructure": "by-name" ("by-position"
//     for a @positional method). Params are
//     content descriptors (name, description, "required": true unless
//     optional, schema). The result is named "result". A method without a
//     result gets the schema {"type": "null"}: in OpenRPC 1.3 a method
//     without "result" is a notification, but ours answer (with null).
//   - Errors: every application error of the service is an entry of
//     components.errors keyed by its name ({code, message}; message = the
//     doc's first line, or the name), and every method lists them all as
//     $refs. Error objects allow no extensions, so when the doc differs
//     from the message it travels in the top-level "x-oschema-error-docs"
//     (name -> doc).
//   - components.schemas: every decl of the schema, in model order.
//     Records: {"type": "object", "description", "properties", "required"
//     (in field order)}; enums: {"type": "string", "enum"}; field types as
//     in design.md's mapping table, a field's doc as the description of
//     its property schema. Scalars say their type with standard keywords
//     only: i32 {"type": "integer", "minimum": -2147483648, "maximum":
//     2147483647}, i64 {"type": "integer"}, u32 {"type": "integer",
//     "minimum": 0, "maximum": 4294967295}, u64 {"type": "integer",
//     "minimum": 0}, f32 {"type": "number", "minimum":
//     -3.4028234663852886e+38, "maximum": 3.4028234663852886e+38}, f64
//     {"type": "number"}, otime {"type": "string", "pattern":
//     DateTimePattern} (the otime rule: RFC 3339 with "T" and "Z" upper
//     case, seconds 00-59, 1-9 fraction digits, a real calendar date and
//     an offset of at most 23:59, which every generated client and server
//     applies both ways), bytes {"type": "string", "contentEncoding":
//     "base64", "pattern": Base64Pattern}.
//
// What plain JSON Schema cannot say is carried in x-oschema-* keys, so
// that Import(Generate(m)) has the same Canonical() as m, never inside a
// schema: at the top level, "x-oschema-types" maps a components.schemas
// key to what is known of that decl beyond its schema: "rootobject"
// (true), "origin" (import path of the decl), "index" and "secret"
// (names of the @index and @secret fields, in field order) and
// "enum-docs" (value -> doc), for the decls that have any; on a method,
// "x-oschema-rootobject" (the decl name of a CRUD method) and
// "x-oschema-crud" (the operation); on a param's content descriptor,
// "x-oschema-index" and "x-oschema-secret". The OpenRPC meta-schema
// allows x- keys on the document, methods and content descriptors.
//
// Method docs: a doc of more than one line gives its first line as the
// method's "summary" and the whole doc as its "description"; a paragraph
// starting "Deprecated:" (Go's convention) sets "deprecated": true. On
// import a summary leads the doc unless the description starts with it,
// and "deprecated": true adds a "Deprecated:" paragraph when the doc has
// none, so both survive export and import. A method's "tags",
// "examples" and the result's "name" have no place in the model and are
// not kept.
//
// # What Import accepts
//
// Names are kept as the document spells them (wire names): method
// "service.start", field "currentLogs". As .oschema (schemaprint, what
// `oschema openrpc import` prints) a field, param or method name is
// written bare when it is snake_case (a method's may be dotted snake_case:
// service.start) and quoted otherwise ("currentLogs",
// "stream_currentLogs"), so every document Import accepts prints as
// .oschema that `oschema check` accepts and that means the same model,
// but for what .oschema cannot state: result docs and @index on a param
// are dropped. Each must convert to an
// identifier (names.Snake for methods, params and fields; names.Pascal for
// schema keys, error keys and enum values: ASCII letter first, then
// letters, digits, "_") and be unique among its siblings after conversion,
// else the error names the pointers of both. Decl names are the keys of
// components.schemas, converted by names.Pascal unless already PascalCase
// ("HTTPServer" stays, "http_server" is "HttpServer"; the same for error
// keys), refs follow. The service is
// names.Pascal(info.title) with non-alphanumerics as word breaks ("Zinit
// JSON-RPC API" -> "ZinitJsonRpcApi"); the schema name is
// x-oschema-schema, else names.Snake(service). The service version is
// info.version when it is a semantic version; "1.0" and "v2" are completed
// ("1.0.0", "2.0.0") and any other label ("2024-01-01") is "0.0.0", each
// with a warning quoting the original; no info.version is "1.0.0". Methods named "rpc.*" are
// skipped (JSON-RPC reserves them; servers answer rpc.discover
// themselves). "paramStructure": "by-position" imports as a @positional
// method (clients send an array in the declared order; servers accept it
// and the by-name object); "by-name", "either" and none import as by-name.
//
// JSON Schema to model:
//
//	{"type": "string"}                          str
//	  "format": "date-time", or
//	  "pattern": DateTimePattern (exactly)      otime
//	  "contentEncoding": "base64", or
//	  "format": "byte"                          bytes
//	  "enum": [strings]                         enum decl
//	{"type": "boolean"}                         bool
//	{"type": "integer"}                         i64; u64 if "minimum" >= 0
//	  "minimum" -2147483648, "maximum"
//	  2147483647 (as written, no format)        i32
//	  "minimum" 0, "maximum" 4294967295         u32
//	  "format": "int32" (int8, int16)           i32; u32 if "minimum" >= 0
//	  "format": "int64" (int)                   i64; u64 if "minimum" >= 0
//	  "format": "uint32" (uint8, uint16)        u32
//	  "format": "uint64" (uint)                 u64
//	{"type": "number"}                          f64; "format": "float", or
//	                                            the bounds of f32 above, f32
//	{}, true, no "type"                         any
//	{"type": "array", "items": T}               [T] (no items: [any])
//	{"type": "object", "additionalProperties": T}  {str: T}
//	{"type": "object"} (nothing else)           {str: any}
//	{"type": "object", "properties": ...}       record decl ("required"
//	                                            lists the non-optional
//	                                            fields; additionalProperties
//	                                            may be true/false)
//	{"$ref": "#/components/schemas/X"}          the decl X, or X's type
//	                                            when X is neither a record
//	                                            nor an enum (an alias)
//	{"$ref": "#/components/contentDescriptors/X"}  X's schema; also a whole
//	                                            param or result
//	oneOf/anyOf [T, {"type": "null"}],
//	"type": [T, "null"], "nullable": true       T, and the field or param
//	                                            is optional (see below for
//	                                            results and elements)
//	other oneOf/anyOf                           any, with a warning
//	{"allOf": [parts]}                          record decl with the merged
//	                                            fields (see below)
//
// Nullable: the model says "may be null" only with Field.Optional (a
// field or param written name?: T, which may be absent or null on the
// wire), so a nullable field or param is optional even when "required"
// lists it. A result, list element or map value has no such place: a
// nullable one is imported as its non-null schema (oneOf [Item, null] as
// a result is Item, {"type": "array", "items": {"type": ["integer",
// "null"]}} is [i64]), so a null on the wire there is not accepted by the
// generated code, and the export says the non-null schema.
//
// Unions: oneOf/anyOf other than [T, {"type": "null"}] (two or more
// non-null alternatives, for example [string, integer] or [$ref A, $ref
// B]) is imported as any, optional when one alternative is
// {"type": "null"}, and ImportWithWarnings returns a warning naming the
// JSON pointer of the oneOf/anyOf ("#/methods/2/params/0/schema/oneOf: a
// union of 2 alternatives has no oschema type: imported as any"). Import
// drops the warnings; the document is never refused for a union. The
// alternatives are not checked beyond being a JSON array; keywords next
// to oneOf/anyOf other than annotations are still errors.
//
// allOf ("extend a type"): {"allOf": [{"$ref": "#/components/schemas/Base"},
// {"type": "object", "properties": ...}]}, and any number of parts, is a
// record decl (the component's own, or a derived one as for inline
// records) whose fields are the parts' properties in order: a $ref part
// contributes the referenced component's properties (its own allOf
// flattened first), an object part its properties, and properties and
// "required" written beside "allOf" come last. A field is required when
// any part lists it in "required" (and it is not nullable). A property in
// two parts must have the same schema, annotations (description, title,
// examples, ...) aside, compared as written (key order included); the
// first part's doc is kept; else the error names the later property's
// pointer and the first one's. Each part must be an object schema
// ("type": "object" or no type; no map additionalProperties, enum, items,
// oneOf/anyOf or $ref inside) or a $ref to #/components/schemas/X whose
// schema is one; a component that is part of itself through allOf, or an
// allOf of more than 256 parts once flattened, is an error. An inline record in a property of a referenced part becomes a
// derived decl of the merged record too (named after it). The merged
// record is exported as a plain record: the allOf is not kept.
//
// Extensions: "x-oschema-types" as Generate writes it (an entry for a
// schema that is not a record or an enum, an "index" naming no field or
// "enum-docs" no value is an error), and, from documents of older
// exports, "x-oschema-rootobject", "x-oschema-origin",
// "x-oschema-enum-docs" and "x-oschema-index" inside the schemas.
//
// A type missing "type" is inferred from "properties"/"additionalProperties"
// (object), "items" (array) or "enum" (string). Annotations (title,
// description, default, examples, deprecated, ...) and validation keywords
// the model has no place for (minLength, pattern, maximum, ...) are
// ignored; "description" becomes the doc of the decl, field or param.
//
// Inline records and enums become decls with derived names: param p of
// method m: Pascal(m)+"Params"+Pascal(p); the result: Pascal(m)+"Result";
// a property f of decl D: D+Pascal(f); list elements: +"Item"; map values:
// +"Value". A name already taken gets "2", "3", ... Decls are ordered:
// components.schemas in document order, then derived decls in order of
// discovery (components first, then methods).
//
// Errors: components.errors keyed by name, then errors written inline in
// methods (named Pascal(message), else "Error<code>"); the first
// definition of a code wins. Codes -32768..-32100 are JSON-RPC's own and
// are skipped. A method without "result" has no result, as does
// {"type": "null"}.
//
// Rejected, with the JSON pointer of the offending value: allOf parts
// that are not records (see above), not,
// if/then/else, const, patternProperties, propertyNames, dependencies,
// prefixItems, additionalItems, contains, discriminator, nested
// definitions/$defs, unknown keywords, type unions ("type": [A, B] with
// two non-null types), non-string enums, tuples (items as an array),
// external or deep $refs, alias cycles without a record, a schema beside
// "properties" in
// additionalProperties, duplicate JSON keys and invalid JSON (line:col).
package openrpc
