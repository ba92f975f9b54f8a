package js

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestPackage installs the generated directory (client.js, client.d.ts,
// package.json) as a package by linking node_modules/kitchen_sink to it:
// Node loads it as an ES module through its name ("exports"), and by
// path (client.js is ESM because of "type": "module"); tsc --strict with
// Node 16+ resolution finds the types through package.json alone.
func TestPackage(t *testing.T) {
	t.Parallel()
	node := testtool.Look(t, "node")
	tscBin := filepath.Join(testtool.NodeModules(t), "typescript", "bin", "tsc")
	pkg := goldenCopy(t)

	var manifest map[string]interface{}
	b, err := os.ReadFile(filepath.Join(pkg, "package.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &manifest))
	assert.Equal(t, "kitchen_sink", manifest["name"])
	assert.Equal(t, "module", manifest["type"])
	assert.Equal(t, "./client.d.ts", manifest["types"])
	assert.Contains(t, manifest["description"], "oschema-model: sha256:", "the stale-file mark of write-back")

	app := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(app, "node_modules"), 0o755))
	require.NoError(t, os.Symlink(pkg, filepath.Join(app, "node_modules", "kitchen_sink")))
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(app, name), []byte(content), 0o644))
	}
	write("by_name.mjs", `import { TaskServiceClient, RpcError } from "kitchen_sink";
import pkg from "kitchen_sink/package.json" with { type: "json" };
console.log(typeof TaskServiceClient, typeof RpcError, pkg.name);
`)
	write("by_path.mjs", `const api = await import(process.argv[2]);
console.log(typeof api.TaskServiceClient);
`)
	run := func(args ...string) string {
		cmd := exec.Command(node, args...)
		cmd.Dir = app
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "node %s:\n%s", strings.Join(args, " "), out)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "function function kitchen_sink", run("by_name.mjs"))
	// No detection of module syntax: "type": "module" makes client.js ESM.
	assert.Equal(t, "function", run("--no-experimental-detect-module", "by_path.mjs", "file://"+filepath.Join(pkg, "client.js")))

	write("use.mts", `import { TaskServiceClient } from "kitchen_sink";
import type { Task } from "kitchen_sink";

const client: TaskServiceClient = new TaskServiceClient({ url: "http://127.0.0.1:1/rpc" });
export async function names(): Promise<string[]> {
  const tasks: Task[] = await client.taskListFull();
  return tasks.map((task) => task.name);
}
// @ts-expect-error: a Task has no field "nope"
export const wrong = (task: Task): string => task.nope;
`)
	cmd := exec.Command(node, tscBin, "--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "use.mts")
	cmd.Dir = app
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tsc resolving kitchen_sink through package.json:\n%s", out)
}
