package rust

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// schemaCase is a model the tests generate from, with the module name the
// cargo harness gives it.
type schemaCase struct {
	module string
	load   func(t *testing.T) (*model.Schema, *model.Service)
}

func cases() []schemaCase {
	return []schemaCase{
		{"kitchen_sink", loadKitchenSink},
		{"edge", func(*testing.T) (*model.Schema, *model.Service) { return edgeSchema() }},
		{"minimal", func(*testing.T) (*model.Schema, *model.Service) { return minimalSchema() }},
		{"wire_names", loadWireNames},
		// Error, Result, Option, String, Kind = "Kind" | ...: escaped names.
		{"reserved_names", loadSchemaDir("reserved_names")},
		// A service without methods.
		{"no_methods", loadSchemaDir("no_methods")},
		// @secret fields and params: Debug shows "***".
		{"secrets", loadSchemaDir("secrets")},
	}
}

// generate returns the three files of the schema, keyed by file name.
func generate(t *testing.T, s *model.Schema, svc *model.Service) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, gen := range []emit.Generator{GenerateTypes, GenerateServer, GenerateClient} {
		files, err := gen(s, svc, emit.Options{})
		require.NoError(t, err)
		for _, f := range files {
			out[f.Name] = f.Content
		}
	}
	require.Len(t, out, 3)
	return out
}

// generateDir returns the files of generate laid out as in a directory of
// generated files (artifacts.Layout): the Rust files under rust/, and the
// openrpc.json that rust_server.rs embeds (include_str!("../openrpc.json"))
// at the top. Paths are slash-separated.
func generateDir(t *testing.T, s *model.Schema, svc *model.Service) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, content := range generate(t, s, svc) {
		out["rust/"+name] = content
	}
	doc, err := openrpc.Document(s, svc)
	require.NoError(t, err)
	out[openrpc.FileName] = doc
	return out
}

func TestGolden(t *testing.T) {
	for _, c := range cases() {
		c := c
		t.Run(c.module, func(t *testing.T) {
			s, svc := c.load(t)
			for name, content := range generate(t, s, svc) {
				golden := filepath.Join("testdata", c.module, name)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
					require.NoError(t, os.WriteFile(golden, content, 0o644))
					continue
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err, "run go test ./generator/emit/rust -update")
				assert.Equal(t, string(want), string(content), "%s differs from its golden file; run with -update and review the diff", golden)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range cases() {
		s, svc := c.load(t)
		first := generate(t, s, svc)
		s, svc = c.load(t)
		second := generate(t, s, svc)
		for name := range first {
			assert.True(t, bytes.Equal(first[name], second[name]), "%s/%s differs between two runs", c.module, name)
		}
	}
}

func TestHeaderAndNoAbsolutePaths(t *testing.T) {
	s, svc := loadKitchenSink(t)
	root := testtool.RepoRoot(t) // the schema lives under it, not under this package
	for name, content := range generate(t, s, svc) {
		text := string(content)
		assert.True(t, strings.HasPrefix(text, emit.Header("//", s, svc)), "%s must start with the header", name)
		assert.Contains(t, text, emit.HashMarker+s.Hash())
		assert.NotContains(t, text, root, "%s must not hold an absolute path", name)
	}
}

func TestOnlyWhatIsUsed(t *testing.T) {
	s, svc := minimalSchema()
	files := generate(t, s, svc)
	types, server := string(files[TypesFile]), string(files[ServerFile])
	assert.NotContains(t, types, "BTreeMap")
	assert.NotContains(t, types, "oschema_base64")
	assert.NotContains(t, server, "use std::collections::BTreeMap")
	assert.NotContains(t, server, "impl RpcError {\n    /// The code of")

	s, svc = edgeSchema()
	files = generate(t, s, svc)
	assert.Contains(t, string(files[TypesFile]), "mod oschema_base64 {")
	assert.Contains(t, string(files[ServerFile]), "use std::collections::BTreeMap;")
}

func TestNamesAndMapping(t *testing.T) {
	s, svc := loadKitchenSink(t)
	files := generate(t, s, svc)
	types, server := string(files[TypesFile]), string(files[ServerFile])
	for _, want := range []string{
		"    #[serde(rename = \"type\")]\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub r#type: Option<String>,\n",
		"    pub from: Option<String>,\n",
		"    #[serde(with = \"oschema_base64\")]\n    pub payload: Vec<u8>,\n",
		"    pub note: Option<Box<Step>>,\n",
		"    pub children: Vec<Step>,\n",
		"    pub matrix: BTreeMap<String, Vec<i64>>,\n",
		"    pub extra: serde_json::Value,\n",
		"    Pending,\n",
		"    /// A value this version of the schema does not know.\n    Unknown(String),\n",
		"            \"pending\" => return Ok(Phase::Pending),\n",
		"#[serde(deny_unknown_fields)]\n#[allow(dead_code)]\npub struct TaskStartInput {\n",
		"pub type TaskStartOutput = Phase;\n",
		"pub type ResetOutput = ();\n",
		"/// A unit of work.\n#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[allow(dead_code)]\npub struct Task {\n",
		"/// One step of a task.\n#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]\n#[allow(dead_code)]\npub struct Step {\n",
	} {
		assert.Contains(t, types, want)
	}
	for _, want := range []string{
		"use super::rust_types::*;\n",
		"pub trait TaskServiceHandler {\n",
		"    fn task_start(&self, input: TaskStartInput) -> Result<Phase, RpcError>;\n",
		"    fn reset(&self) -> Result<(), RpcError>;\n",
		"    pub const NOT_FOUND: i64 = 1004;\n",
		"    /// The task does not exist.\n    pub fn not_found() -> Self {\n        Self::new(Self::NOT_FOUND, \"The task does not exist.\")\n",
		"pub const DEFAULT_SOCKET_PATH: &str = \"~/hero/var/sockets/kitchen_sink/rpc.sock\";\n",
	} {
		assert.Contains(t, server, want)
	}
}

func TestDocComments(t *testing.T) {
	var b strings.Builder
	writeDoc(&b, "    ", "First line.  \n\nExample:\n```\nx = 1\n```")
	assert.Equal(t, "    /// First line.\n    ///\n    /// Example:\n    /// ```text\n    /// x = 1\n    /// ```\n", b.String())
}

func TestRawString(t *testing.T) {
	assert.Equal(t, `r#"{"a": 1}"#`, rawString(`{"a": 1}`))
	assert.Equal(t, `r##"say "#hi""##`, rawString(`say "#hi"`))
	assert.Equal(t, `"a\"b\\c\n\u{1}"`, rustString("a\"b\\c\n\x01"))
}

func TestBadModels(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *model.Schema, svc *model.Service)
		want   string
	}{
		{"decl collides with input struct", func(s *model.Schema, svc *model.Service) {
			s.Decls[1].Name = "PingInput"
		}, "both become the Rust type PingInput"},
		{"decl collides with handler", func(s *model.Schema, svc *model.Service) {
			s.Decls[1].Name = "EdgeServiceHandler"
		}, "both become the Rust type EdgeServiceHandler"},
		{"methods collide", func(s *model.Schema, svc *model.Service) {
			svc.Methods[1].Name = "blob.put"
			svc.Methods[0].Name = "blob_put"
		}, "both become the Rust function blob_put"},
		{"fields collide", func(s *model.Schema, svc *model.Service) {
			s.Decls[3].Fields[5].Name = "current_logs"
		}, "decl Blob: fields \"currentLogs\" and \"current_logs\" both become the Rust field current_logs"},
		{"enum values collide", func(s *model.Schema, svc *model.Service) {
			s.Decls[0].Values[1].Value = "light_red"
		}, "values \"light-red\" and \"light_red\" both become the variant LightRed"},
		{"reserved rpc. method", func(s *model.Schema, svc *model.Service) {
			svc.Methods[0].Name = "rpc.discover"
		}, "reserved by JSON-RPC"},
		{"error escaped into another", func(s *model.Schema, svc *model.Service) {
			svc.Errors[0].Name = "InvalidParams"
			svc.Errors = append(svc.Errors, &model.ErrorDef{Name: "InvalidParams_", Code: 7})
		}, "RpcError::INVALID_PARAMS_ is taken by error InvalidParams"},
		{"errors collide", func(s *model.Schema, svc *model.Service) {
			svc.Errors = append(svc.Errors, &model.ErrorDef{Name: "Gone", Code: 7})
		}, "RpcError::GONE is taken by error Gone"},
		{"unusable field name", func(s *model.Schema, svc *model.Service) {
			s.Decls[1].Fields[0].Name = "1st"
		}, "cannot derive a Rust field name"},
	}
	for _, tc := range tests {
		tc := tc
		t.Run(tc.name, func(t *testing.T) {
			s, svc := edgeSchema()
			tc.mutate(s, svc)
			for _, gen := range []emit.Generator{GenerateTypes, GenerateServer, GenerateClient} {
				_, err := gen(s, svc, emit.Options{})
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
			}
		})
	}
	_, err := GenerateTypes(&model.Schema{}, nil, emit.Options{})
	assert.Error(t, err)
}
