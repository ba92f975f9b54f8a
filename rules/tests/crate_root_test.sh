#!/usr/bin/env bash
# Fails when the lib.rs Bazel writes ($1) differs from the golden one ($2).
set -euo pipefail
if ! diff -u "$2" "$1"; then
  echo "lib.rs of //rules/tests:gen_default differs from rules/tests/testdata/crate_root/lib.rs; update the golden file (TestCrateRootBuilds builds it with cargo)"
  exit 1
fi
echo "lib.rs matches rules/tests/testdata/crate_root/lib.rs"
