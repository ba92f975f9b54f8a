"""oschema_generate runs the generator; oschema_clients adds write-back and a drift test."""

load(":providers.bzl", "OschemaGeneratedInfo", "OschemaInfo")
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

def expand_artifacts(artifacts):
    """The artifact list with "all" expanded, checked; fails on a bad list.

    Args:
      artifacts: list of artifact names, or ["all"].

    Returns:
      The artifacts, in the order given ("all": the CLI's order).
    """
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
    return artifacts

def check_out_names(out_names):
    """Fails unless every key of out_names is a generated file's default name.

    Args:
      out_names: {default file name: new name}.
    """
    known_names = [n for a in ARTIFACTS.values() for n in a]
    for name in out_names:
        if name not in known_names:
            fail("out_names: %r is not a generated file name; names are %s" % (name, sorted(known_names)))

def _oschema_generate_impl(ctx):
    info = ctx.attr.schema[OschemaInfo]
    generator = ctx.toolchains[TOOLCHAIN_TYPE].oschema.generator

    artifacts = expand_artifacts(ctx.attr.artifacts)
    check_out_names(ctx.attr.out_names)

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
        OschemaGeneratedInfo(
            files = groups,
            schema = info,
            service = ctx.attr.service or None,
        ),
    ]

oschema_generate = rule(
    implementation = _oschema_generate_impl,
    doc = """Generates a service's artifacts from a schema, one declared file each.

Output groups are named after the artifacts (`rust_types`, `rust_server`,
`openrpc`, `js`, `python`, `go`), so
`bazel build //svc:clients --output_groups=python` builds only the Python
client. Files land in `bazel-bin/<package>/<name>/`. Provides
`OschemaGeneratedInfo` (the files per artifact, the schema and the service).""",
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
    provides = [OschemaGeneratedInfo],
    toolchains = [TOOLCHAIN_TYPE],
)

def _relative_files(ctx):
    """[(built File, committed path relative to the package)] for write-back and drift."""
    return [(f, ctx.attr.generated_dir + "/" + f.basename) for f in ctx.files.generated]

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

# The one rule for stale files, shared by the updater and the drift test: a
# file directly under generated/ that carries the generator's header line
# `oschema-model: sha256:...` but is not among the files generated now. Other
# files (a BUILD file Gazelle writes there, a README, hand-written code) are
# never stale.
_STALE_MARK = "oschema-model: sha256:"

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
        "  if grep -qF %s \"$f\"; then rm -f \"$f\"; echo \"removed stale $f\"; fi" % _shell_quote(_STALE_MARK),
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
    doc = """`bazel run` it to copy generated files into `<package>/<generated_dir>/`.

It also removes stale files there: files directly under generated_dir that
carry the `oschema-model: sha256:` header but are no longer generated. A
BUILD file (generated_dir as a Bazel package) and other files are kept.""",
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

    # A committed file has the same short_path whether it belongs to this
    # package (generated/ a plain directory, found by glob) or to the
    # package generated/ (generated_package = True, through the
    # oschema_generated_files filegroup there).
    committed = {f.short_path: f for f in ctx.files.committed}
    fix = "bazel run %s" % ctx.attr.update_target
    lines = [
        "#!/usr/bin/env bash",
        "# Fails when the committed files under %s differ from what the schema generates." % prefix,
        "set -uo pipefail",
        "fail=0",
    ]
    missing = 0
    for f, rel in pairs:
        path = (pkg + "/" if pkg else "") + rel
        if path not in committed:
            missing += 1
            lines.append("echo %s; fail=1" % _shell_quote("missing: %s is not committed" % path))
            continue
        lines.append("if ! cmp -s %s %s; then echo %s; diff -u %s %s | head -40; fail=1; fi" % (
            _shell_quote(committed[path].short_path),
            _shell_quote(f.short_path),
            _shell_quote("drift: %s differs from what its schema generates:" % path),
            _shell_quote(committed[path].short_path),
            _shell_quote(f.short_path),
        ))
    if pairs and missing == len(pairs) and not ctx.attr.generated_package:
        # The usual cause once generated/ gets a BUILD file: glob() stops at
        # package boundaries and finds nothing.
        lines.append("echo %s" % _shell_quote(
            "hint: if %s has a BUILD file (e.g. a go_library Gazelle wrote), it is a Bazel package " % prefix +
            "and glob() here cannot see its files: set generated_package = True on oschema_clients and put " +
            "oschema_generated_files() in that BUILD file (Gazelle's oschema extension writes both)",
        ))

    # Stale: the updater's rule (see _STALE_MARK), in both modes.
    produced = [(pkg + "/" if pkg else "") + rel for _, rel in pairs]
    for path in sorted(committed.keys()):
        if path in produced or "/" in path[len(prefix):] or not path.startswith(prefix):
            continue
        lines.append("if grep -qF %s %s; then echo %s; fail=1; fi" % (
            _shell_quote(_STALE_MARK),
            _shell_quote(committed[path].short_path),
            _shell_quote("stale: %s is committed but no longer generated" % path),
        ))
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
    doc = """Fails, printing the command that fixes it, when committed generated files drift from the schema.

A generated file is `missing` when it is not committed, `drift` when the
committed copy differs; a committed file directly under generated_dir that
carries the `oschema-model: sha256:` header but is no longer generated is
`stale` (the rule oschema_update removes such files by).""",
    attrs = {
        "committed": attr.label_list(
            allow_files = True,
            doc = "The committed files directly under generated_dir: a glob of this package, or the oschema_generated_files target of the package generated_dir.",
        ),
        "generated": attr.label(mandatory = True, doc = "The oschema_generate target."),
        "generated_dir": attr.string(default = "generated"),
        "generated_package": attr.bool(doc = "True when generated_dir is its own package (for the hint printed when every file is missing)."),
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
        generated_package = False,
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
      generated_package: True when generated_dir has a BUILD file of its own
        (say, the go_library Gazelle's Go language writes for a committed
        api.go). glob() cannot see into another package, so the drift test
        then takes the committed files from the target
        `//<package>/<generated_dir>:oschema_files`, which `oschema_generated_files()`
        in that BUILD file declares. Gazelle's oschema extension writes both
        when generated/ holds a BUILD file or .go files.
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
    if generated_package:
        pkg = native.package_name()
        committed = ["//%s:%s" % ((pkg + "/" if pkg else "") + generated_dir, GENERATED_FILES_NAME)]
    else:
        # Only files directly under generated_dir, as the updater writes them.
        committed = native.glob([generated_dir + "/*"], allow_empty = True)
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
        generated_package = generated_package,
        committed = committed,
        update_target = "//%s:%s.update" % (native.package_name(), name),
        **kwargs
    )

# The target oschema_generated_files declares by default; oschema_clients
# with generated_package = True takes the committed files from it.
GENERATED_FILES_NAME = "oschema_files"

def oschema_generated_files(name = GENERATED_FILES_NAME, visibility = None, **kwargs):
    """The committed files of a generated/ directory that is a Bazel package.

    Put it in `<package>/generated/BUILD.bazel` (Gazelle's oschema extension
    does, next to the go_library Gazelle's Go language writes there) and set
    `generated_package = True` on the parent's oschema_clients: its drift
    test then sees every file directly under generated/ (BUILD files
    excepted), so it reports missing, drifted and stale files as it does
    for a plain directory.

    Args:
      name: keep the default, which oschema_clients refers to.
      visibility: default public.
      **kwargs: passed to the filegroup (tags, ...).
    """
    native.filegroup(
        name = name,
        srcs = native.glob(["*"], exclude = ["BUILD", "BUILD.bazel"], allow_empty = True),
        visibility = visibility or ["//visibility:public"],
        **kwargs
    )
