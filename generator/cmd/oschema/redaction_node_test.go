package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestSecretsRedactedJS decodes a reply of the secrets schema with the
// generated JavaScript client and prints it as a Node program would log
// it (console.log, util.inspect, template strings of inspect): the
// @secret fields are "***", also inside a list, while JSON.stringify and
// the fields themselves keep the values (the client hands back plain
// objects; only the formatter Node's inspect looks for is added).
func TestSecretsRedactedJS(t *testing.T) {
	root := testtool.RepoRoot(t)
	out := t.TempDir()
	code, _, stderr := runCLI("generate", "-root", root, "-artifacts", "js", "-out", out, "generator/testdata/schemas/secrets")
	require.Equal(t, 0, code, stderr)
	script := `
import { inspect } from "node:util";
const { VaultClient } = await import(process.argv[1]);
const result = {user: "ann", password: "hunter2", token: "tok-1", key: "azN5", note: "n"};
const transport = {
  async post() {
    return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: 1, result }) };
  },
};
const c = new VaultClient({ transport });
const got = await c.put({ name: "n", password: "hunter2" });
console.log(got);
console.log(inspect([got], { depth: 4 }));
console.log("sent " + JSON.stringify(got) + " " + got.password + " " + Object.keys(got).join(","));
`
	cmd := exec.Command(testtool.Look(t, "node"), "--input-type=module", "-e", script, filepath.Join(out, "js", "client.js"))
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	sent := lines[len(lines)-1]
	printed := strings.Join(lines[:len(lines)-1], "\n")
	for _, leaked := range []string{"hunter2", "tok-1", "azN5"} {
		assert.NotContains(t, printed, leaked)
	}
	assert.Contains(t, printed, "password: '***'")
	assert.Contains(t, printed, "user: 'ann'")
	assert.Contains(t, printed, "note: 'n'")
	assert.Contains(t, sent, `"password":"hunter2"`, "JSON keeps the value")
	assert.Contains(t, sent, " hunter2 ", "the field keeps the value")
	assert.Contains(t, sent, "user,password,token,key,note", "no enumerable key is added")
}
