"""oschema_go_library: a schema's generated Go API (api.go) as a rules_go go_library.

    load("@rules_oschema//go:defs.bzl", "oschema_go_library")

It lives apart from //rules:defs.bzl so that the core rules never load
rules_go: a workspace that generates no Go needs no rules_go for them.
"""

load("@io_bazel_rules_go//go:def.bzl", "go_library")
load("//rules:defs.bzl", "oschema_generate")

def oschema_go_library(
        name,
        schema,
        importpath,
        service = None,
        go_package = None,
        deps = None,
        visibility = None,
        **kwargs):
    """The Go API of a service (artifact `go`), compiled as a go_library.

    Creates:
      `name + ".gen"`: the oschema_generate target writing api.go and the
        openrpc.json it embeds (`bazel-bin/<package>/<name>.gen/api.go`,
        `.../openrpc.json`: the go artifact brings openrpc);
      `name`: a go_library of that api.go, importable as importpath, with
        openrpc.json as its embedsrcs.

    The generated api.go imports only the standard library, so deps is
    needed only for code added through embedding.

    Args:
      name: the go_library's name; Gazelle's oschema extension writes "{dirname}_go".
      schema: the oschema_library.
      importpath: the Go import path of the library.
      service: the service, when the schema has several.
      go_package: package clause of api.go; default: the schema name without underscores.
      deps: extra go_library deps.
      visibility: visibility of both targets.
      **kwargs: passed to both targets (tags, testonly, ...).
    """
    gen = name + ".gen"
    oschema_generate(
        name = gen,
        schema = schema,
        service = service,
        artifacts = ["go", "openrpc"],
        go_package = go_package,
        visibility = visibility,
        **kwargs
    )

    # api.go embeds openrpc.json (//go:embed), which is beside it.
    native.filegroup(
        name = name + ".go_srcs",
        srcs = [":" + gen],
        output_group = "go",
        visibility = ["//visibility:private"],
        **kwargs
    )
    native.filegroup(
        name = name + ".openrpc",
        srcs = [":" + gen],
        output_group = "openrpc",
        visibility = ["//visibility:private"],
        **kwargs
    )
    go_library(
        name = name,
        srcs = [":" + name + ".go_srcs"],
        embedsrcs = [":" + name + ".openrpc"],
        importpath = importpath,
        deps = deps or [],
        visibility = visibility,
        **kwargs
    )
