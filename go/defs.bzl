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
      `name + ".gen"`: the oschema_generate target writing api.go
        (`bazel-bin/<package>/<name>.gen/api.go`);
      `name`: a go_library of that api.go, importable as importpath.

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
        artifacts = ["go"],
        go_package = go_package,
        visibility = visibility,
        **kwargs
    )
    go_library(
        name = name,
        srcs = [":" + gen],
        importpath = importpath,
        deps = deps or [],
        visibility = visibility,
        **kwargs
    )
