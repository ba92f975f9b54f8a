package openrpc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metaValidate runs testdata/validate.js (ajv + @open-rpc/meta-schema) on
// the documents, given as file name -> content, and returns its output and
// whether every document was valid.
func metaValidate(t *testing.T, docs map[string][]byte) (string, bool) {
	t.Helper()
	node := testtool.Look(t, "node")
	modules := testtool.NodeModules(t)
	script, err := filepath.Abs(filepath.Join("testdata", "validate.js"))
	require.NoError(t, err)
	dir := t.TempDir()
	args := []string{script}
	for name, content := range docs {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, content, 0o644))
		args = append(args, p)
	}
	cmd := exec.Command(node, args...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running node: %v", err)
		}
	}
	text := strings.ReplaceAll(string(out), dir+string(filepath.Separator), "")
	return text, err == nil
}

// TestMetaSchemaValid checks every document this package writes, and the
// hand-written documents it imports, against the official meta-schema.
func TestMetaSchemaValid(t *testing.T) {
	docs := map[string][]byte{
		"kitchen_sink.json": generate(t, handKitchenSink()),
		"edge.json":         generate(t, handEdgeCases()),
	}
	for _, name := range []string{"kitchen_sink.openrpc.json", "edge.openrpc.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
		require.NoError(t, err)
		docs["golden_"+name] = b
	}
	for _, path := range importDocs(t) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		base := filepath.Base(path)
		docs["input_"+base] = b
		s, err := Import(path, b)
		require.NoError(t, err)
		docs["reexported_"+base] = generate(t, s)
	}
	out, ok := metaValidate(t, docs)
	require.True(t, ok, out)
	assert.Equal(t, len(docs), strings.Count(out, "ok "), out)
}

// TestMetaSchemaCatchesBrokenDocuments proves the validator is not a
// rubber stamp: each broken document must fail, for the expected reason.
func TestMetaSchemaCatchesBrokenDocuments(t *testing.T) {
	good := string(generate(t, handEdgeCases()))
	broken := map[string]struct{ from, to, want string }{
		// Error objects take no extensions: why error docs live at the top.
		"error_extension.json": {`"code": 7,`, `"code": 7, "x-oschema-name": "Bare",`, "must NOT have additional properties"},
		"no_params.json":       {`"params": [`, `"parameters": [`, "must have required property 'params'"},
		"bad_version.json":     {`"openrpc": "` + Version + `"`, `"openrpc": "9.9.9"`, "must be equal to one of the allowed values"},
		"bad_schema.json":      {`"type": "null"`, `"type": 5`, "/methods/0/result"},
		"dangling_ref.json":    {`"$ref": "#/components/schemas/Empty"`, `"$ref": "#/components/schemas/Nope"`, "can't resolve reference"},
	}
	docs := map[string][]byte{}
	for name, b := range broken {
		doc := strings.Replace(good, b.from, b.to, 1)
		require.NotEqual(t, good, doc, name)
		docs[name] = []byte(doc)
	}
	out, ok := metaValidate(t, docs)
	require.False(t, ok, out)
	assert.NotContains(t, out, "ok ", out)
	for name, b := range broken {
		i := strings.Index(out, "FAIL "+name)
		require.GreaterOrEqual(t, i, 0, "%s did not fail:\n%s", name, out)
		rest := out[i+len("FAIL "+name):]
		if j := strings.Index(rest, "FAIL "); j >= 0 {
			rest = rest[:j]
		}
		assert.Contains(t, rest, b.want, name)
	}
}
