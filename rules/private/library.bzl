"""oschema_library: a schema directory and its imports, as a provider."""

load(":providers.bzl", "OschemaInfo")

def _schema_dir(ctx):
    """The execroot-relative directory of the package (external repos included)."""
    parts = [p for p in [ctx.label.workspace_root, ctx.label.package] if p]
    return "/".join(parts) or "."

def _clean(path):
    return "/".join([p for p in path.split("/") if p and p != "."])

def import_path_of(package, import_prefix = "", strip_import_prefix = ""):
    """The import path of a library: its package, strip_import_prefix removed, import_prefix added.

    As proto_library's attributes of the same names: a strip_import_prefix
    starting with "/" is relative to the repository root, any other to the
    package.

    Args:
      package: the library's package.
      import_prefix: prepended after stripping.
      strip_import_prefix: removed from the front of the package.

    Returns:
      The import path, or a string starting with "error: " saying why there is none.
    """
    path = package
    if ".." in import_prefix.split("/") or ".." in strip_import_prefix.split("/"):
        return "error: import_prefix and strip_import_prefix cannot contain \"..\""
    if import_prefix.startswith("/"):
        return "error: import_prefix %r must not start with \"/\": it is prepended to the import path" % import_prefix
    if strip_import_prefix:
        if strip_import_prefix.startswith("/"):
            prefix = _clean(strip_import_prefix)
        else:
            prefix = _clean(package + "/" + strip_import_prefix)
        if prefix == path:
            path = ""
        elif prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) + 1:]
        elif prefix:
            return "error: strip_import_prefix %r: the package %r is not under %r" % (strip_import_prefix, package, prefix)
    if import_prefix:
        path = _clean(import_prefix + "/" + path)
    if not path and (import_prefix or strip_import_prefix):
        return "error: import_prefix %r and strip_import_prefix %r leave an empty import path" % (import_prefix, strip_import_prefix)
    return path

def _oschema_library_impl(ctx):
    pkg_dir = _schema_dir(ctx)
    for f in ctx.files.srcs:
        if f.dirname != pkg_dir:
            fail("%s: oschema_library srcs must be in the package's own directory %s (a schema is one directory); move it or give it its own oschema_library" % (f.short_path, pkg_dir or "."))
    import_path = import_path_of(ctx.label.package, ctx.attr.import_prefix, ctx.attr.strip_import_prefix)
    if import_path.startswith("error: "):
        fail("%s: %s" % (ctx.label, import_path[len("error: "):]))
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
`import "a/b"` with no oschema_library of import path `a/b` in deps
(directly or transitively) fails generation with an error naming the label
to add.

A library's import path is its package, unless `strip_import_prefix` /
`import_prefix` change it (as proto_library's do), say for schemas
vendored under `third_party/` or kept in another repository: with
`strip_import_prefix = "/third_party"` the library of `third_party/ext` is
imported as `import "ext"`; with `import_prefix = "vendor"` as well, as
`import "vendor/ext"`. Generated files name the schema by that path.""",
    attrs = {
        "import_prefix": attr.string(
            doc = "Prepended to the import path (after strip_import_prefix); no leading \"/\".",
        ),
        "strip_import_prefix": attr.string(
            doc = "Removed from the front of the package to form the import path: \"/a/b\" is relative to the repository root, \"a\" to the package.",
        ),
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
