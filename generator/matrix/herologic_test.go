package matrix

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// heroLogicCalls are the four methods the hero ecosystem requires of the
// hero_logic Python client, with the results testdata/hero_logic/impl.go
// computes from their params.
var heroLogicCalls = []struct {
	rpcCall
	want string
}{
	{rpcCall{"play_start", `{"workflow_sid": "wf1", "input_data": "{\"source\": \"s3\"}"}`, ""}, `{
		"sid": "play-1", "workflow_sid": "wf1", "phase": "running", "input_data": "{\"source\": \"s3\"}",
		"node_runs": {
			"extract": {"node_id": "extract", "phase": "running", "input_data": "{\"source\": \"s3\"}", "started_at": "2024-03-04T03:06:07.5Z"},
			"load": {"node_id": "load", "phase": "waiting_deps", "input_data": "{\"source\": \"s3\"}", "started_at": "2024-03-04T05:06:07.5+02:00"}},
		"created_at": "2024-03-04T05:06:07.5+02:00"}`},
	{rpcCall{"workflow_version_fetch", `{"workflow_sid": "wf1"}`, ""}, `{
		"workflow_sid": "wf1", "version": 3, "nodes": ` + heroLogicNodes + `, "created_at": "2024-03-04T05:06:07.5+02:00"}`},
	{rpcCall{"workflow_version_fetch", `{"workflow_sid": "wf1", "version": 2}`, ""}, `{
		"workflow_sid": "wf1", "version": 2, "nodes": ` + heroLogicNodes + `, "created_at": "2024-03-04T05:06:07.5+02:00"}`},
	{rpcCall{"workflow_clone", `{"workflow_sid": "wf1", "name": "etl-copy"}`, ""}, `{
		"sid": "wf1-clone", "name": "etl-copy", "description": "extract, transform, load", "version": 1,
		"nodes": ` + heroLogicNodes + `,
		"inputs": [{"name": "source", "kind": "str"}, {"name": "limit", "kind": "int"}, {"name": "dry", "kind": "bool"}],
		"tags": ["daily"], "created_at": "2024-03-04T05:06:07.5+02:00", "updated_at": "2024-03-04T05:06:07.5+02:00"}`},
	{rpcCall{"example_to_input_data", `{"workflow_sid": "wf1"}`, ""}, `"{\"dry\":false,\"limit\":0,\"source\":\"\"}"`},
}

const heroLogicNodes = `[
	{"id": "extract", "logic_version_sid": "lv1", "mappings": [], "depends_on": []},
	{"id": "load", "logic_version_sid": "lv2", "mappings": [{"target": "rows", "source": "extract.rows"}], "depends_on": ["extract"]}]`

// TestHeroLogic calls play_start, workflow_version_fetch, workflow_clone
// and example_to_input_data through the hero_logic clients (the Python
// one generated now and the one committed in examples/hero_logic/generated,
// the JavaScript and Go ones) against the generated Go server of
// hero_logic with testdata/hero_logic/impl.go, over the Unix socket, and
// checks the typed results.
func TestHeroLogic(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestHeroLogic")
	root := testtool.RepoRoot(t)
	s, err := resolve.Load(os.DirFS(root), "examples/hero_logic")
	require.NoError(t, err)
	svc := s.Service("LogicService")
	require.NotNil(t, svc)
	var calls []rpcCall
	for _, c := range heroLogicCalls {
		calls = append(calls, c.rpcCall)
	}
	g := buildGeneric(t, "hero_logic", s, svc, func(apiGo []byte) map[string][]byte {
		return map[string][]byte{
			"fixed.go": fixedImpl(t, s, svc, apiGo, nil, false),
			"impl.go":  readTestdata(t, "testdata", "hero_logic", "impl.go"),
		}
	})
	committed := scratchDir(t, "hero_logic-python-committed")
	writeFiles(t, committed, map[string][]byte{
		"client.py": readTestdata(t, root, "examples", "hero_logic", "generated", "python", "hero_logic", "__init__.py"),
		"driver.py": readTestdata(t, "testdata", "generic", "driver.py"),
	})

	srv := startServer(t, g.server, "-socket", socketPath(t), "-http", "127.0.0.1:0")
	want := func(i int, _ *model.Method) string { return heroLogicCalls[i].want }
	for _, lang := range []string{"python", "python_committed", "javascript", "go"} {
		lang := lang
		t.Run(lang, func(t *testing.T) {
			gc := *g
			if lang == "python_committed" {
				gc.pyDir, lang = committed, "python"
			}
			got := gc.runClient(t, lang, srv.Unix, calls)
			gc.checkResults(t, lang, calls, got, want)
		})
	}
}
