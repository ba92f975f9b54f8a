"""Analysis tests of the rules: declared outputs, subsets, output groups, errors."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("@rules_oschema_sh//:sh.bzl", "sh_test")
load("//rules:defs.bzl", "OschemaGeneratedInfo", "OschemaInfo", "oschema_clients", "oschema_generate", "oschema_library", "oschema_update_all")

def _basenames(files):
    return sorted([f.basename for f in files])

def _default_outputs_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(
        env,
        ["client.d.ts", "client.js", "client.py", "openrpc.json", "package.json", "rust_client.rs", "rust_server.rs", "rust_types.rs"],
        _basenames(target[DefaultInfo].files.to_list()),
    )

    # Each artifact is its own declared file under <name>/, not a tree.
    for f in target[DefaultInfo].files.to_list():
        asserts.false(env, f.is_directory, "%s is a tree artifact" % f.path)
        asserts.true(env, f.short_path.startswith("rules/tests/gen_default/"), f.short_path)
    actions = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"]
    asserts.equals(env, 1, len(actions), "one generator action per service")
    argv = actions[0].argv
    asserts.true(env, "-import" in argv, "deps are passed as -import")
    asserts.true(env, "rules/tests/fixture/base=rules/tests/fixture/base" in argv, str(argv))
    inputs = _basenames(actions[0].inputs.to_list())
    asserts.true(env, "00_base.oschema" in inputs, "transitive schema files are inputs")

    # Sources joined by Args (add_joined), outputs passed as Files.
    srcs_at = argv.index("-srcs")
    asserts.equals(env, "rules/tests/fixture/app/00_app.oschema", argv[srcs_at + 1])
    outs = {f.basename: f.path for f in target[DefaultInfo].files.to_list()}
    asserts.true(env, "openrpc.json=" + outs["openrpc.json"] in argv, str(argv))
    asserts.equals(env, "rust_types,rust_server,rust_client,openrpc,js,python", argv[argv.index("-artifacts") + 1])
    return analysistest.end(env)

default_outputs_test = analysistest.make(_default_outputs_test_impl)

def _subset_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, ["app_client.py", "client.d.ts", "client.js", "package.json"], _basenames(target[DefaultInfo].files.to_list()))
    groups = target[OutputGroupInfo]
    asserts.equals(env, ["app_client.py"], _basenames(groups.python.to_list()))
    asserts.equals(env, ["client.d.ts", "client.js", "package.json"], _basenames(groups.js.to_list()))
    asserts.false(env, hasattr(groups, "rust_types"), "no output group for an artifact not chosen")
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    asserts.true(env, "python,js" in argv or "js,python" in argv, str(argv))
    return analysistest.end(env)

subset_test = analysistest.make(_subset_test_impl)

def _all_artifacts_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(
        env,
        ["api.go", "client.d.ts", "client.js", "client.py", "openrpc.json", "package.json", "rust_client.rs", "rust_server.rs", "rust_types.rs"],
        _basenames(target[DefaultInfo].files.to_list()),
    )
    asserts.equals(env, ["api.go"], _basenames(target[OutputGroupInfo].go.to_list()))
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    asserts.true(env, "rust_types,rust_server,rust_client,openrpc,js,python,go" in argv, str(argv))
    return analysistest.end(env)

all_artifacts_test = analysistest.make(_all_artifacts_test_impl)

def _provider_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[OschemaInfo]
    asserts.equals(env, "rules/tests/fixture/app", info.import_path)
    asserts.equals(env, ["00_app.oschema"], _basenames(info.srcs.to_list()))
    asserts.equals(env, ["00_app.oschema", "00_base.oschema"], _basenames(info.transitive_srcs.to_list()))
    asserts.equals(env, ["rules/tests/fixture/base=rules/tests/fixture/base"], info.transitive_imports.to_list())
    return analysistest.end(env)

provider_test = analysistest.make(_provider_test_impl)

def _generated_info_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[OschemaGeneratedInfo]
    asserts.equals(env, ctx.attr.artifacts, sorted(info.files.keys()))
    for artifact, names in ctx.attr.files.items():
        asserts.equals(env, sorted(names.split(",")), _basenames(info.files[artifact].to_list()), artifact)
    asserts.equals(env, Label("//rules/tests/fixture/app:app_schema"), info.schema.label)
    asserts.equals(env, "rules/tests/fixture/app", info.schema.import_path)
    asserts.equals(env, ctx.attr.service or None, info.service)
    return analysistest.end(env)

generated_info_test = analysistest.make(
    _generated_info_test_impl,
    attrs = {
        "artifacts": attr.string_list(doc = "The artifacts expected in files, sorted."),
        "files": attr.string_dict(doc = "{artifact: comma-separated basenames}"),
        "service": attr.string(),
    },
)

def _update_all_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    runfiles = [f.short_path for f in target[DefaultInfo].default_runfiles.files.to_list()]

    # Both updaters and the files each of them installs.
    for want in [
        "rules/tests/fixture/gopkg/clients.update.sh",
        "rules/tests/fixture/gopkg/clients/api.go",
        "rules/tests/fixture/gopkg/clients/openrpc.json",
        "rules/tests/fixture/drift/clients.update.sh",
        "rules/tests/fixture/drift/clients/openrpc.json",
    ]:
        asserts.true(env, want in runfiles, "%s not in the runfiles %s" % (want, runfiles))
    return analysistest.end(env)

update_all_test = analysistest.make(_update_all_test_impl)

def _rust_crate_root_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    info = target[OschemaGeneratedInfo]
    groups = target[OutputGroupInfo]
    if not ctx.attr.content:
        asserts.equals(env, None, info.rust_crate_root)
        asserts.false(env, hasattr(groups, "rust_crate_root"), "no Rust artifact, no crate root")
        return analysistest.end(env)
    asserts.equals(env, ["lib.rs"], _basenames(groups.rust_crate_root.to_list()))
    asserts.equals(env, info.rust_crate_root, groups.rust_crate_root.to_list()[0])
    asserts.equals(env, ctx.attr.crate, _basenames(groups.rust_crate.to_list()))

    # Only in output groups: write-back and drift tests never see it.
    asserts.false(env, "lib.rs" in _basenames(target[DefaultInfo].files.to_list()))
    asserts.false(env, "rust_crate_root" in info.files, "files is keyed by artifact")
    writes = [a for a in analysistest.target_actions(env) if a.mnemonic == "FileWrite"]
    asserts.equals(env, 1, len(writes))
    asserts.equals(env, ctx.attr.content, writes[0].content)
    return analysistest.end(env)

rust_crate_root_test = analysistest.make(
    _rust_crate_root_test_impl,
    attrs = {
        "content": attr.string(doc = "The expected lib.rs; empty: none is written."),
        "crate": attr.string_list(doc = "Basenames of output group rust_crate, sorted."),
    },
)

def _import_path_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    if OschemaInfo in target:
        asserts.equals(env, ctx.attr.import_path, target[OschemaInfo].import_path)
        asserts.equals(env, "rules/tests/fixture/prefixed/ext", target[OschemaInfo].dir)
        return analysistest.end(env)
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    for want in ctx.attr.argv:
        asserts.true(env, want in argv, "%s not in %s" % (want, argv))
    return analysistest.end(env)

import_path_test = analysistest.make(
    _import_path_test_impl,
    attrs = {
        "argv": attr.string_list(doc = "Arguments the generator action must have."),
        "import_path": attr.string(),
    },
)

def _kwargs_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, ctx.attr.want, ctx.attr.got)
    return analysistest.end(env)

# got: what native.existing_rule saw of the macro's targets at loading time.
kwargs_test = analysistest.make(
    _kwargs_test_impl,
    attrs = {
        "got": attr.string_dict(),
        "want": attr.string_dict(),
    },
)

def _rule_facts(name, keys):
    r = native.existing_rule(name)
    if not r:
        return {name: "missing"}
    out = {}
    for k in keys:
        v = r.get(k)
        if type(v) in ("list", "tuple"):
            v = ",".join([str(x) for x in v])
        out["%s %s" % (name, k)] = str(v)
    return out

def _external_args_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv

    # The schema is named by its import path and read through -import.
    asserts.equals(env, "svc", argv[-1])
    asserts.equals(env, "00_svc.oschema", argv[argv.index("-srcs") + 1])
    asserts.true(env, "svc=external/oschema_test_ext/svc" in argv, str(argv))
    asserts.true(env, "common=external/oschema_test_ext/common" in argv, str(argv))
    return analysistest.end(env)

external_args_test = analysistest.make(_external_args_test_impl)

def _failure_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, ctx.attr.message)
    return analysistest.end(env)

failure_test = analysistest.make(
    _failure_test_impl,
    expect_failure = True,
    attrs = {"message": attr.string(mandatory = True)},
)

def analysis_test_suite(name):
    """Declares the fixtures and the tests.

    Args:
      name: name of the test_suite.
    """
    oschema_generate(
        name = "gen_default",
        schema = "//rules/tests/fixture/app:app_schema",
        tags = ["manual"],
    )
    default_outputs_test(name = "default_outputs_test", target_under_test = ":gen_default")

    oschema_generate(
        name = "gen_subset",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["python", "js"],
        out_names = {"client.py": "app_client.py"},
        tags = ["manual"],
    )
    subset_test(name = "subset_test", target_under_test = ":gen_subset")

    oschema_generate(
        name = "gen_all",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["all"],
        tags = ["manual"],
    )
    all_artifacts_test(name = "all_artifacts_test", target_under_test = ":gen_all")

    # OschemaGeneratedInfo: the files of each artifact, the schema, the service.
    generated_info_test(
        name = "generated_info_all_test",
        target_under_test = ":gen_all",
        artifacts = ["go", "js", "openrpc", "python", "rust_client", "rust_server", "rust_types"],
        files = {
            "go": "api.go",
            "js": "client.js,client.d.ts,package.json",
            "openrpc": "openrpc.json",
            "python": "client.py",
            "rust_client": "rust_client.rs",
            "rust_server": "rust_server.rs",
            "rust_types": "rust_types.rs",
        },
    )
    generated_info_test(
        name = "generated_info_subset_test",
        target_under_test = ":gen_subset",
        artifacts = ["js", "python"],
        files = {"python": "app_client.py"},
    )
    oschema_generate(
        name = "gen_go_service",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["go"],
        service = "PaintService",
        tags = ["manual"],
    )
    generated_info_test(
        name = "generated_info_service_test",
        target_under_test = ":gen_go_service",
        artifacts = ["go"],
        files = {"go": "api.go"},
        service = "PaintService",
    )

    oschema_generate(
        name = "gen_all_and_more",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["all", "go"],
        tags = ["manual"],
    )

    # ["all", "go"] is ["all"], as in the CLI (-artifacts all,go) and in
    # Gazelle's oschema_artifacts; a name listed twice counts once.
    all_artifacts_test(name = "all_and_more_test", target_under_test = ":gen_all_and_more")
    oschema_generate(
        name = "gen_twice",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["python", "js", "python"],
        out_names = {"client.py": "app_client.py"},
        tags = ["manual"],
    )
    subset_test(name = "twice_test", target_under_test = ":gen_twice")

    provider_test(name = "provider_test", target_under_test = "//rules/tests/fixture/app:app_schema")

    # lib.rs, the crate root of the Rust artifacts (//rules/tests:crate_root_test
    # compares the built one with testdata/crate_root/lib.rs, which
    # TestCrateRootBuilds builds with cargo).
    rust_crate_root_test(
        name = "rust_crate_root_test",
        target_under_test = ":gen_default",
        content = "\n".join([
            "// Code generated by rules_oschema for //rules/tests:gen_default: the crate root of its Rust artifacts. DO NOT EDIT.",
            "//",
            "// rust_library(srcs = <output group rust_crate>, crate_root = <output group rust_crate_root>)",
            "pub mod rust_types {",
            "    include!(\"rust_types.rs\");",
            "}",
            "pub mod rust_server {",
            "    #[allow(unused_imports)] // a service without methods uses no type",
            "    use super::rust_types::*;",
            "    include!(\"rust_server.rs\");",
            "}",
            "pub mod rust_client {",
            "    #[allow(unused_imports)] // a service without methods uses no type",
            "    use super::rust_types::*;",
            "    include!(\"rust_client.rs\");",
            "}",
            "",
        ]),
        crate = ["lib.rs", "rust_client.rs", "rust_server.rs", "rust_types.rs"],
    )
    oschema_generate(
        name = "gen_rust_renamed",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["rust_types", "openrpc"],
        out_names = {"rust_types.rs": "app_types.rs"},
        tags = ["manual"],
    )
    rust_crate_root_test(
        name = "rust_crate_root_renamed_test",
        target_under_test = ":gen_rust_renamed",
        content = "\n".join([
            "// Code generated by rules_oschema for //rules/tests:gen_rust_renamed: the crate root of its Rust artifacts. DO NOT EDIT.",
            "//",
            "// rust_library(srcs = <output group rust_crate>, crate_root = <output group rust_crate_root>)",
            "pub mod rust_types {",
            "    include!(\"app_types.rs\");",
            "}",
            "",
        ]),
        crate = ["app_types.rs", "lib.rs"],
    )
    rust_crate_root_test(name = "rust_crate_root_none_test", target_under_test = ":gen_subset")

    # import_prefix / strip_import_prefix: //rules/tests/fixture/prefixed/ext
    # is imported as "vendor/ext" (prefixed_test builds both).
    import_path_test(
        name = "import_path_test",
        target_under_test = "//rules/tests/fixture/prefixed/ext:ext_schema",
        import_path = "vendor/ext",
    )
    oschema_generate(
        name = "gen_prefixed_app",
        schema = "//rules/tests/fixture/prefixed/app:app_schema",
        artifacts = ["openrpc"],
        tags = ["manual"],
    )
    import_path_test(
        name = "import_path_dep_test",
        target_under_test = ":gen_prefixed_app",
        argv = ["vendor/ext=rules/tests/fixture/prefixed/ext", "rules/tests/fixture/prefixed/app"],
    )
    oschema_generate(
        name = "gen_prefixed_ext",
        schema = "//rules/tests/fixture/prefixed/ext:ext_schema",
        artifacts = ["openrpc"],
        tags = ["manual"],
    )

    # Generated from by its import path, read through -import (as a schema
    # of an external repository).
    import_path_test(
        name = "import_path_self_test",
        target_under_test = ":gen_prefixed_ext",
        argv = ["vendor/ext=rules/tests/fixture/prefixed/ext", "vendor/ext", "00_ext.oschema"],
    )
    sh_test(
        name = "prefixed_test",
        srcs = ["prefixed_test.sh"],
        args = ["$(rootpaths :gen_prefixed_app)", "$(rootpaths :gen_prefixed_ext)"],
        data = [":gen_prefixed_app", ":gen_prefixed_ext"],
    )
    for name, strip, prefix, message in [
        ("bad_strip", "/elsewhere", "", "the package \"rules/tests\" is not under \"elsewhere\""),
        ("bad_prefix", "", "/abs", "import_prefix \"/abs\" must not start with \"/\""),
        ("empty_path", "/rules/tests", "", "leave an empty import path"),
        ("dotdot", "", "../up", "cannot contain \"..\""),
    ]:
        oschema_library(
            name = "lib_" + name,
            srcs = [],
            import_prefix = prefix,
            strip_import_prefix = strip,
            tags = ["manual"],
        )
        failure_test(
            name = name + "_test",
            target_under_test = ":lib_" + name,
            message = message,
        )
    oschema_generate(
        name = "gen_lib_rs_taken",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["rust_types"],
        out_names = {"rust_types.rs": "lib.rs"},
        tags = ["manual"],
    )
    failure_test(
        name = "lib_rs_taken_test",
        target_under_test = ":gen_lib_rs_taken",
        message = "out_names: lib.rs is the crate root rules_oschema writes next to the Rust files",
    )

    # A schema of an external repository: named by its import path.
    oschema_generate(
        name = "gen_ext",
        schema = "@oschema_test_ext//svc:svc_schema",
        artifacts = ["python", "openrpc"],
        tags = ["manual"],
    )
    external_args_test(name = "external_args_test", target_under_test = ":gen_ext")
    sh_test(
        name = "ext_header_test",
        srcs = ["ext_header_test.sh"],
        args = ["$(rootpaths :gen_ext)"],
        data = [":gen_ext"],
    )

    # **kwargs split: size, timeout and flaky reach only the drift test (the
    # generate and update rules would reject them); tags reach all three;
    # visibility the generated files and the test, the updater is public.
    oschema_clients(
        name = "hygiene",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["openrpc"],
        size = "small",
        timeout = "short",
        flaky = True,
        tags = ["manual", "oschema"],
        visibility = ["//rules:__pkg__"],
    )
    got = {}
    got.update(_rule_facts("hygiene", ["tags", "visibility"]))
    got.update(_rule_facts("hygiene.update", ["tags", "visibility"]))
    got.update(_rule_facts("hygiene.drift_test", ["tags", "visibility", "size", "timeout", "flaky"]))
    kwargs_test(
        name = "kwargs_test",
        target_under_test = ":hygiene",
        got = got,
        want = {
            "hygiene tags": "manual,oschema",
            "hygiene visibility": "//rules:__pkg__",
            "hygiene.drift_test flaky": "True",
            "hygiene.drift_test size": "small",
            "hygiene.drift_test tags": "manual,oschema",
            "hygiene.drift_test timeout": "short",
            "hygiene.drift_test visibility": "//rules:__pkg__",
            "hygiene.update tags": "manual,oschema",
            "hygiene.update visibility": "//visibility:public",
        },
    )

    # One target running several services' updaters: an oschema_clients
    # label stands for its .update, which may also be given directly.
    oschema_update_all(
        name = "update_all",
        targets = [
            "//rules/tests/fixture/gopkg:clients",
            "//rules/tests/fixture/drift:clients.update",
        ],
        tags = ["manual"],
    )
    update_all_test(name = "update_all_test", target_under_test = ":update_all")

    # Only oschema_update targets can be listed.
    native.filegroup(
        name = "not_an.update",
        srcs = [],
        tags = ["manual"],
    )
    oschema_update_all(
        name = "update_all_not_an_updater",
        targets = [":not_an.update"],
        tags = ["manual"],
    )
    failure_test(
        name = "update_all_not_an_updater_test",
        target_under_test = ":update_all_not_an_updater",
        message = "does not have mandatory providers",
    )

    oschema_generate(
        name = "gen_unknown_artifact",
        schema = "//rules/tests/fixture/app:app_schema",
        artifacts = ["cobol"],
        tags = ["manual"],
    )
    failure_test(
        name = "unknown_artifact_test",
        target_under_test = ":gen_unknown_artifact",
        message = "unknown artifact(s) [\"cobol\"]",
    )

    oschema_generate(
        name = "gen_bad_out_name",
        schema = "//rules/tests/fixture/app:app_schema",
        out_names = {"client.rb": "x.rb"},
        tags = ["manual"],
    )
    failure_test(
        name = "bad_out_name_test",
        target_under_test = ":gen_bad_out_name",
        message = "out_names: \"client.rb\" is not a generated file name",
    )

    oschema_library(
        name = "lib_other_dir",
        srcs = ["//rules/tests/fixture/base:00_base.oschema"],
        tags = ["manual"],
    )
    failure_test(
        name = "srcs_in_other_dir_test",
        target_under_test = ":lib_other_dir",
        message = "oschema_library srcs must be in the package's own directory",
    )

    native.test_suite(
        name = name,
        tests = [
            ":all_and_more_test",
            ":all_artifacts_test",
            ":bad_out_name_test",
            ":default_outputs_test",
            ":ext_header_test",
            ":external_args_test",
            ":generated_info_all_test",
            ":generated_info_service_test",
            ":generated_info_subset_test",
            ":bad_prefix_test",
            ":bad_strip_test",
            ":dotdot_test",
            ":empty_path_test",
            ":import_path_dep_test",
            ":import_path_self_test",
            ":import_path_test",
            ":kwargs_test",
            ":lib_rs_taken_test",
            ":prefixed_test",
            ":provider_test",
            ":rust_crate_root_none_test",
            ":rust_crate_root_renamed_test",
            ":rust_crate_root_test",
            ":srcs_in_other_dir_test",
            ":subset_test",
            ":twice_test",
            ":unknown_artifact_test",
            ":update_all_not_an_updater_test",
            ":update_all_test",
        ],
    )
