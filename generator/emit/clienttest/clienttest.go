// Package clienttest holds what the client emitters' tests share: the
// kitchen_sink model, a conversation script every client driver follows
// (script.go) and an in-memory TaskService JSON-RPC server that checks the
// wire format of every request (server.go). The cross-language matrix
// reuses them with the driver scripts in generator/emit/python/testdata and
// generator/emit/js/testdata.
package clienttest

import (
	"os"
	"testing"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// KitchenSinkDir is the workspace-relative directory of the schema that
// uses every construct of the language.
const KitchenSinkDir = "generator/testdata/schemas/kitchen_sink"

// KitchenSink loads the kitchen_sink model with the resolver.
func KitchenSink(t testing.TB) *model.Schema {
	t.Helper()
	s, err := resolve.Load(os.DirFS(testtool.RepoRoot(t)), KitchenSinkDir)
	if err != nil {
		t.Fatalf("clienttest: loading %s: %v", KitchenSinkDir, err)
	}
	return s
}
