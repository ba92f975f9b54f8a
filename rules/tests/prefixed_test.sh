#!/usr/bin/env bash
# import_prefix / strip_import_prefix: a schema importing "vendor/ext"
# generates (the type it imports is in its OpenRPC document), and the
# vendored schema itself is named by its import path, not its directory.
# Arguments: the openrpc.json of //rules/tests:gen_prefixed_app, then of :gen_prefixed_ext.
set -euo pipefail
app="$1" ext="$2"
fail=0
if ! grep -qF '"x-oschema-source": "rules/tests/fixture/prefixed/app"' "$app"; then
  echo "app openrpc.json: wrong x-oschema-source: $(grep x-oschema-source "$app")"
  fail=1
fi
if ! grep -qF '"Tint"' "$app"; then
  echo "app openrpc.json lacks the imported type Tint"
  fail=1
fi
if ! grep -qF '"x-oschema-source": "vendor/ext"' "$ext"; then
  echo "ext openrpc.json: wrong x-oschema-source: $(grep x-oschema-source "$ext")"
  fail=1
fi
[ "$fail" = 0 ] && echo "schemas resolve and are named by their import paths"
exit "$fail"
