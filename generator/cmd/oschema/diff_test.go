package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/openrpc"
	"github.com/lhumina-code/rules_oschema/generator/resolve"
)

const (
	diffOld = "# Adds.\nservice Calc {\n    # Sum.\n    add(a: i64, b: i64) -> i64\n}\n"
	// diffCompatible adds a method and an optional param.
	diffCompatible = "# Adds.\nservice Calc {\n    # Sum.\n    add(a: i64, b: i64, c?: i64) -> i64\n    # Negate.\n    neg(a: i64) -> i64\n}\n"
	// diffBreaking changes a param type.
	diffBreaking = "# Adds.\nservice Calc {\n    # Sum.\n    add(a: f64, b: i64) -> i64\n}\n"
)

// socketDir returns a short temporary directory for sockets (Unix socket
// paths are limited to about 100 bytes; t.TempDir can be longer).
func socketDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "osd")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// serveSchema serves rpc.discover of the schema in dir on socket, the
// document wrapped in a JSON string when asString (as zinit does).
func serveSchema(t *testing.T, socket, dir string, asString bool) {
	t.Helper()
	s, err := resolve.Load(os.DirFS("."), dir)
	require.NoError(t, err)
	doc, err := openrpc.Document(s, s.Services[0])
	require.NoError(t, err)
	result := string(doc)
	if asString {
		b, _ := json.Marshal(result)
		result = string(b)
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(socket), 0o755))
	l, err := net.Listen("unix", socket)
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%s}`, result)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
}

func TestDiffCommand(t *testing.T) {
	dir := workspace(t, map[string]string{
		"old/calc/api.oschema":    diffOld,
		"compat/calc/api.oschema": diffCompatible,
		"break/calc/api.oschema":  diffBreaking,
	})

	code, out, errs := runCLI("diff", "old/calc", "old/calc")
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "no changes")

	code, out, errs = runCLI("diff", "old/calc", "compat/calc")
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "compatible method-added")
	assert.Contains(t, out, "Calc.add(c)")
	assert.Contains(t, out, "2 changes: 0 breaking, 2 compatible")

	code, out, errs = runCLI("diff", "--json", "old/calc", "break/calc")
	assert.Equal(t, 1, code, errs)
	var rep struct {
		Breaking int
		Changes  []struct{ Kind, Severity, Where string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 1, rep.Breaking)
	require.Len(t, rep.Changes, 1)
	assert.Equal(t, "param-type-changed", rep.Changes[0].Kind)
	assert.Equal(t, "Calc.add(a)", rep.Changes[0].Where)

	// An OpenRPC document and an absolute directory path.
	code, out, _ = runCLI("openrpc", "export", "-o", "calc.json", "old/calc")
	require.Equal(t, 0, code, out)
	code, out, errs = runCLI("diff", "calc.json", filepath.Join(dir, "old", "calc"))
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "no changes")

	// A live socket, answering with the document as a JSON string.
	sock := filepath.Join(socketDir(t), "calc", "rpc.sock")
	serveSchema(t, sock, "break/calc", true)
	code, out, errs = runCLI("diff", "old/calc", sock)
	assert.Equal(t, 1, code, errs)
	assert.Contains(t, out, "BREAKING   param-type-changed         Calc.add(a): i64 -> f64")

	code, _, errs = runCLI("diff", "old/calc")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "diff takes OLD and NEW")
	code, _, errs = runCLI("diff", "old/calc", "missing/calc")
	assert.Equal(t, 1, code)
	assert.NotEmpty(t, errs)
}
