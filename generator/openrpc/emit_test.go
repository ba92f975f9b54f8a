package openrpc

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./generator/openrpc -update to create it")
	assert.Equal(t, string(want), string(got), "%s is stale: go test ./generator/openrpc -update", path)
}

func generate(t *testing.T, s *model.Schema) []byte {
	t.Helper()
	files, err := Generate(s, s.Services[0], emit.Options{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, "openrpc.json", files[0].Name)
	return files[0].Content
}

// decode parses a generated document for assertions.
func decode(t *testing.T, b []byte) map[string]interface{} {
	t.Helper()
	var doc map[string]interface{}
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// at walks a decoded document by keys and array indexes.
func at(t *testing.T, v interface{}, path ...interface{}) interface{} {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]interface{})
			require.True(t, ok, "not an object at %v", p)
			v, ok = m[k]
			require.True(t, ok, "no key %q", k)
		case int:
			a, ok := v.([]interface{})
			require.True(t, ok, "not an array at %v", p)
			require.Less(t, k, len(a))
			v = a[k]
		}
	}
	return v
}

func TestGoldenDocuments(t *testing.T) {
	golden(t, "golden/kitchen_sink.openrpc.json", generate(t, handKitchenSink()))
	golden(t, "golden/edge.openrpc.json", generate(t, handEdgeCases()))
}

func TestGenerateDocumentShape(t *testing.T) {
	s := handKitchenSink()
	doc := decode(t, generate(t, s))

	assert.Equal(t, "1.2.6", doc["openrpc"])
	assert.Equal(t, map[string]interface{}{"title": "TaskService", "description": "Runs tasks.", "version": "1.2.0"}, doc["info"])
	assert.Equal(t, "generator/testdata/schemas/kitchen_sink", doc["x-oschema-source"])
	assert.Equal(t, s.Hash(), doc["x-oschema-model"])

	var methodNames []string
	for _, m := range at(t, doc, "methods").([]interface{}) {
		mm := m.(map[string]interface{})
		methodNames = append(methodNames, mm["name"].(string))
		structure := "by-name"
		if mm["name"] == "scale" {
			structure = "by-position" // @positional
		}
		assert.Equal(t, structure, mm["paramStructure"], mm["name"])
		assert.Equal(t, "result", at(t, mm, "result", "name"))
		assert.Equal(t, []interface{}{
			map[string]interface{}{"$ref": "#/components/errors/NotFound"},
			map[string]interface{}{"$ref": "#/components/errors/BadPhase"},
		}, mm["errors"])
	}
	assert.Equal(t, []string{"task_new", "task_get", "task_set", "task_delete", "task_list",
		"task_list_full", "task_exists", "task_find", "task_start", "echo", "reset", "sum", "scale"}, methodNames)

	echo := at(t, doc, "methods", 9).(map[string]interface{})
	assert.Equal(t, "Echo every argument back, to test round trips.", echo["description"])
	assert.Equal(t, map[string]interface{}{"name": "task", "required": true,
		"schema": map[string]interface{}{"$ref": "#/components/schemas/Task"}}, at(t, echo, "params", 0))
	_, noteRequired := at(t, echo, "params", 1).(map[string]interface{})["required"]
	assert.False(t, noteRequired, "optional params carry no required key")
	assert.Equal(t, map[string]interface{}{"type": "object", "additionalProperties": map[string]interface{}{
		"type": "integer", "minimum": 0.0}}, at(t, echo, "params", 2, "schema"))

	// reset() has no result: its result is null (a method without a
	// result would be a notification in OpenRPC 1.3, and is not allowed
	// in 1.2).
	assert.Equal(t, map[string]interface{}{"type": "null"}, at(t, doc, "methods", 10, "result", "schema"))
	assert.Equal(t, "find", at(t, doc, "methods", 7, "x-oschema-crud"))
	assert.Equal(t, "Task", at(t, doc, "methods", 7, "x-oschema-rootobject"))

	assert.Equal(t, map[string]interface{}{
		"NotFound": map[string]interface{}{"code": 1004.0, "message": "The task does not exist."},
		"BadPhase": map[string]interface{}{"code": 1005.0, "message": "The task is in a phase that does not allow this."},
	}, at(t, doc, "components", "errors"))

	task := at(t, doc, "components", "schemas", "Task").(map[string]interface{})
	assert.Equal(t, "object", task["type"])
	assert.Equal(t, "A unit of work.", task["description"])
	components, err := json.Marshal(doc["components"])
	require.NoError(t, err)
	for _, k := range []string{"x-oschema-", `"format"`} {
		assert.NotContains(t, string(components), k, "no extensions or formats inside schemas")
	}
	assert.Equal(t, map[string]interface{}{
		"Task":  map[string]interface{}{"rootobject": true, "index": []interface{}{"name", "phase"}},
		"Actor": map[string]interface{}{"origin": "generator/testdata/schemas/common"},
	}, doc["x-oschema-types"])
	var required []string
	for _, r := range task["required"].([]interface{}) {
		required = append(required, r.(string))
	}
	assert.Equal(t, []string{"sid", "name", "phase", "priority", "attempts", "size", "quota", "ratio",
		"score", "done", "created_at", "payload", "extra", "tags", "labels", "steps", "matrix", "owner"}, required)
	props := task["properties"].(map[string]interface{})
	for field, want := range map[string]map[string]interface{}{
		"name":       {"type": "string"},
		"phase":      {"$ref": "#/components/schemas/Phase"},
		"priority":   {"type": "integer", "minimum": -2147483648.0, "maximum": 2147483647.0, "description": "higher runs first"},
		"attempts":   {"type": "integer", "minimum": 0.0, "maximum": 4294967295.0},
		"size":       {"type": "integer"},
		"quota":      {"type": "integer", "minimum": 0.0},
		"ratio":      {"type": "number", "minimum": -math.MaxFloat32, "maximum": math.MaxFloat32},
		"score":      {"type": "number"},
		"done":       {"type": "boolean"},
		"created_at": {"type": "string", "pattern": DateTimePattern},
		"payload":    {"type": "string", "contentEncoding": "base64", "pattern": Base64Pattern, "description": "opaque input"},
		"extra":      {"description": "free-form metadata"},
		"tags":       {"type": "array", "items": map[string]interface{}{"type": "string"}},
		"labels":     {"type": "object", "additionalProperties": map[string]interface{}{"type": "string"}},
		"matrix": {"type": "object", "additionalProperties": map[string]interface{}{
			"type": "array", "items": map[string]interface{}{"type": "integer"}}},
		"owner": {"$ref": "#/components/schemas/Actor"},
	} {
		assert.Equal(t, want, props[field], field)
	}
	assert.Equal(t, map[string]interface{}{"type": "string", "enum": []interface{}{"pending", "running", "done", "failed"},
		"description": "Where a task is in its life."}, at(t, doc, "components", "schemas", "Phase"))
}

func TestGenerateOrderAndFormat(t *testing.T) {
	out := generate(t, handKitchenSink())
	// Byte-identical across runs and across equal models built anew.
	assert.Equal(t, out, generate(t, handKitchenSink()))

	// The formatting is exactly what json.Indent with two spaces gives,
	// plus a trailing newline.
	var compact, indented bytes.Buffer
	require.NoError(t, json.Compact(&compact, out))
	require.NoError(t, json.Indent(&indented, compact.Bytes(), "", "  "))
	assert.Equal(t, indented.String()+"\n", string(out))

	// Model order, not alphabetical: decls, methods, fields.
	text := string(out)
	inOrder := func(what ...string) {
		t.Helper()
		last := -1
		for _, w := range what {
			i := strings.Index(text, w)
			require.GreaterOrEqual(t, i, 0, w)
			assert.Greater(t, i, last, "%s out of order", w)
			last = i
		}
	}
	inOrder("\n      \"Phase\": {", "\n      \"Task\": {", "\n      \"Step\": {", "\n      \"Actor\": {")
	inOrder(`"name": "task_start"`, `"name": "echo"`, `"name": "reset"`, `"name": "sum"`)
	inOrder(`"sid": {`, `"priority": {`, `"created_at": {`, `"owner": {`, `"type": {`)
}

func TestGenerateEdgeCases(t *testing.T) {
	s := handEdgeCases()
	out := generate(t, s)
	doc := decode(t, out)
	// Error messages are the doc's first line or the name; the full doc
	// travels in x-oschema-error-docs when it differs.
	assert.Equal(t, map[string]interface{}{"code": 7.0, "message": "Bare"}, at(t, doc, "components", "errors", "Bare"))
	assert.Equal(t, "First line.", at(t, doc, "components", "errors", "Long", "message"))
	assert.Equal(t, map[string]interface{}{"Bare": "", "Long": "First line.\nMore detail."}, doc["x-oschema-error-docs"])
	assert.Equal(t, map[string]interface{}{"type": "object", "description": "No fields at all.\nSecond line.",
		"properties": map[string]interface{}{}}, at(t, doc, "components", "schemas", "Empty"))
	assert.Equal(t, map[string]interface{}{"low": "Barely <noticeable> & fine."}, at(t, doc, "x-oschema-types", "Level", "enum-docs"))
	assert.Contains(t, string(out), "Barely <noticeable> & fine.", "no HTML escaping in docs")
	assert.Equal(t, "the packed box", at(t, doc, "methods", 1, "result", "description"))
	assert.Equal(t, map[string]interface{}{"name": "tag", "schema": map[string]interface{}{"type": "string"},
		"x-oschema-index": true}, at(t, doc, "methods", 0, "params", 0))
}

func TestGenerateBrokenModel(t *testing.T) {
	s := handEdgeCases()
	s.Decls[2].Fields[0].Type = &model.TypeRef{Kind: model.KindNamed}
	_, err := Generate(s, s.Services[0], emit.Options{})
	require.EqualError(t, err, "openrpc: decl Box: field self: named type without a decl")

	s = handEdgeCases()
	s.Services[0].Methods[1].Result = &model.TypeRef{Kind: model.KindList}
	_, err = Generate(s, s.Services[0], emit.Options{})
	require.EqualError(t, err, "openrpc: service EdgeService: method pack: result: missing type")

	_, err = Generate(s, nil, emit.Options{})
	require.Error(t, err)
}
