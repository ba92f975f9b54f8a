package openrpc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// importDocs lists the hand-written real-world-shaped documents.
func importDocs(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "import", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	return paths
}

func importFile(t *testing.T, name string) *model.Schema {
	t.Helper()
	path := filepath.Join("testdata", "import", name)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s, err := Import(path, b)
	require.NoError(t, err)
	return s
}

func TestRoundTripHandModels(t *testing.T) {
	for _, s := range []*model.Schema{handKitchenSink(), handEdgeCases()} {
		got, err := Import("openrpc.json", generate(t, s))
		require.NoError(t, err)
		assert.Equal(t, s.Canonical(), got.Canonical(), s.Name)
		assert.Equal(t, s.Hash(), got.Hash(), s.Name)
		assert.Equal(t, s.Imports, got.Imports, s.Name)
		assert.Equal(t, "openrpc.json", got.Path)
	}
}

// TestImportRealWorld imports each testdata/import document, compares the
// model with its golden canonical text, and checks that exporting the
// model and importing it again changes nothing.
func TestImportRealWorld(t *testing.T) {
	for _, path := range importDocs(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		s, err := Import(path, b)
		require.NoError(t, err, name)
		golden(t, filepath.Join("import", name+".canonical"), []byte(s.Canonical()))

		again, err := Import(path, generate(t, s))
		require.NoError(t, err, name)
		assert.Equal(t, s.Canonical(), again.Canonical(), name)
	}
}

func TestImportZinit(t *testing.T) {
	s := importFile(t, "zinit.json")
	assert.Equal(t, "zinit_json_rpc_api", s.Name)
	assert.Equal(t, "testdata/import/zinit.json", s.Path)
	svc := s.Services[0]
	assert.Equal(t, "ZinitJsonRpcApi", svc.Name)
	assert.Equal(t, "1.0.0", svc.Version)
	assert.Nil(t, svc.Method("rpc.discover"), "servers answer rpc.discover themselves")
	var methods []string
	for _, m := range svc.Methods {
		methods = append(methods, m.Name)
	}
	assert.Equal(t, []string{"service_list", "service_status", "service_start", "service_stop",
		"service_monitor", "service_forget", "service_kill", "system_shutdown", "service_create",
		"service_delete", "service_get", "service_stats", "stream_currentLogs", "stream_subscribeLogs"}, methods)

	var errs []string
	for _, e := range svc.Errors {
		errs = append(errs, e.Name)
		assert.Equal(t, e.Name, strings.ReplaceAll(strings.Title(e.Doc), " ", ""))
	}
	assert.Equal(t, []string{"ServiceNotFound", "ServiceIsDown", "ServiceAlreadyMonitored", "ConfigError",
		"ServiceIsUp", "InvalidSignal", "ShuttingDown", "ServiceAlreadyExists", "ServiceFileError"}, errs)
	assert.Equal(t, -32000, svc.Errors[0].Code)

	assert.Equal(t, "{str: str}", svc.Method("service_list").Result.String())
	assert.Nil(t, svc.Method("service_start").Result, `{"type": "null"} is no result`)
	assert.Equal(t, "Returns null on success", svc.Method("service_start").ResultDoc)
	assert.Equal(t, "{str: any}", svc.Method("service_get").Result.String())

	logs := svc.Method("stream_currentLogs")
	require.Len(t, logs.Params, 1)
	assert.Equal(t, "name", logs.Params[0].Name)
	assert.True(t, logs.Params[0].Optional)
	assert.Equal(t, "[str]", logs.Result.String())

	kill := svc.Method("service_kill")
	assert.False(t, kill.Params[1].Optional)
	assert.Equal(t, "The signal to send (e.g., SIGTERM, SIGKILL)", kill.Params[1].Doc)

	content := svc.Method("service_create").Params[1]
	assert.Equal(t, "ServiceCreateParamsContent", content.Type.String())
	cfg := s.Decl("ServiceCreateParamsContent")
	require.NotNil(t, cfg)
	assert.Equal(t, "The service configuration content", content.Doc)
	assert.Equal(t, "ServiceCreateParamsContentLog", cfg.Field("log").Type.String())
	log := s.Decl("ServiceCreateParamsContentLog")
	require.NotNil(t, log)
	assert.Equal(t, model.DeclEnum, log.Kind)
	assert.Equal(t, "null", log.Values[0].Value)
	assert.True(t, cfg.Field("exec").Optional, "not in required")
	assert.Equal(t, "i64", cfg.Field("shutdown_timeout").Type.String())

	stats := s.Decl("ServiceStatsResult")
	require.NotNil(t, stats)
	assert.Equal(t, "u64", stats.Field("pid").Type.String(), "minimum 0 -> unsigned")
	assert.Equal(t, "f64", stats.Field("cpu_usage").Type.String())
	assert.Equal(t, "[ServiceStatsResultChildrenItem]", stats.Field("children").Type.String())
}

func TestImportPetstore(t *testing.T) {
	s := importFile(t, "petstore.json")
	svc := s.Services[0]
	assert.Equal(t, "PetstoreExpanded", svc.Name)
	var decls []string
	for _, d := range s.Decls {
		decls = append(decls, d.Name)
	}
	assert.Equal(t, []string{"Pet", "PetStatus", "NewPet"}, decls, "Pets is an alias: inlined, no decl")
	assert.Equal(t, "[Pet]", svc.Method("get_pets").Result.String())
	assert.Equal(t, "i32", svc.Method("get_pets").Params[1].Type.String())
	assert.True(t, svc.Method("get_pets").Params[1].Optional, "required defaults to false")

	byID := svc.Method("get_pet_by_id")
	require.Len(t, byID.Params, 1)
	assert.Equal(t, "id", byID.Params[0].Name, "the descriptor's name, not its component key")
	assert.False(t, byID.Params[0].Optional)
	assert.Equal(t, "i64", byID.Params[0].Type.String())
	assert.Equal(t, "Pet", byID.Result.String())
	assert.Equal(t, "the pet", byID.ResultDoc)
	assert.Equal(t, "any", svc.Method("delete_pet_by_id").Result.String())
	assert.Equal(t, "NewPet", svc.Method("create_pet").Params[0].Type.String())
	assert.Equal(t, "newPet", svc.Method("create_pet").Params[0].Name)

	pet := s.Decl("Pet")
	assert.Equal(t, "PetStatus", pet.Field("status").Type.String())
	assert.Equal(t, "otime", pet.Field("born").Type.String())
	assert.True(t, pet.Field("born").Optional)
	assert.Equal(t, "bytes", pet.Field("photo").Type.String())
	assert.False(t, pet.Field("name").Optional)

	require.Len(t, svc.Errors, 1)
	assert.Equal(t, model.ErrorDef{Name: "PetNotFound", Code: 404, Doc: "the pet does not exist"}, *svc.Errors[0])
}

func TestImportHeroProc(t *testing.T) {
	s := importFile(t, "hero_proc.json")
	svc := s.Services[0]
	assert.Equal(t, "HeroProc", svc.Name)
	assert.Equal(t, "hero_proc", s.Name)
	start := svc.Method("service.start")
	require.NotNil(t, start, "dotted names stay wire names")
	assert.Equal(t, "Start a service.", start.Doc, "summary when there is no description")
	assert.Nil(t, svc.Method("action.set").Result)
	assert.Equal(t, []*model.ErrorDef{{Name: "NotFound", Code: -32010, Doc: "Not found"}}, svc.Errors)

	status := s.Decl("ServiceStatus")
	assert.Equal(t, "startedAt", status.Fields[3].Name, "camelCase wire names are kept")
	assert.Equal(t, "i32", status.Field("pid").Type.String())
	assert.True(t, status.Field("pid").Optional, "required but nullable")
	assert.Equal(t, model.DeclEnum, s.Decl("ServiceState").Kind, "enum without type")
	assert.Equal(t, "Lifecycle of a service.", s.Decl("ServiceState").Doc)

	retry := svc.Method("job.create").Params[2]
	assert.True(t, retry.Optional)
	assert.Equal(t, "JobCreateParamsRetryPolicy", retry.Type.String())
	policy := s.Decl("JobCreateParamsRetryPolicy")
	assert.Equal(t, "u32", policy.Field("maxAttempts").Type.String())
	assert.Equal(t, "u64", policy.Field("backoffMs").Type.String())

	tail := svc.Method("logs.tail")
	assert.True(t, tail.Params[0].Optional, "nullable: true")
	assert.Equal(t, "u32", tail.Params[1].Type.String(), "int32 with minimum >= 0 is unsigned")
	assert.Equal(t, "[LogsTailResultItem]", tail.Result.String())
	item := s.Decl("LogsTailResultItem")
	assert.Equal(t, "LogsTailResultItemLoglevel", item.Field("loglevel").Type.String())
	assert.Equal(t, "any", item.Field("extra").Type.String())

	job := s.Decl("Job")
	assert.Equal(t, "u64", job.Field("id").Type.String())
	assert.Equal(t, "u32", job.Field("attempt").Type.String(), "int32 with minimum 0")
	assert.True(t, job.Field("pid").Optional, `type ["integer", "null"]`)
	assert.Equal(t, "JobPhase", job.Field("phase").Type.String())
	spec := s.Decl("ActionSpec")
	assert.Equal(t, "f32", spec.Field("timeoutSeconds").Type.String())
	assert.Equal(t, "ActionSpecHealth", spec.Field("health").Type.String())
	assert.Equal(t, "ActionSpecInterpreter", spec.Field("interpreter").Type.String())

	// Component decls first in document order, then derived ones.
	var decls []string
	for _, d := range s.Decls {
		decls = append(decls, d.Name)
	}
	assert.Equal(t, []string{"ServiceStatus", "ServiceState", "ActionSpec", "Job",
		"ActionSpecInterpreter", "ActionSpecHealth", "JobPhase",
		"JobCreateParamsRetryPolicy", "LogsTailResultItem", "LogsTailResultItemLoglevel"}, decls)
}

func TestImportDerivedNameClash(t *testing.T) {
	// The inline record of get's result would be GetResult, which a
	// component already is: the derived one gets a number.
	s, err := Import("x.json", []byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"},
		"methods": [{"name": "get", "params": [], "result": {"name": "r", "schema": {"type": "object", "properties": {"a": {}}}}}],
		"components": {"schemas": {"GetResult": {"type": "object", "properties": {}}}}}`))
	require.NoError(t, err)
	assert.Equal(t, "GetResult2", s.Services[0].Methods[0].Result.String())
	require.Len(t, s.Decls, 2)
}

func TestImportSelfReference(t *testing.T) {
	s, err := Import("x.json", []byte(`{"openrpc": "1.3.2", "info": {"title": "t", "version": "1"}, "methods": [],
		"components": {"schemas": {
			"Node": {"type": "object", "properties": {"next": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Node"}]}, "kids": {"type": "array", "items": {"$ref": "#/components/schemas/tree_list"}}}},
			"tree_list": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}`))
	require.NoError(t, err)
	node := s.Decl("Node")
	require.NotNil(t, node)
	assert.Equal(t, "Node", node.Field("next").Type.String())
	assert.True(t, node.Field("next").Optional)
	assert.Equal(t, "[[Node]]", node.Field("kids").Type.String())
	assert.Len(t, s.Decls, 1)
}

// doc wraps a method list and components into a minimal document.
func doc(methods, components string) string {
	return `{"openrpc": "1.3.2", "info": {"title": "T", "version": "1"}, "methods": [` + methods + `], "components": {` + components + `}}`
}

// param wraps a schema into a method with one param.
func param(schema string) string {
	return doc(`{"name": "m", "params": [{"name": "p", "schema": `+schema+`}]}`, "")
}

func TestImportRejects(t *testing.T) {
	const p = "openrpc.json: #/methods/0/params/0/schema"
	for _, tc := range []struct{ name, doc, want string }{
		{"allOf of strings", param(`{"allOf": [{"type": "string"}]}`), p + `/allOf/0/type: an allOf part of type "string" is not supported: allOf merges records only`},
		{"allOf conflict", doc(`{"name": "m", "params": [{"name": "p", "schema": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"id": {"type": "integer"}}}]}}]}`,
			`"schemas": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}}}`),
			p + `/allOf/1/properties/id: property "id" has a different type in #/components/schemas/Base/properties/id (allOf parts must agree)`},
		{"allOf self", doc("", `"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/B"}]}, "B": {"allOf": [{"$ref": "#/components/schemas/B"}]}}`),
			"openrpc.json: #/components/schemas/B/allOf/0: #/components/schemas/B is part of itself through allOf"},
		{"allOf enum ref", doc("", `"schemas": {"A": {"allOf": [{"$ref": "#/components/schemas/E"}]}, "E": {"enum": ["a"]}}`),
			"openrpc.json: #/components/schemas/E/enum: enum in an allOf part is not supported: allOf merges records only"},
		{"allOf not array", param(`{"allOf": {}}`), p + "/allOf: must be an array, not object"},
		{"allOf blowup", doc("", `"schemas": {`+allOfChain(12)+`}`),
			"openrpc.json: #/components/schemas/S3/allOf: more than 256 parts once $refs are flattened"},
		{"not", param(`{"not": {"type": "string"}}`), p + "/not: not is not supported: negated schemas have no oschema type"},
		{"patternProperties", param(`{"type": "object", "patternProperties": {"^a": {}}}`), p + "/patternProperties: patternProperties is not supported: a map's keys cannot be constrained"},
		{"const", param(`{"const": "a"}`), p + "/const: const is not supported: constant values have no oschema type (use a one-value enum)"},
		{"unknown keyword", param(`{"type": "string", "frobnicate": 1}`), p + `/frobnicate: unknown JSON Schema keyword "frobnicate"`},
		{"anyOf with type", param(`{"type": "string", "anyOf": [{"type": "string"}, {"type": "null"}]}`), p + "/type: type next to anyOf is not supported"},
		{"external ref", param(`{"$ref": "other.json#/components/schemas/X"}`), p + `/$ref: external $ref "other.json#/components/schemas/X" is not supported: the document must be self-contained`},
		{"definitions ref", param(`{"$ref": "#/definitions/X"}`), p + `/$ref: unsupported $ref "#/definitions/X": only #/components/schemas/<name> and #/components/contentDescriptors/<name> are supported`},
		{"deep ref", param(`{"$ref": "#/components/schemas/X/properties/a"}`), p + `/$ref: unsupported $ref "#/components/schemas/X/properties/a": only #/components/schemas/<name> and #/components/contentDescriptors/<name> are supported`},
		{"missing ref", param(`{"$ref": "#/components/schemas/Nope"}`), p + `/$ref: no schema "Nope" in #/components/schemas`},
		{"ref sibling", param(`{"$ref": "#/components/schemas/X", "type": "object"}`), p + "/type: type next to $ref is not supported"},
		{"integer enum", param(`{"enum": ["a", 1]}`), p + "/enum/1: enum value 1 is a number: only string enums are supported"},
		{"typed integer enum", param(`{"type": "integer", "enum": [1, 2]}`), p + "/enum: only string enums are supported"},
		{"enum value ident", param(`{"enum": ["ok", "a/b"]}`), p + `/enum/1: enum value "a/b" does not convert to an identifier (names.Pascal gives "A/b")`},
		{"enum value clash", param(`{"enum": ["in_progress", "in-progress"]}`), p + `/enum/1: enum value "in-progress" collides with ` + strings.TrimPrefix(p, "openrpc.json: ") + `/enum/0: both become "InProgress"`},
		{"tuple", param(`{"type": "array", "items": [{"type": "string"}]}`), p + "/items: tuples (items as an array) have no oschema type"},
		{"prefixItems", param(`{"type": "array", "prefixItems": [{}]}`), p + "/prefixItems: prefixItems is not supported: tuples have no oschema type"},
		{"type union", param(`{"type": ["string", "integer"]}`), p + "/type: a union of types (string, integer) has no oschema type"},
		{"unknown type", param(`{"type": "date"}`), p + `/type: unknown type "date"`},
		{"null param", param(`{"type": "null"}`), p + `: the type "null" is only allowed as a method's whole result (no result)`},
		{"false schema", param(`false`), p + ": the schema false accepts no value"},
		{"string schema", param(`"string"`), p + ": a schema must be an object or a boolean, not string"},
		{"properties and map", param(`{"type": "object", "properties": {}, "additionalProperties": {"type": "string"}}`), p + "/additionalProperties: a schema next to properties has no oschema type (a record has fixed fields)"},
		{"required unknown", param(`{"type": "object", "properties": {"a": {}}, "required": ["b"]}`), p + `/required/0: required property "b" is not in properties`},
		{"field clash", param(`{"type": "object", "properties": {"currentLogs": {}, "current_logs": {}}}`), p + `/properties/current_logs: property name "current_logs" collides with ` + strings.TrimPrefix(p, "openrpc.json: ") + `/properties/currentLogs: both become "current_logs"`},
		{"field ident", param(`{"type": "object", "properties": {"2fa": {}}}`), p + `/properties/2fa: property name "2fa" does not convert to an identifier (names.Snake gives "2fa")`},
		{"alias cycle", param(`{"$ref": "#/components/schemas/A"}`) + "", ""},
		{"descriptor cycle", doc(`{"name": "m", "params": [{"$ref": "#/components/contentDescriptors/P"}]}`,
			`"contentDescriptors": {"P": {"name": "p", "schema": {"$ref": "#/components/contentDescriptors/P"}}}`),
			"openrpc.json: #/components/contentDescriptors/P/schema/$ref: #/components/contentDescriptors/P refers to itself (an infinite type)"},
		{"bad paramStructure", doc(`{"name": "m", "params": [], "paramStructure": "positional"}`, ""), `openrpc.json: #/methods/0/paramStructure: "positional" is not a paramStructure: write "by-name", "by-position" or "either"`},
		{"method clash", doc(`{"name": "service.start", "params": []}, {"name": "service_start", "params": []}`, ""),
			`openrpc.json: #/methods/1/name: method name "service_start" collides with #/methods/0/name: both become "service_start"`},
		{"method ref", doc(`{"$ref": "#/components/methods/m"}`, ""), "openrpc.json: #/methods/0/$ref: a method that is a $ref is not supported"},
		{"param clash", doc(`{"name": "m", "params": [{"name": "dryRun", "schema": {}}, {"name": "dry_run", "schema": {}}]}`, ""),
			`openrpc.json: #/methods/0/params/1/name: param name "dry_run" collides with #/methods/0/params/0/name: both become "dry_run"`},
		{"param no schema", doc(`{"name": "m", "params": [{"name": "a"}]}`, ""), `openrpc.json: #/methods/0/params/0: missing "schema"`},
		{"descriptor ref", doc(`{"name": "m", "params": [{"$ref": "#/components/contentDescriptors/Nope"}]}`, ""),
			`openrpc.json: #/methods/0/params/0/$ref: no content descriptor "Nope" in #/components/contentDescriptors`},
		{"decl clash", doc("", `"schemas": {"job_spec": {"type": "object", "properties": {}}, "JobSpec": {"type": "object", "properties": {}}}`),
			`openrpc.json: #/components/schemas/JobSpec: schema name "JobSpec" collides with #/components/schemas/job_spec: both become "JobSpec"`},
		{"decl ident", doc("", `"schemas": {"1st": {}}`), `openrpc.json: #/components/schemas/1st: schema name "1st" does not convert to an identifier (names.Pascal gives "1st")`},
		{"pointer escaping", doc("", `"schemas": {"a/b": {}}`), `openrpc.json: #/components/schemas/a~1b: schema name "a/b" does not convert to an identifier (names.Pascal gives "A/b")`},
		{"error code clash", doc("", `"errors": {"A": {"code": 1, "message": "a"}, "B": {"code": 1, "message": "b"}}`),
			"openrpc.json: #/components/errors/B: error code 1 is also #/components/errors/A"},
		{"error code type", doc(`{"name": "m", "params": [], "errors": [{"code": 1.5, "message": "x"}]}`, ""),
			"openrpc.json: #/methods/0/errors/0/code: 1.5 is not a 32-bit integer"},
		{"version", `{"openrpc": "2.0.0", "info": {"title": "T", "version": "1"}, "methods": []}`, `openrpc.json: #/openrpc: unsupported OpenRPC version "2.0.0" (supported: 1.0 to 1.3)`},
		{"no title", `{"openrpc": "1.3.2", "info": {"version": "1"}, "methods": []}`, "openrpc.json: #/info/title: missing or empty: the service is named after it"},
		{"no methods", `{"openrpc": "1.3.2", "info": {"title": "T", "version": "1"}}`, `openrpc.json: #: missing "methods"`},
		{"not an object", `[]`, "openrpc.json: #: an OpenRPC document must be a JSON object, not array"},
		{"duplicate key", `{"openrpc": "1.3.2", "info": {"title": "T", "title": "U"}}`, `openrpc.json: #/info: duplicate key "title"`},
		{"syntax", "{\n  \"openrpc\": \"1.3.2\",\n  \"info\": {,\n}", "openrpc.json:3:12: invalid JSON: invalid character ','"},
		{"truncated", `{"openrpc": "1.3.2"`, "openrpc.json:1:20: invalid JSON: unexpected end of JSON input"},
		{"trailing", `{} {}`, "openrpc.json:1:4: invalid JSON: unexpected data after the top-level value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "alias cycle" {
				tc.doc = doc(`{"name": "m", "params": [{"name": "p", "schema": {"$ref": "#/components/schemas/A"}}]}`,
					`"schemas": {"A": {"type": "array", "items": {"$ref": "#/components/schemas/B"}}, "B": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/A"}}}`)
				tc.want = "openrpc.json: #/components/schemas/B/additionalProperties/$ref: #/components/schemas/A refers to itself without a record in between (an infinite type)"
			}
			_, err := Import("openrpc.json", []byte(tc.doc))
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// TestImportComposition checks the composition mappings of
// testdata/import/composition.json: allOf records, nullable params,
// fields, results and elements, and unions imported as any with a warning.
func TestImportComposition(t *testing.T) {
	path := filepath.Join("testdata", "import", "composition.json")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s, warnings, err := ImportWithWarnings(path, b)
	require.NoError(t, err)
	assert.Equal(t, []string{
		path + ": #/components/schemas/Audit/properties/metadata/anyOf: a union of 3 alternatives has no oschema type: imported as any",
		path + ": #/methods/2/params/0/schema/oneOf: a union of 2 alternatives has no oschema type: imported as any",
	}, warnings)

	fieldNames := func(d *model.Decl) []string {
		var out []string
		for _, f := range d.Fields {
			out = append(out, f.Name)
		}
		return out
	}
	item := s.Decl("Item")
	require.NotNil(t, item)
	assert.Equal(t, []string{"id", "createdAt", "name", "quantity", "location", "tags"}, fieldNames(item), "ref parts first, then the object's")
	assert.Equal(t, "Server-assigned id.", item.Field("id").Doc, "the first part's doc wins")
	assert.False(t, item.Field("tags").Optional, "required of the object part")
	assert.True(t, item.Field("location").Optional, "anyOf [Location, null]")
	audited := s.Decl("AuditedItem")
	assert.Equal(t, append(fieldNames(item), "changedBy", "metadata"), fieldNames(audited), "allOf of two refs, one itself an allOf")
	assert.Equal(t, model.KindAny, audited.Field("metadata").Type.Kind)
	assert.True(t, audited.Field("metadata").Optional, "a union with null is any, optional")
	assert.Equal(t, []string{"name", "quantity", "location", "dryRun"}, fieldNames(s.Decl("ItemCreateParamsItem")))

	svc := s.Services[0]
	assert.Equal(t, "Item", svc.Method("item_get").Result.Decl.Name, "a nullable result is its schema")
	assert.True(t, svc.Method("item_create").Params[1].Optional, `type ["string", "null"]`)
	assert.Equal(t, model.KindAny, svc.Method("item_find").Params[0].Type.Kind)
	assert.True(t, svc.Method("item_find").Params[1].Optional)
	assert.Equal(t, "[AuditedItem]", svc.Method("item_find").Result.String(), "a nullable element is its schema")
}

// allOfChain returns n components S0..S(n-1), each the allOf of the next
// one twice: 2^n parts once flattened.
func allOfChain(n int) string {
	var parts []string
	for i := 0; i < n-1; i++ {
		next := fmt.Sprintf(`{"$ref": "#/components/schemas/S%d"}`, i+1)
		parts = append(parts, fmt.Sprintf(`"S%d": {"allOf": [%s, %s]}`, i, next, next))
	}
	parts = append(parts, fmt.Sprintf(`"S%d": {"type": "object", "properties": {"a": {}}}`, n-1))
	return strings.Join(parts, ", ")
}

// The export says scalar types with standard keywords and decl extras in
// the top-level x-oschema-types; both import back, and the old in-schema
// extensions still do.
func TestImportStandardKeywordsAndTopLevelExtensions(t *testing.T) {
	d := `{"openrpc": "1.2.6", "info": {"title": "T", "version": "1"},
		"x-oschema-types": {"R": {"rootobject": true, "origin": "lib/common", "index": ["b"]}, "E": {"enum-docs": {"x": "the x"}}},
		"methods": [], "components": {"schemas": {
			"R": {"type": "object", "properties": {
				"a": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647},
				"b": {"type": "integer", "minimum": 0, "maximum": 4294967295},
				"c": {"type": "integer", "minimum": 0},
				"d": {"type": "integer", "minimum": 1, "maximum": 10},
				"e": {"type": "number", "minimum": -3.4028234663852886e+38, "maximum": 3.4028234663852886e+38},
				"f": {"type": "number"},
				"g": {"type": "string", "pattern": ` + strconv.Quote(DateTimePattern) + `},
				"h": {"type": "string", "pattern": "^x$"},
				"i": {"type": "string", "contentEncoding": "base64", "pattern": ` + strconv.Quote(Base64Pattern) + `}}},
			"E": {"type": "string", "enum": ["x", "y"]},
			"Old": {"type": "object", "properties": {"k": {"type": "string", "x-oschema-index": true}}, "x-oschema-rootobject": true}}}}`
	s, err := Import("x.json", []byte(d))
	require.NoError(t, err)
	r := s.Decl("R")
	var types []string
	for _, f := range r.Fields {
		types = append(types, f.Type.String())
	}
	assert.Equal(t, []string{"i32", "u32", "u64", "u64", "f32", "f64", "otime", "str", "bytes"}, types)
	assert.True(t, r.RootObject)
	assert.Equal(t, "lib/common", r.Origin)
	assert.True(t, r.Field("b").Index)
	assert.False(t, r.Field("a").Index)
	assert.Equal(t, []string{"lib/common"}, s.Imports)
	assert.Equal(t, "the x", s.Decl("E").Values[0].Doc)
	assert.True(t, s.Decl("Old").RootObject)
	assert.True(t, s.Decl("Old").Field("k").Index)

	for _, tc := range []struct{ types, want string }{
		{`[]`, "#/x-oschema-types: must be an object, not array"},
		{`{"Nope": {}}`, `#/x-oschema-types/Nope: no schema "Nope" in #/components/schemas`},
		{`{"L": {}}`, "#/x-oschema-types/L: #/components/schemas/L is neither a record nor an enum"},
		{`{"R": {"index": ["zz"]}}`, `#/x-oschema-types/R/index/0: #/components/schemas/R has no field "zz"`},
		{`{"E": {"enum-docs": {"zz": "?"}}}`, `#/x-oschema-types/E/enum-docs/zz: #/components/schemas/E has no enum value "zz"`},
		{`{"R": {"rootobject": "yes"}}`, "#/x-oschema-types/R/rootobject: must be a boolean, not string"},
	} {
		_, err := Import("x.json", []byte(`{"openrpc": "1.2.6", "info": {"title": "T", "version": "1"}, "x-oschema-types": `+tc.types+`,
			"methods": [], "components": {"schemas": {"R": {"type": "object", "properties": {"a": {}}}, "E": {"enum": ["x"]}, "L": {"type": "array"}}}}`))
		assert.EqualError(t, err, "x.json: "+tc.want, tc.types)
	}
}

// A method's summary, description and deprecated flag survive import and
// export: the summary leads the doc unless the description starts with
// it, deprecated becomes a "Deprecated:" paragraph, and the export gives
// them back.
func TestImportSummaryAndDeprecated(t *testing.T) {
	doc := `{"openrpc":"1.2.6","info":{"title":"S","version":"1.0.0"},"methods":[
 {"name":"a","summary":"Get a user.","description":"Looks the user up by id.","params":[],"result":{"name":"r","schema":{"type":"string"}}},
 {"name":"b","summary":"Old.","description":"Old.\n\nKept for v1 clients.","deprecated":true,"params":[],"result":{"name":"r","schema":{"type":"string"}}},
 {"name":"c","summary":"Only a summary.","params":[],"result":{"name":"r","schema":{"type":"string"}}}]}`
	s, err := Import("s.json", []byte(doc))
	require.NoError(t, err)
	m := s.Services[0].Methods
	require.Len(t, m, 3)
	assert.Equal(t, "Get a user.\n\nLooks the user up by id.", m[0].Doc)
	assert.Equal(t, "Old.\n\nKept for v1 clients.\n\nDeprecated: marked deprecated in the OpenRPC document.", m[1].Doc)
	assert.Equal(t, "Only a summary.", m[2].Doc)

	out, err := Document(s, s.Services[0])
	require.NoError(t, err)
	var exported struct {
		Methods []struct {
			Summary, Description string
			Deprecated           bool
		}
	}
	require.NoError(t, json.Unmarshal(out, &exported))
	assert.Equal(t, "Get a user.", exported.Methods[0].Summary)
	assert.False(t, exported.Methods[0].Deprecated)
	assert.Equal(t, "Old.", exported.Methods[1].Summary)
	assert.True(t, exported.Methods[1].Deprecated)
	assert.Equal(t, "", exported.Methods[2].Summary, "a one-line doc is the description alone")

	again, err := Import("s.json", out)
	require.NoError(t, err)
	assert.Equal(t, s.Canonical(), again.Canonical())
}

// TestImportInfoVersion checks how info.version becomes the service's
// semantic version: kept when it is one, completed when it is a short one,
// 0.0.0 (with a warning quoting it) when it is a label; the document is
// imported either way and prints as .oschema that parses.
func TestImportInfoVersion(t *testing.T) {
	for _, tc := range []struct{ in, want, warning string }{
		{"", "1.0.0", ""},
		{"0.1.0", "0.1.0", ""},
		{"2.3.4-rc.1+build.5", "2.3.4-rc.1+build.5", ""},
		{"1.0", "1.0.0", `#/info/version: "1.0" is not a semantic version: imported as 1.0.0`},
		{"v2", "2.0.0", `#/info/version: "v2" is not a semantic version: imported as 2.0.0`},
		{"3", "3.0.0", `#/info/version: "3" is not a semantic version: imported as 3.0.0`},
		{"V1.2-beta", "1.2.0-beta", `#/info/version: "V1.2-beta" is not a semantic version: imported as 1.2.0-beta`},
		{"2024-01-01", "0.0.0", `#/info/version: "2024-01-01" is not a semantic version: imported as 0.0.0`},
		{"1.2.3.4", "0.0.0", `#/info/version: "1.2.3.4" is not a semantic version: imported as 0.0.0`},
		{"\x7f", "0.0.0", `#/info/version: "\x7f" is not a semantic version: imported as 0.0.0`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			info := map[string]string{"title": "Svc"}
			if tc.in != "" {
				info["version"] = tc.in
			}
			b, err := json.Marshal(map[string]interface{}{"openrpc": "1.2.6", "info": info, "methods": []interface{}{}})
			require.NoError(t, err)
			s, warnings, err := ImportWithWarnings("openrpc.json", b)
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.Services[0].Version)
			if tc.warning == "" {
				assert.Empty(t, warnings)
			} else {
				assert.Equal(t, []string{"openrpc.json: " + tc.warning}, warnings)
			}
			assert.True(t, model.ValidVersion(s.Services[0].Version))
		})
	}
}
