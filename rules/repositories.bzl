"""WORKSPACE setup for users of rules_oschema.

    load("@rules_oschema//rules:repositories.bzl", "rules_oschema_dependencies", "rules_oschema_register_toolchains")
    rules_oschema_dependencies()
    rules_oschema_register_toolchains()

then, as usual for rules_go and Gazelle, `go_rules_dependencies()`,
`go_register_toolchains(...)` and `gazelle_dependencies()`.
"""

load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")
load("@bazel_tools//tools/build_defs/repo:utils.bzl", "maybe")

def rules_oschema_dependencies():
    """Declares the repositories the rules need (rules_go, Gazelle) unless already declared."""
    maybe(
        http_archive,
        name = "io_bazel_rules_go",
        sha256 = "16e9fca53ed6bd4ff4ad76facc9b7b651a89db1689a2877d6fd7b82aa824e366",
        urls = [
            "https://mirror.bazel.build/github.com/bazelbuild/rules_go/releases/download/v0.34.0/rules_go-v0.34.0.zip",
            "https://github.com/bazelbuild/rules_go/releases/download/v0.34.0/rules_go-v0.34.0.zip",
        ],
    )
    maybe(
        http_archive,
        name = "bazel_gazelle",
        sha256 = "5982e5463f171da99e3bdaeff8c0f48283a7a5f396ec5282910b9e8a49c0dd7e",
        urls = [
            "https://mirror.bazel.build/github.com/bazelbuild/bazel-gazelle/releases/download/v0.25.0/bazel-gazelle-v0.25.0.tar.gz",
            "https://github.com/bazelbuild/bazel-gazelle/releases/download/v0.25.0/bazel-gazelle-v0.25.0.tar.gz",
        ],
    )

# buildifier: disable=unnamed-macro
def rules_oschema_register_toolchains():
    """Registers the default toolchain: the generator built from source with rules_go."""
    native.register_toolchains(str(Label("//rules:default_toolchain")))
