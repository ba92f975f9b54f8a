// Calls methods of any generated JavaScript client and prints the results.
//
// Usage: node driver.mjs CLIENT_JS CLIENT_CLASS ENDPOINT CALLS
//   CALLS  JSON list of {"method": client method name, "params": wire params}
//
// Prints one JSON line per call: {"result": ...} or {"error": {"code",
// "message", "data"}}.
import { pathToFileURL } from "node:url";

const [clientPath, className, endpoint, calls] = process.argv.slice(2);
const api = await import(pathToFileURL(clientPath).href);
const options = endpoint.startsWith("unix:")
  ? { socketPath: endpoint.slice("unix:".length) }
  : { url: endpoint };
const c = new api[className]({ ...options, timeoutMs: 10000 });

for (const call of JSON.parse(calls)) {
  let line;
  try {
    const result = Object.keys(call.params).length === 0
      ? await c[call.method]()
      : await c[call.method](call.params);
    line = { result: result === undefined ? null : result };
  } catch (e) {
    if (!(e instanceof api.RpcError)) throw e;
    line = { error: { code: e.code, message: e.message, data: e.data ?? null } };
  }
  console.log(JSON.stringify(line));
}
