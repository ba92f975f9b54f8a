package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStageCommand(t *testing.T) {
	dir := workspace(t, map[string]string{
		"old/calc/api.oschema": diffOld,
		"new/calc/api.oschema": diffCompatible,
	})
	code, out, errs := runCLI("generate", "-artifacts", "openrpc,python,js", "-out", "built/calc/generated", "old/calc")
	require.Equal(t, 0, code, out+errs)

	sockets := socketDir(t)
	py := filepath.Join(dir, "py")
	js := filepath.Join(dir, "js")
	serveSchema(t, filepath.Join(sockets, "calc", "rpc.sock"), "old/calc", false)

	code, out, errs = runCLI("stage", "-once", "-sockets", sockets, "-from", "built", "-out-python", py, "-out-js", js)
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "current   calc: sha256:")
	assert.FileExists(t, filepath.Join(py, "calc_client.py"))
	assert.FileExists(t, filepath.Join(py, "calc_interface.py"))
	assert.FileExists(t, filepath.Join(js, "calc_client.js"))

	// The service moves on; its pre-generated client does not.
	require.NoError(t, os.RemoveAll(filepath.Join(sockets, "calc")))
	serveSchema(t, filepath.Join(sockets, "calc", "rpc.sock"), "new/calc", false)
	code, out, errs = runCLI("stage", "-once", "-json", "-sockets", sockets, "-from", "built", "-out-python", py, "-out-js", "-")
	assert.Equal(t, 1, code, "drift exits 1: %s", errs)
	var rep struct {
		Drift    bool
		Services []struct {
			Status string
			Diff   struct{ Compatible int }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Drift)
	require.Len(t, rep.Services, 1)
	assert.Equal(t, "drift", rep.Services[0].Status)
	assert.Equal(t, 2, rep.Services[0].Diff.Compatible)
	data, err := os.ReadFile(filepath.Join(py, "calc_client.py"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "oschema-stage: ")
	assert.Contains(t, string(data), "def neg(")

	code, _, _ = runCLI("stage", "-once", "-watch")
	assert.Equal(t, 2, code)
	code, _, _ = runCLI("stage", "extra")
	assert.Equal(t, 2, code)
}
