#!/usr/bin/env bash
# Every go_repository in rules/go_repositories.bzl matches deps.bzl exactly
# (name, importpath, sum, version), so users build the generator with the
# modules this repository tests.
set -euo pipefail
block() { # FILE NAME -> the go_repository attributes of NAME, one per line
  awk -v n="\"$2\"" '$0 ~ "name = " n {f=1} f && /importpath|sum =|version =/ {print} f && /\)/ {exit}' "$1" | tr -d ' ,'
}
fail=0
names=$(grep -o 'name = "[a-z0-9_]*"' rules/go_repositories.bzl | cut -d'"' -f2)
[ -n "$names" ] || { echo "no go_repository found in rules/go_repositories.bzl"; exit 1; }
for n in $names; do
  want=$(block deps.bzl "$n")
  got=$(block rules/go_repositories.bzl "$n")
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "$n: rules/go_repositories.bzl has [$got], deps.bzl has [$want]"
    fail=1
  fi
done
[ "$fail" = 0 ] && echo "$(echo "$names" | wc -w) go_repository declaration(s) match deps.bzl"
exit "$fail"
