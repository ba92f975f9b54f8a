"""oschema_library: a schema directory and its imports, as a provider."""

load(":providers.bzl", "OschemaInfo")

def _schema_dir(ctx):
    """The execroot-relative directory of the package (external repos included)."""
    parts = [p for p in [ctx.label.workspace_root, ctx.label.package] if p]
    return "/".join(parts) or "."

def _oschema_library_impl(ctx):
    pkg_dir = _schema_dir(ctx)
    for f in ctx.files.srcs:
        if f.dirname != pkg_dir:
            fail("%s: oschema_library srcs must be in the package's own directory %s (a schema is one directory); move it or give it its own oschema_library" % (f.short_path, pkg_dir or "."))
    import_path = ctx.label.package
    dep_infos = [d[OschemaInfo] for d in ctx.attr.deps]
    srcs = depset(ctx.files.srcs)
    return [
        DefaultInfo(files = srcs),
        OschemaInfo(
            srcs = srcs,
            dir = pkg_dir,
            import_path = import_path,
            label = ctx.label,
            transitive_srcs = depset(
                ctx.files.srcs,
                transitive = [i.transitive_srcs for i in dep_infos],
            ),
            transitive_imports = depset(
                ["%s=%s" % (i.import_path, i.dir) for i in dep_infos],
                transitive = [i.transitive_imports for i in dep_infos],
            ),
        ),
    ]

oschema_library = rule(
    implementation = _oschema_library_impl,
    doc = """A schema: the .oschema files of one directory, read in name order.

Imports of other schema directories resolve only through `deps`: an
`import "a/b"` with no oschema_library of package `a/b` in deps (directly or
transitively) fails generation with an error naming the label to add.""",
    attrs = {
        "srcs": attr.label_list(
            allow_files = [".oschema"],
            mandatory = True,
            doc = "The schema's .oschema files, all in this package's directory.",
        ),
        "deps": attr.label_list(
            providers = [OschemaInfo],
            doc = "oschema_library targets of the schemas this one imports.",
        ),
    },
    provides = [OschemaInfo],
)
