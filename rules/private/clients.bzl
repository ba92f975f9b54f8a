"""oschema_generate runs the generator; oschema_clients adds write-back and a drift test."""

load("//rules:compat.bzl", "toolchain_kwargs")
load(":providers.bzl", "OschemaGeneratedInfo", "OschemaInfo")
load(":toolchain.bzl", "TOOLCHAIN_TYPE")

# The files each artifact produces, by name (what out_names and the CLI's
# -o take). Keep in sync with generator/artifacts (a test there checks this
# table and LAYOUT).
ARTIFACTS = {
    "go": ["api.go"],
    "js": ["client.js", "client.d.ts", "package.json"],
    "openrpc": ["openrpc.json"],
    "python": ["client.py", "py.typed"],
    "rust_client": ["rust_client.rs"],
    "rust_server": ["rust_server.rs"],
    "rust_types": ["rust_types.rs"],
}

# Where each file goes in a directory of generated files (the target's
# bazel-bin/<package>/<name>/ and the committed generated/): one directory
# per language, as each ecosystem lays out packages; api.go (the directory
# is the Go package) and openrpc.json at the top. {python_package} is the
# Python package's name.
LAYOUT = {
    "api.go": "api.go",
    "client.d.ts": "js/client.d.ts",
    "client.js": "js/client.js",
    "client.py": "python/{python_package}/__init__.py",
    "openrpc.json": "openrpc.json",
    "package.json": "js/package.json",
    "py.typed": "python/{python_package}/py.typed",
    "rust_client.rs": "rust/rust_client.rs",
    "rust_server.rs": "rust/rust_server.rs",
    "rust_types.rs": "rust/rust_types.rs",
}

# The artifacts an artifact's files read when compiled, which an artifact
# list gets too: api.go (//go:embed) and rust/rust_server.rs (include_str!)
# embed openrpc.json, so the document is stored once per service. Keep in
# sync with generator/artifacts.Requires (checked with ARTIFACTS).
REQUIRES = {
    "go": ["openrpc"],
    "rust_server": ["openrpc"],
}

def default_python_package(import_path):
    """The Python package of a schema, as the CLI names it: its directory's name in lower case, - and . as _.

    Args:
      import_path: the schema's directory.

    Returns:
      The package name (the CLI rejects one that is not an identifier).
    """
    return import_path.rsplit("/", 1)[-1].lower().replace("-", "_").replace(".", "_")

# The six artifacts of the ecosystem; Go is opt-in.
DEFAULT_ARTIFACTS = ["rust_types", "rust_server", "rust_client", "openrpc", "js", "python"]

# What "all" stands for, in the CLI's order.
ALL_ARTIFACTS = DEFAULT_ARTIFACTS + ["go"]

def expand_artifacts(artifacts):
    """The artifact list with "all" expanded, checked; fails on a bad list.

    The list means what the CLI's `-artifacts` and Gazelle's
    `oschema_artifacts` make of it: a set of names, "all" anywhere standing
    for every artifact (so ["all", "go"] is ["all"]), a name listed twice
    counted once, and the artifacts of REQUIRES added (go and rust_server
    bring openrpc, whose openrpc.json they embed).

    Args:
      artifacts: list of artifact names, possibly with "all".

    Returns:
      The artifacts, distinct, in the order given then the required ones
      not given ("all": the CLI's order).
    """
    unknown = [a for a in artifacts if a != "all" and a not in ARTIFACTS]
    if unknown:
        fail("unknown artifact(s) %s; choose from %s or \"all\"" % (unknown, sorted(ARTIFACTS.keys())))
    if not artifacts:
        fail("artifacts is empty; leave it out for the default %s" % DEFAULT_ARTIFACTS)
    if "all" in artifacts:
        return ALL_ARTIFACTS
    out = []
    for a in artifacts:
        if a not in out:
            out.append(a)
    for a in list(out):
        for r in REQUIRES.get(a, []):
            if r not in out:
                out.append(r)
    return out

def check_out_names(out_names):
    """Fails unless every key of out_names is a generated file's default name.

    Args:
      out_names: {default file name: new name}.
    """
    known_names = [n for a in ARTIFACTS.values() for n in a]
    for name in out_names:
        if name not in known_names:
            fail("out_names: %r is not a generated file name; names are %s" % (name, sorted(known_names)))

def _dirname(path):
    return path.rpartition("/")[0]

def _check_embeds(name, rel):
    """Fails when out_names moves a file away from the openrpc.json it embeds.

    api.go embeds openrpc.json from beside it (//go:embed), rust_server.rs
    from one directory up (include_str!("../openrpc.json")).

    Args:
      name: the target's name, for the message.
      rel: {default file name: its path under the target's directory}.
    """
    doc = rel.get("openrpc.json")
    if doc == None:
        return
    if "api.go" in rel and doc != _join(_dirname(rel["api.go"]), "openrpc.json"):
        fail("out_names: api.go embeds openrpc.json from its own directory, but they would be %s/%s and %s/%s" % (name, rel["api.go"], name, doc))
    if "rust_server.rs" in rel:
        server_dir = _dirname(rel["rust_server.rs"])
        if not server_dir or doc != _join(_dirname(server_dir), "openrpc.json"):
            fail("out_names: rust_server.rs embeds ../openrpc.json, but they would be %s/%s and %s/%s" % (name, rel["rust_server.rs"], name, doc))

def _join(dir, base):
    return dir + "/" + base if dir else base

# The crate root oschema_generate writes next to rust_types.rs,
# rust_server.rs and rust_client.rs (output groups rust_crate_root and
# rust_crate).
RUST_CRATE_ROOT = "lib.rs"

def rust_crate_root(label, files):
    """The text of lib.rs: one `pub mod` per generated Rust file, each including it.

    None of the generated Rust files has inner attributes or names another
    module: rust_server.rs and rust_client.rs name the types unqualified, so
    their modules glob-import them and include the file, as a crate that
    includes them from OUT_DIR does. The modules keep their artifact names,
    whatever out_names calls the files.

    Args:
      label: the oschema_generate target, for the header.
      files: {artifact ("rust_types", "rust_server", "rust_client"): its file's path under the target's directory}.

    Returns:
      The file's content.
    """
    lines = [
        "// Code generated by rules_oschema for %s: the crate root of its Rust artifacts. DO NOT EDIT." % label,
        "//",
        "// rust_library(srcs = <output group rust_crate>, crate_root = <output group rust_crate_root>)",
    ]
    for artifact in ["rust_types", "rust_server", "rust_client"]:
        if artifact not in files:
            continue
        lines.append("pub mod %s {" % artifact)
        if artifact != "rust_types" and "rust_types" in files:
            lines.append("    #[allow(unused_imports)] // a service without methods uses no type")
            lines.append("    use super::rust_types::*;")
        lines.append("    include!(\"%s\");" % files[artifact])
        lines.append("}")
    return "\n".join(lines) + "\n"

def _basename(f):
    return f.basename

def _oschema_generate_impl(ctx):
    info = ctx.attr.schema[OschemaInfo]
    generator = ctx.toolchains[TOOLCHAIN_TYPE].oschema.generator

    artifacts = expand_artifacts(ctx.attr.artifacts)
    check_out_names(ctx.attr.out_names)

    # A schema of an external repository is staged under external/<repo>/,
    # but is named by its import path (its directory in its own repository)
    # as a build there names it: in the generated files' header, so
    # committed copies do not change with Bazel's external directory layout,
    # and in diagnostics. The CLI reads it through -import IMPORT_PATH=DIR,
    # as it reads imported schemas.
    external = info.import_path != "" and info.import_path != info.dir
    args = ctx.actions.args()
    args.add("generate")
    if external:
        args.add_joined("-srcs", info.srcs, join_with = ",", map_each = _basename)
        args.add("-import", "%s=%s" % (info.import_path, info.dir))
    else:
        args.add_joined("-srcs", info.srcs, join_with = ",")
    args.add_all(info.transitive_imports, before_each = "-import")
    args.add("-import-hint", str(ctx.attr.schema.label))
    if ctx.attr.service:
        args.add("-service", ctx.attr.service)
    if ctx.attr.go_package:
        args.add("-go-package", ctx.attr.go_package)
    args.add_joined("-artifacts", artifacts, join_with = ",")

    python_package = ctx.attr.python_package or default_python_package(info.import_path)
    if "python" in artifacts:
        args.add("-python-package", python_package)

    outputs = []
    groups = {}
    paths = {}  # File -> its path under the target's directory
    for artifact in artifacts:
        files = []
        for default_name in ARTIFACTS[artifact]:
            rel = ctx.attr.out_names.get(default_name) or LAYOUT[default_name].replace("{python_package}", python_package)
            if rel in paths.values():
                fail("out_names: two files would be %s/%s; give each its own path" % (ctx.label.name, rel))
            out = ctx.actions.declare_file("%s/%s" % (ctx.label.name, rel))
            args.add("-o", out, format = default_name + "=%s")
            files.append(out)
            paths[out] = rel
        groups[artifact] = depset(files)
        outputs.extend(files)
    args.add(info.import_path if external else info.dir)
    _check_embeds(ctx.label.name, {n: paths[f] for a in artifacts for n, f in zip(ARTIFACTS[a], groups[a].to_list())})

    # The crate root of the Rust artifacts, so that a rust_library needs no
    # hand-written lib.rs: written here, not by the generator, and only in
    # output groups (not DefaultInfo), so write-back and drift tests never
    # see it.
    crate_root = None
    rust = [a for a in ["rust_types", "rust_server", "rust_client"] if a in groups]
    if rust:
        if RUST_CRATE_ROOT in paths.values():
            fail("out_names: %s is the crate root rules_oschema writes above the Rust files; rename the other file" % RUST_CRATE_ROOT)
        crate_root = ctx.actions.declare_file("%s/%s" % (ctx.label.name, RUST_CRATE_ROOT))
        ctx.actions.write(crate_root, rust_crate_root(
            str(ctx.label),
            {a: paths[groups[a].to_list()[0]] for a in rust},
        ))
        groups["rust_crate_root"] = depset([crate_root])
        groups["rust_crate"] = depset([crate_root], transitive = [groups[a] for a in rust])

    ctx.actions.run(
        executable = generator,
        arguments = [args],
        inputs = info.transitive_srcs,
        outputs = outputs,
        mnemonic = "OschemaGenerate",
        progress_message = "Generating %s of %s from %s" % (",".join(artifacts), ctx.label, ctx.attr.schema.label),
        **toolchain_kwargs(TOOLCHAIN_TYPE)
    )
    return [
        # runfiles: as a data dependency (e.g. of a test) the files are there.
        DefaultInfo(files = depset(outputs), runfiles = ctx.runfiles(files = outputs)),
        OutputGroupInfo(**groups),
        OschemaGeneratedInfo(
            files = {a: groups[a] for a in artifacts},
            paths = {f.short_path: rel for f, rel in paths.items()},
            python_package = python_package if "python" in artifacts else None,
            rust_crate_root = crate_root,
            schema = info,
            service = ctx.attr.service or None,
        ),
    ]

oschema_generate = rule(
    implementation = _oschema_generate_impl,
    doc = """Generates a service's artifacts from a schema, one declared file each.

Output groups are named after the artifacts (`rust_types`, `rust_server`,
`rust_client`, `openrpc`, `js`, `python`, `go`), so
`bazel build //svc:clients --output_groups=python` builds only the Python
client. With a Rust artifact there are two more: `rust_crate_root`, a
`lib.rs` declaring `pub mod rust_types`, `pub mod rust_server` and
`pub mod rust_client`, each including its file (those generated), and `rust_crate`, that lib.rs and the Rust files, for a
`rust_library` (not in the default outputs, so never written back). Files land in `bazel-bin/<package>/<name>/`. Provides
`OschemaGeneratedInfo` (the files per artifact, the schema and the service).""",
    attrs = {
        "artifacts": attr.string_list(
            default = DEFAULT_ARTIFACTS,
            doc = "Which artifacts to generate: any of %s; \"all\" anywhere means every one (as in the CLI's -artifacts, so [\"all\", \"go\"] is [\"all\"]); a name listed twice counts once; go and rust_server bring openrpc (they embed openrpc.json)." % sorted(ARTIFACTS.keys()),
        ),
        "go_package": attr.string(doc = "Package clause of api.go; default: the schema name without underscores."),
        "out_names": attr.string_dict(
            doc = "Moves generated files: {file name: path under the target's directory}, e.g. {\"client.py\": \"hero_logic_client.py\"} for a flat module instead of the package python/<python_package>/__init__.py.",
        ),
        "python_package": attr.string(doc = "Name of the Python package, the directory python/<python_package>/; default: the schema's directory name in lower case, - and . as _."),
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
    paths = ctx.attr.generated[OschemaGeneratedInfo].paths
    return [(f, ctx.attr.generated_dir + "/" + paths[f.short_path]) for f in ctx.files.generated]

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

# The one rule for stale files, shared by the updater and the drift test: a
# file under generated/ that carries the generator's header line
# `oschema-model: sha256:...` but is not among the files generated now, and
# a py.typed (which has no header) left alone in its directory. Other files
# (a BUILD file Gazelle writes there, a README, hand-written code) are never
# stale.
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
    gdir = ctx.attr.generated_dir + "/"
    for f, rel in pairs:
        name = rel[len(gdir):]
        lines.append("install -D -m 0644 \"$runfiles\"/%s \"$dest\"/%s" % (_shell_quote(f.short_path), _shell_quote(name)))
        lines.append("keep+=(%s)" % _shell_quote(name))
    lines.extend([
        "# Remove files an earlier run generated that this one no longer does",
        "# (a py.typed left alone in its directory among them), then the",
        "# directories that left empty.",
        "kept() { case \" ${keep[*]} \" in *\" $1 \"*) return 0 ;; esac; return 1; }",
        "while IFS= read -r -d '' f; do",
        "  rel=\"${f#\"$dest\"/}\"",
        "  kept \"$rel\" && continue",
        "  if grep -qF %s \"$f\"; then rm -f \"$f\"; echo \"removed stale $f\"; fi" % _shell_quote(_STALE_MARK),
        "done < <(find \"$dest\" -type f %s -print0)" % _FIND_NOT_COMMITTED,
        "while IFS= read -r -d '' f; do",
        "  rel=\"${f#\"$dest\"/}\"",
        "  kept \"$rel\" && continue",
        "  if [ \"$(find \"${f%%/*}\" -type f %s | wc -l)\" = 1 ]; then rm -f \"$f\"; echo \"removed stale $f\"; fi" % _FIND_NOT_COMMITTED,
        "done < <(find \"$dest\" -type f -name py.typed %s -print0)" % _FIND_NOT_COMMITTED,
        "find \"$dest\" -mindepth 1 -type d -empty -delete",
        "echo \"wrote %d file(s) to $dest\"" % len(pairs),
    ])
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "\n".join(lines) + "\n", is_executable = True)
    return [
        DefaultInfo(
            executable = script,
            runfiles = ctx.runfiles(files = ctx.files.generated),
        ),
        _OschemaUpdateInfo(dest = (pkg + "/" if pkg else "") + ctx.attr.generated_dir),
    ]

# Marks oschema_update targets, so that oschema_update_all takes nothing else.
_OschemaUpdateInfo = provider(
    doc = "An oschema_update target: bazel run it to write generated files into the source tree.",
    fields = {"dest": "workspace-relative directory it writes"},
)

oschema_update = rule(
    implementation = _oschema_update_impl,
    doc = """`bazel run` it to copy generated files into `<package>/<generated_dir>/`.

It also removes stale files there: files under generated_dir that carry the
`oschema-model: sha256:` header but are no longer generated (say, after the
Python package was renamed), a py.typed left alone in its directory, and the
directories that leaves empty. A BUILD file (generated_dir as a Bazel
package) and other files are kept.""",
    attrs = {
        "generated": attr.label(mandatory = True, providers = [OschemaGeneratedInfo], doc = "The oschema_generate target."),
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
        if path in produced or not path.startswith(prefix):
            continue
        stale = _shell_quote("stale: %s is committed but no longer generated" % path)
        if path.endswith("/py.typed"):
            folder = path.rsplit("/", 1)[0] + "/"
            if not [p for p in committed if p != path and p.startswith(folder)]:
                lines.append("echo %s; fail=1" % stale)
            continue
        lines.append("if grep -qF %s %s; then echo %s; fail=1; fi" % (
            _shell_quote(_STALE_MARK),
            _shell_quote(committed[path].short_path),
            stale,
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
committed copy differs; a committed file under generated_dir that carries
the `oschema-model: sha256:` header but is no longer generated, or a
py.typed alone in its directory, is `stale` (the rule oschema_update
removes such files by).""",
    attrs = {
        "committed": attr.label_list(
            allow_files = True,
            doc = "The committed files under generated_dir: a glob of this package, or the oschema_generated_files target of the package generated_dir.",
        ),
        "generated": attr.label(mandatory = True, providers = [OschemaGeneratedInfo], doc = "The oschema_generate target."),
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
        python_package = None,
        go_package = None,
        writeback = True,
        generated_dir = "generated",
        generated_package = False,
        visibility = None,
        tags = None,
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
      artifacts: subset of artifacts, "all" meaning every one (as in the CLI); default: the five of the ecosystem.
      out_names: {file name: path under the target's directory}.
      python_package: name of the Python package (python/<python_package>/);
        default: the schema's directory name.
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
      visibility: of the generated files and the drift test; the `.update`
        target is public, so that an oschema_update_all anywhere can run it.
      tags: given to all three targets (e.g. ["manual"]).
      **kwargs: `size`, `timeout`, `flaky`, `shard_count`, `local` go to the
        drift test only; anything else (testonly, features, deprecation,
        target_compatible_with, ...) to all three targets.
    """
    test_kwargs = {k: kwargs.pop(k) for k in _TEST_ONLY_ATTRS if k in kwargs}
    oschema_generate(
        name = name,
        schema = schema,
        service = service,
        artifacts = artifacts if artifacts != None else DEFAULT_ARTIFACTS,
        out_names = out_names or {},
        python_package = python_package,
        go_package = go_package,
        visibility = visibility,
        tags = tags,
        **kwargs
    )
    if not writeback:
        if test_kwargs:
            fail("%s: %s apply to the drift test, and writeback = False creates none" % (name, sorted(test_kwargs.keys())))
        return
    if generated_package:
        pkg = native.package_name()
        committed = ["//%s:%s" % ((pkg + "/" if pkg else "") + generated_dir, GENERATED_FILES_NAME)]
    else:
        committed = native.glob([generated_dir + "/**"], exclude = _NOT_COMMITTED_OUTPUT, allow_empty = True)
    oschema_update(
        name = name + ".update",
        generated = ":" + name,
        generated_dir = generated_dir,
        visibility = ["//visibility:public"],
        tags = tags,
        **kwargs
    )
    drift_kwargs = dict(kwargs)
    drift_kwargs.update(test_kwargs)
    oschema_drift_test(
        name = name + ".drift_test",
        generated = ":" + name,
        generated_dir = generated_dir,
        generated_package = generated_package,
        committed = committed,
        update_target = "//%s:%s.update" % (native.package_name(), name),
        visibility = visibility,
        tags = tags,
        **drift_kwargs
    )

# Attributes only test rules have: oschema_clients gives them to the drift
# test alone (oschema_generate and oschema_update would reject them).
_TEST_ONLY_ATTRS = ["size", "timeout", "flaky", "shard_count", "local"]

# Files under generated/ that tools write beside the generated ones, never
# inputs of the drift test; _FIND_NOT_COMMITTED is the same for the
# updater's find, so that both apply one rule.
_NOT_COMMITTED_OUTPUT = ["**/__pycache__/**", "**/node_modules/**", "**/.mypy_cache/**"]
_FIND_NOT_COMMITTED = "-not -path '*/__pycache__/*' -not -path '*/node_modules/*' -not -path '*/.mypy_cache/*'"

# The target oschema_generated_files declares by default; oschema_clients
# with generated_package = True takes the committed files from it.
GENERATED_FILES_NAME = "oschema_files"

def oschema_generated_files(name = GENERATED_FILES_NAME, visibility = None, **kwargs):
    """The committed files of a generated/ directory that is a Bazel package.

    Put it in `<package>/generated/BUILD.bazel` (Gazelle's oschema extension
    does, next to the go_library Gazelle's Go language writes there) and set
    `generated_package = True` on the parent's oschema_clients: its drift
    test then sees every file under generated/ (BUILD files and caches
    such as __pycache__ excepted; subdirectories that are packages are not
    searched), so it reports missing, drifted and stale files as it does
    for a plain directory.

    Args:
      name: keep the default, which oschema_clients refers to.
      visibility: default public.
      **kwargs: passed to the filegroup (tags, ...).
    """
    native.filegroup(
        name = name,
        srcs = native.glob(["**"], exclude = ["BUILD", "BUILD.bazel"] + _NOT_COMMITTED_OUTPUT, allow_empty = True),
        visibility = visibility or ["//visibility:public"],
        **kwargs
    )

def _oschema_update_all_impl(ctx):
    lines = [
        "#!/usr/bin/env bash",
        "# Runs every oschema_update listed in %s, in order." % ctx.label,
        "set -euo pipefail",
        "runfiles=\"$PWD\"",
        ": \"${BUILD_WORKSPACE_DIRECTORY:?run this with bazel run %s}\"" % ctx.label,
    ]
    runfiles = ctx.runfiles()
    for t in ctx.attr.updates:
        exe = t[DefaultInfo].files_to_run.executable

        # Each updater reads its files relative to its working directory, the
        # runfiles root, which holds the merged runfiles of all of them.
        lines.append("echo %s" % _shell_quote("%s -> %s" % (t.label, t[_OschemaUpdateInfo].dest)))
        lines.append("(cd \"$runfiles\" && \"$runfiles\"/%s)" % _shell_quote(exe.short_path))
        runfiles = runfiles.merge(ctx.runfiles(files = [exe]))
        runfiles = runfiles.merge(t[DefaultInfo].default_runfiles)
    lines.append("echo %s" % _shell_quote("updated %d service(s)" % len(ctx.attr.updates)))
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, "\n".join(lines) + "\n", is_executable = True)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

_oschema_update_all = rule(
    implementation = _oschema_update_all_impl,
    doc = "Runs several oschema_update targets in one `bazel run`; see oschema_update_all.",
    attrs = {
        "updates": attr.label_list(
            providers = [_OschemaUpdateInfo],
            doc = "The oschema_update targets (`<clients>.update`), run in this order.",
        ),
    },
    executable = True,
)

def _update_label(target):
    """The `.update` target of an oschema_clients label (or the label itself)."""
    if target.endswith(".update"):
        return target
    if ":" in target:
        return target + ".update"

    # "//a/b" names //a/b:b.
    return "%s:%s.update" % (target, target.rsplit("/", 1)[-1])

def oschema_update_all(name, targets, **kwargs):
    """One `bazel run` that refreshes the committed files of several services.

    Like aspect's write_source_files aggregating its targets:

        oschema_update_all(
            name = "update_generated",
            targets = ["//svc:clients", "//other:clients"],
        )

    then `bazel run //:update_generated` runs `//svc:clients.update` and
    `//other:clients.update` in turn (each writes its generated/ and removes
    its stale files). A target with `writeback = False` has no `.update` and
    cannot be listed.

    Args:
      name: target name.
      targets: oschema_clients labels (their `.update` is run), or the
        `.update` labels themselves.
      **kwargs: passed to the target (visibility, tags, ...).
    """
    _oschema_update_all(
        name = name,
        updates = [_update_label(t) for t in targets],
        **kwargs
    )
