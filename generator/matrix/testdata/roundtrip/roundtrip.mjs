// Round-trips a kitchen_sink Task through JavaScript.
//
// Usage: node roundtrip.mjs CLIENT_JS < task.json > task.json
// The generated JavaScript client keeps values in wire form (client.d.ts
// types them), so decoding and encoding is JSON.parse and JSON.stringify,
// exactly what the client does on the wire; the client module is loaded
// to prove it imports cleanly next to this use.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

await import(pathToFileURL(process.argv[2]).href);
const task = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(task));
