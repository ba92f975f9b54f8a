"""oschema_generate runs the generator; oschema_clients adds write-back and a drift test."""

load(":providers.bzl", "OschemaInfo")
load(":toolchain.bzl", "TOOLCHAIN_TYPE")

# The files each artifact produces, by default name. Keep in sync with
# generator/artifacts (a test there checks this table).
ARTIFACTS = {
    "go": ["api.go"],
    "js": ["client.js", "client.d.ts"],
    "openrpc": ["openrpc.json"],
    "python": ["client.py"],
    "rust_server": ["rust_server.rs"],
    "rust_types": ["rust_types.rs"],
}

# The five artifacts of the ecosystem; Go is opt-in.
DEFAULT_ARTIFACTS = ["rust_types", "rust_server", "openrpc", "js", "python"]

# What "all" stands for, in the CLI's order.
ALL_ARTIFACTS = DEFAULT_ARTIFACTS + ["go"]

def _oschema_generate_impl(ctx):
    info = ctx.attr.schema[OschemaInfo]
    generator = ctx.toolchains[TOOLCHAIN_TYPE].oschema.generator

    artifacts = ctx.attr.artifacts
    if "all" in artifacts:
        # As the CLI's `-artifacts all` (and Gazelle's oschema_artifacts).
        if len(artifacts) > 1:
            fail("artifacts: \"all\" stands alone; got %s" % artifacts)
        artifacts = ALL_ARTIFACTS
    unknown = [a for a in artifacts if a not in ARTIFACTS]
    if unknown:
        fail("unknown artifact(s) %s; choose from %s or \"all\"" % (unknown, sorted(ARTIFACTS.keys())))
    if not artifacts:
        fail("artifacts is empty; leave it out for the default %s" % DEFAULT_ARTIFACTS)
    known_names = [n for a in ARTIFACTS.values() for n in a]
    for name in ctx.attr.out_names:
        if name not in known_names:
            fail("out_names: %r is not a generated file name; names are %s" % (name, sorted(known_names)))

    args = ctx.actions.args()
    args.add("generate")
    args.add("-srcs", ",".join([f.path for f in info.srcs.to_list()]))
    args.add_all(info.transitive_imports, before_each = "-import")
    args.add("-import-hint", str(ctx.attr.schema.label))
    if ctx.attr.service:
        args.add("-service", ctx.attr.service)
    if ctx.attr.go_package:
        args.add("-go-package", ctx.attr.go_package)
    args.add("-artifacts", ",".join(artifacts))

    outputs = []
    groups = {}
    for artifact in artifacts:
        files = []
        for default_name in ARTIFACTS[artifact]:
            out = ctx.actions.declare_file("%s/%s" % (ctx.label.name, ctx.attr.out_names.get(default_name, default_name)))
            args.add("-o", "%s=%s" % (default_name, out.path))
            files.append(out)
        groups[artifact] = depset(files)
        outputs.extend(files)
    args.add(info.dir)

    ctx.actions.run(
        executable = generator,
        arguments = [args],
        inputs = info.transitive_srcs,
        outputs = outputs,
        mnemonic = "OschemaGenerate",
        progress_message = "Generating %s for %s" % (", ".join(artifacts), ctx.attr.schema.label),
    )
    return [
        DefaultInfo(files = depset(outputs)),
        OutputGroupInfo(**groups),
    ]

oschema_generate = rule(
    implementation = _oschema_generate_impl,
    doc = """Generates a service's artifacts from a schema, one declared file each.

Output groups are named after the artifacts (`rust_types`, `rust_server`,
`openrpc`, `js`, `python`, `go`), so
`bazel build //svc:clients --output_groups=python` builds only the Python
client. Files land in `bazel-bin/<package>/<name>/`.""",
    attrs = {
        "artifacts": attr.string_list(
            default = DEFAULT_ARTIFACTS,
            doc = "Which artifacts to generate: any of %s, or [\"all\"]." % sorted(ARTIFACTS.keys()),
        ),
        "go_package": attr.string(doc = "Package clause of api.go; default: the schema name without underscores."),
        "out_names": attr.string_dict(
            doc = "Renames generated files: {default name: new name}, e.g. {\"client.py\": \"hero_logic_client.py\"}.",
        ),
        "schema": attr.label(
            providers = [OschemaInfo],
            mandatory = True,
            doc = "The oschema_library to generate from.",
        ),
        "service": attr.string(doc = "The service to generate for; required only when the schema has several."),
    },
    toolchains = [TOOLCHAIN_TYPE],
)

def _relative_files(ctx):
    """[(built File, committed path relative to the package)] for write-back and drift."""
    return [(f, ctx.attr.generated_dir + "/" + f.basename) for f in ctx.files.generated]

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _oschema_update_impl(ctx):
    pairs = _relative_files(ctx)
    pkg = ctx.label.package
    lines = [
        "#!/usr/bin/env bash",
        "# Writes the generated files of %s into the source tree." % ctx.attr.generated.label,
        "set -euo pipefail",
        "runfiles=\"$PWD\"",
        "cd \"${BUILD_WORKSPACE_DIRECTORY:?run this with bazel run %s}\"" % ctx.label,
        "dest=%s" % _shell_quote((pkg + "/" if pkg else "") + ctx.attr.generated_dir),
        "mkdir -p \"$dest\"",
        "keep=()",
    ]
    for f, rel in pairs:
        name = rel.rsplit("/", 1)[-1]
        lines.append("install -m 0644 \"$runfiles\"/%s \"$dest\"/%s" % (_shell_quote(f.short_path), _shell_quote(name)))
        lines.append("keep+=(%s)" % _shell_quote(name))
    lines.extend([
        "# Remove files an earlier run generated that this one no longer does.",
        "for f in \"$dest\"/*; do",
        "  [ -f \"$f\" ] || continue",
        "  base=\"${f##*/}\"",
        "  case \" ${keep[*]} \" in *\" $base \"*) continue ;; esac",
        "  if grep -q 'oschema-model' \"$f\"; then rm -f \"$f\"; echo \"removed stale $f\"; fi",
        "done",
        "echo \"wrote %d file(s) to $dest\"" % len(pairs),
    ])
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "\n".join(lines) + "\n", is_executable = True)
    return [DefaultInfo(
        executable = script,
        runfiles = ctx.runfiles(files = ctx.files.generated),
    )]

oschema_update = rule(
    implementation = _oschema_update_impl,
    doc = "`bazel run` it to copy generated files into `<package>/<generated_dir>/`.",
    attrs = {
        "generated": attr.label(mandatory = True, doc = "The oschema_generate target."),
        "generated_dir": attr.string(default = "generated"),
    },
    executable = True,
)

def _oschema_drift_test_impl(ctx):
    pairs = _relative_files(ctx)
    pkg = ctx.label.package
    prefix = (pkg + "/" if pkg else "") + ctx.attr.generated_dir + "/"
    committed = {f.short_path: f for f in ctx.files.committed}
    fix = "bazel run %s" % ctx.attr.update_target
    lines = [
        "#!/usr/bin/env bash",
        "# Fails when the committed files under %s differ from what the schema generates." % prefix,
        "set -uo pipefail",
        "fail=0",
    ]
    for f, rel in pairs:
        path = (pkg + "/" if pkg else "") + rel
        if path not in committed:
            lines.append("echo %s; fail=1" % _shell_quote("missing: %s is not committed" % path))
            continue
        lines.append("if ! cmp -s %s %s; then echo %s; diff -u %s %s | head -40; fail=1; fi" % (
            _shell_quote(committed[path].short_path),
            _shell_quote(f.short_path),
            _shell_quote("drift: %s differs from what its schema generates:" % path),
            _shell_quote(committed[path].short_path),
            _shell_quote(f.short_path),
        ))
    produced = [(pkg + "/" if pkg else "") + rel for _, rel in pairs]
    for path in sorted(committed.keys()):
        if path not in produced:
            lines.append("echo %s; fail=1" % _shell_quote("stale: %s is committed but no longer generated" % path))
    lines.extend([
        "if [ \"$fail\" = 1 ]; then",
        "  echo %s" % _shell_quote("The generated files are out of date. Fix: %s" % fix),
        "  exit 1",
        "fi",
        "echo %s" % _shell_quote("%d generated file(s) under %s match the schema" % (len(pairs), prefix)),
    ])
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "\n".join(lines) + "\n", is_executable = True)
    return [DefaultInfo(
        executable = script,
        runfiles = ctx.runfiles(files = ctx.files.generated + ctx.files.committed),
    )]

oschema_drift_test = rule(
    implementation = _oschema_drift_test_impl,
    doc = "Fails, printing the command that fixes it, when committed generated files drift from the schema.",
    attrs = {
        "committed": attr.label_list(allow_files = True, doc = "The committed files under generated_dir."),
        "generated": attr.label(mandatory = True, doc = "The oschema_generate target."),
        "generated_dir": attr.string(default = "generated"),
        "update_target": attr.string(mandatory = True, doc = "Label of the update target, for the fix message."),
    },
    test = True,
)

def oschema_clients(
        name,
        schema,
        service = None,
        artifacts = None,
        out_names = None,
        go_package = None,
        writeback = True,
        generated_dir = "generated",
        **kwargs):
    """Every artifact of a service, plus write-back and a drift test.

    Creates:
      `name`: the generated files (output groups per artifact);
      `name.update`: `bazel run` writes them into `<package>/<generated_dir>/`;
      `name.drift_test`: fails when the committed copies differ.

    Args:
      name: target name, conventionally "clients".
      schema: the oschema_library.
      service: the service, when the schema has several.
      artifacts: subset of artifacts, or ["all"]; default: the five of the ecosystem.
      out_names: {default file name: new name}.
      go_package: package clause of api.go.
      writeback: False to create neither name.update nor name.drift_test.
      generated_dir: where committed copies live, relative to the package.
      **kwargs: passed to every target (visibility, tags, ...).
    """
    oschema_generate(
        name = name,
        schema = schema,
        service = service,
        artifacts = artifacts if artifacts != None else DEFAULT_ARTIFACTS,
        out_names = out_names or {},
        go_package = go_package,
        **kwargs
    )
    if not writeback:
        return
    oschema_update(
        name = name + ".update",
        generated = ":" + name,
        generated_dir = generated_dir,
        **kwargs
    )
    oschema_drift_test(
        name = name + ".drift_test",
        generated = ":" + name,
        generated_dir = generated_dir,
        committed = native.glob([generated_dir + "/**"], allow_empty = True),
        update_target = "//%s:%s.update" % (native.package_name(), name),
        **kwargs
    )
