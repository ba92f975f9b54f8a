"""Go modules the generator's own code needs, for users' WORKSPACEs.

The default toolchain builds //generator/cmd/oschema from source, so a
user's workspace needs its Go dependencies too. Call after
gazelle_dependencies():

    load("@rules_oschema//rules:go_repositories.bzl", "rules_oschema_go_dependencies")
    rules_oschema_go_dependencies()

(This repository's own WORKSPACE gets them from deps.bzl.)
"""

load("@bazel_gazelle//:deps.bzl", "go_repository")
load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")

def rules_oschema_go_dependencies():
    """Declares the Go modules the oschema CLI imports, unless already declared."""

    # Keep in sync with go.mod (checked by //rules/tests:go_deps_test).
    maybe(
        go_repository,
        name = "com_github_pmezard_go_difflib",
        importpath = "github.com/pmezard/go-difflib",
        sum = "h1:4DBwDE0NGyQoBHbLQYPwSUPoCMWR5BEzIk/f1lZbAQM=",
        version = "v1.0.0",
    )
