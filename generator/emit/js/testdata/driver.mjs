// Drives the generated kitchen_sink JavaScript client through clienttest.Script.
//
// Usage: node driver.mjs CLIENT_JS ENDPOINT [timeout]
//   CLIENT_JS  path of the generated client.js
//   ENDPOINT   unix:/path/to/rpc.sock or http://host:port/rpc
//   timeout    instead of the script, call reset() with a 300 ms timeout
//              against a server that never answers
//
// Prints one JSON line per step (see generator/emit/clienttest/script.go).
import { pathToFileURL } from "node:url";

const [clientPath, endpoint, mode] = process.argv.slice(2);
const api = await import(pathToFileURL(clientPath).href);
const { TaskServiceClient, RpcError } = api;

const options = endpoint.startsWith("unix:")
  ? { socketPath: endpoint.slice("unix:".length) }
  : { url: endpoint };
const c = new TaskServiceClient({ ...options, timeoutMs: 10000 });

if (mode === "timeout") {
  try {
    await c.reset({ timeoutMs: 300 });
    console.log(JSON.stringify({ step: "timeout", result: "no timeout" }));
  } catch (e) {
    console.log(JSON.stringify({ step: "timeout", error: { type: e.name, message: e.message } }));
  }
  process.exit(0);
}

const T1 = {
  sid: "t1", name: "first", phase: "pending", priority: -3, attempts: 2,
  size: -9007199254740991, quota: 9007199254740991, ratio: 0.5, score: 2.25,
  done: false, created_at: "2024-01-02T03:04:05Z", payload: "+//+AA==",
  extra: { k: [1, "two", null, true] }, tags: ["a", "b"],
  labels: { env: "prod", from: "x" },
  steps: [{ title: "s1", children: [{ title: "s1.1", children: [] }], note: { title: "n", children: [] } }],
  matrix: { m: [1, -2, 3], e: [] },
  owner: { name: "Ann", email: "ann@example.com" },
  parent: "t0", deadline: "2024-02-03T04:05:06+02:00", from: "alice", type: "batch",
};
const T2 = {
  sid: "t2", name: "second", phase: "running", priority: 0, attempts: 0,
  size: 0, quota: 0, ratio: 0, score: 0, done: true,
  created_at: "2024-01-01T00:00:00Z", payload: "", extra: null,
  tags: [], labels: {}, steps: [], matrix: {}, owner: { name: "Bob" },
};

async function step(name, call) {
  let line;
  try {
    const result = await call();
    line = { step: name, result: result === undefined ? null : result };
  } catch (e) {
    if (!(e instanceof RpcError)) throw e;
    line = { step: name, error: { type: e.name, code: e.code, message: e.message, data: e.data ?? null } };
  }
  console.log(JSON.stringify(line));
}

await step("reset", () => c.reset());
await step("list_empty", () => c.taskList());
await step("new_t1", () => c.taskNew({ task: T1 }));
await step("new_t2", () => c.taskNew({ task: T2 }));
await step("get_t1", () => c.taskGet({ sid: "t1" }));
await step("exists_t1", () => c.taskExists({ sid: "t1" }));
await step("exists_nope", () => c.taskExists({ sid: "nope" }));
await step("get_nope", () => c.taskGet({ sid: "nope" }));
await step("start_dry", () => c.taskStart({ sid: "t1", dry_run: true }));
await step("start_t1", () => c.taskStart({ sid: "t1", dry_run: null }));
await step("set_t2", () => c.taskSet({ task: { ...T2, phase: "done" } }));
await step("start_t2", () => c.taskStart({ sid: "t2" }));
await step("find_running", () => c.taskFind({ phase: "running" }));
await step("find_name", () => c.taskFind({ name: "second", phase: undefined }));
await step("find_all", () => c.taskFind());
await step("list", () => c.taskList());
await step("list_full", () => c.taskListFull());
await step("delete_t2", () => c.taskDelete({ sid: "t2" }));
await step("delete_t2_again", () => c.taskDelete({ sid: "t2" }));
await step("list_after_delete", () => c.taskList());
await step("echo_full", () => c.echo({ task: T1, note: "hi", counts: { a: 1, b: 9007199254740991 } }));
await step("echo_minimal", () => c.echo({ task: T2, counts: {} }));
await step("sum", () => c.sum({ values: [1.5, 2.25, -0.75] }));
await step("scale_all", () => c.scale({ values: [1, 2], factor: 2, offset: 0.5 }));
await step("scale_offset", () => c.scale({ values: [1, 2], offset: 1 }));
await step("scale_plain", () => c.scale({ values: [1, 2] }));
await step("get_boom", () => c.taskGet({ sid: "boom" }));
await step("discover", async () => {
  const doc = await c.discover();
  return { title: doc.info.title, version: doc.info.version, methods: doc.methods.map((m) => m.name) };
});
