package matrix

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// importedCalls are the calls made through every client of each document
// of generator/openrpc/testdata/import: dotted method names (hero_proc),
// camelCase params and method names, record params, no-param and
// no-result methods, allOf records and nullable and union (any) types
// (composition).
var importedCalls = map[string][]rpcCall{
	"composition.json": {
		{"item_get", `{"itemId": "i-1"}`, ""},
		{"item_create", `{"item": {"name": "bolt", "quantity": 3, "location": {"aisle": 2, "shelf": "b"}, "dryRun": true}, "note": "restock"}`, ""},
		{"item_find", `{"key": "i-1", "location": {"aisle": 4}}`, ""},
		{"stock_levels", `{}`, ""},
	},
	"hero_proc.json": {
		{"service.start", `{"name": "web"}`, ""},
		{"logs.tail", `{"contextName": "web", "limit": 5}`, ""},
		{"job.create", `{"action": "web.run", "tags": {"k": "v"}, "retryPolicy": {"maxAttempts": 3, "backoffMs": 250}}`, ""},
		{"action.set", `{"action": {"name": "run", "interpreter": "bash", "dependsOn": ["a", "b"], "health": {"intervalSeconds": 5}}}`, ""},
	},
	"ledger_node.json": {
		{"node_getBlock", `{"blockHash": "0xab", "fullTransactions": true}`, `["0xab", true]`},
		{"node_getBalance", `{"address": "0x1", "unit": "gwei"}`, `["0x1", null, "gwei"]`},
		{"node_syncing", `{}`, ""},
		{"admin.peers", `{"limit": 3}`, ""},
	},
	"petstore.json": {
		{"get_pet_by_id", `{"id": 7}`, ""},
		{"create_pet", `{"newPet": {"name": "rex", "tag": "dog"}}`, ""},
		{"get_pets", `{"tags": ["a"], "limit": 2}`, ""},
	},
	"zinit.json": {
		{"service_status", `{"name": "redis"}`, ""},
		{"stream_currentLogs", `{"name": "redis"}`, ""},
		{"service_list", `{}`, ""},
		{"service_start", `{"name": "redis"}`, ""},
	},
}

// TestImportedOpenRPC generates the clients and the Go server of each
// service known only from an OpenRPC document, type-checks the clients
// (mypy --strict, tsc --strict) and runs each client against a recording
// server (exact params on the wire) and against the generated Go server.
func TestImportedOpenRPC(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestImportedOpenRPC")
	root := testtool.RepoRoot(t)
	docs, err := filepath.Glob(filepath.Join(root, "generator", "openrpc", "testdata", "import", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	sort.Strings(docs)
	for _, doc := range docs {
		doc := doc
		base := filepath.Base(doc)
		t.Run(base, func(t *testing.T) {
			calls, ok := importedCalls[base]
			require.True(t, ok, "add calls for %s to importedCalls", base)
			data, err := os.ReadFile(doc)
			require.NoError(t, err)
			s, err := openrpc.Import("generator/openrpc/testdata/import/"+base, data)
			require.NoError(t, err)
			svc := s.Services[0]
			for _, c := range calls {
				require.NotNil(t, svc.Method(c.Method), "%s has no method %s", base, c.Method)
			}
			g := buildGeneric(t, base[:len(base)-len(".json")], s, svc, func(apiGo []byte) map[string][]byte {
				return map[string][]byte{"fixed.go": fixedImpl(t, s, svc, apiGo, calls, true)}
			})

			t.Run("mypy", func(t *testing.T) { mypyStrict(t, g.pyDir) })
			t.Run("tsc", func(t *testing.T) { tscStrict(t, g.jsDir) })

			rec := &recorder{t: t, s: s, svc: svc}
			recURL := rec.listen(t)
			goServer := startServer(t, g.server, "-socket", socketPath(t), "-http", "127.0.0.1:0")
			sampleOf := func(_ int, m *model.Method) string { return sampleJSON(t, m) }
			for _, lang := range []string{"python", "javascript", "go"} {
				lang := lang
				t.Run(lang, func(t *testing.T) {
					t.Run("recorder", func(t *testing.T) {
						got := g.runClient(t, lang, recURL, calls)
						g.checkResults(t, lang, calls, got, sampleOf)
						reqs := rec.take()
						require.Len(t, reqs, len(calls))
						for i, c := range calls {
							assert.Equal(t, c.Method, reqs[i].Method)
							assert.JSONEq(t, c.wire(), string(reqs[i].Params), "%s: params on the wire", c.Method)
						}
					})
					t.Run("go_server", func(t *testing.T) {
						got := g.runClient(t, lang, goServer.Unix, calls)
						g.checkResults(t, lang, calls, got, sampleOf)
					})
				})
			}
		})
	}
}

func mypyStrict(t *testing.T, dir string) {
	mypy := testtool.Mypy(t)
	cmd := exec.Command(mypy[0], append(mypy[1:], "--strict", "--python-version", "3.9", "--no-incremental", "client.py")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mypy --strict client.py:\n%s", out)
}

func tscStrict(t *testing.T, dir string) {
	node := testtool.Look(t, "node")
	tsc := filepath.Join(testtool.NodeModules(t), "typescript", "bin", "tsc")
	cmd := exec.Command(node, tsc, "--strict", "--noEmit", "--target", "es2022", "--module", "es2022",
		"--moduleResolution", "node", "client.d.ts")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tsc --strict client.d.ts:\n%s", out)
}
