// Validates OpenRPC documents against the official meta-schema
// (@open-rpc/meta-schema) with ajv, and compiles every schema of
// components.schemas as JSON Schema (draft-07) so a broken $ref or keyword
// fails too.
//
// usage: NODE_PATH=<node_modules of tools/js, see testtool.NodeModules> node validate.js doc.json...
// Prints "ok <file>" per valid document, the errors of invalid ones, and
// exits 1 if any document is invalid.
"use strict";
const fs = require("fs");
const Ajv = require("ajv");
const openrpcMeta = require("@open-rpc/meta-schema").default;
const draft07 = require("ajv/dist/refs/json-schema-draft-07.json");

// The meta-schema refers to https://meta.json-schema.tools (the
// @json-schema-tools/meta-schema package: draft-07 plus a
// definitions.JSONSchemaObject). That package is not installed, so it is
// rebuilt from ajv's bundled draft-07 meta-schema.
const jsonSchemaTools = JSON.parse(JSON.stringify(draft07));
jsonSchemaTools.$id = "https://meta.json-schema.tools/";
delete jsonSchemaTools.$schema;
jsonSchemaTools.definitions.JSONSchemaObject = {
  type: "object",
  properties: { $ref: { type: "string", format: "uri-reference" } },
};

// ajv resolves "https://meta.json-schema.tools" and ".../" as different
// URIs; the meta-schema uses both, so point all at the one registered.
const meta = JSON.parse(
  JSON.stringify(openrpcMeta).split('"https://meta.json-schema.tools"').join('"https://meta.json-schema.tools/"'),
);
delete meta.$schema;

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
ajv.addSchema(jsonSchemaTools);
const validate = ajv.compile(meta);

let failed = false;
for (const file of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.log(`FAIL ${file}: ${e.message}`);
    failed = true;
    continue;
  }
  const problems = [];
  if (!validate(doc)) {
    for (const e of validate.errors) {
      problems.push(`meta-schema: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  // Compile the component schemas as one JSON Schema document, so that
  // each $ref "#/components/schemas/X" resolves inside it.
  if (problems.length === 0 && doc.components && doc.components.schemas) {
    const checker = new Ajv({ strict: false, validateFormats: false, logger: false });
    try {
      for (const name of Object.keys(doc.components.schemas)) {
        checker.compile({
          $id: "urn:check:" + encodeURIComponent(name),
          components: doc.components,
          $ref: "#/components/schemas/" + name,
        });
      }
    } catch (e) {
      problems.push(`components.schemas: ${e.message}`);
    }
  }
  if (problems.length > 0) {
    failed = true;
    console.log(`FAIL ${file}`);
    for (const p of problems) console.log("  " + p);
  } else {
    console.log(`ok ${file}`);
  }
}
process.exit(failed ? 1 : 0);
