"""Analysis tests of the rules: declared outputs, subsets, output groups, errors."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "OschemaGeneratedInfo", "OschemaInfo", "oschema_generate", "oschema_library")

def _basenames(files):
    return sorted([f.basename for f in files])

def _default_outputs_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(
        env,
        ["client.d.ts", "client.js", "client.py", "openrpc.json", "rust_server.rs", "rust_types.rs"],
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
    return analysistest.end(env)

default_outputs_test = analysistest.make(_default_outputs_test_impl)

def _subset_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, ["app_client.py", "client.d.ts", "client.js"], _basenames(target[DefaultInfo].files.to_list()))
    groups = target[OutputGroupInfo]
    asserts.equals(env, ["app_client.py"], _basenames(groups.python.to_list()))
    asserts.equals(env, ["client.d.ts", "client.js"], _basenames(groups.js.to_list()))
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
        ["api.go", "client.d.ts", "client.js", "client.py", "openrpc.json", "rust_server.rs", "rust_types.rs"],
        _basenames(target[DefaultInfo].files.to_list()),
    )
    asserts.equals(env, ["api.go"], _basenames(target[OutputGroupInfo].go.to_list()))
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    asserts.true(env, "rust_types,rust_server,openrpc,js,python,go" in argv, str(argv))
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
        artifacts = ["go", "js", "openrpc", "python", "rust_server", "rust_types"],
        files = {
            "go": "api.go",
            "js": "client.js,client.d.ts",
            "openrpc": "openrpc.json",
            "python": "client.py",
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
    failure_test(
        name = "all_and_more_test",
        target_under_test = ":gen_all_and_more",
        message = "artifacts: \"all\" stands alone",
    )

    provider_test(name = "provider_test", target_under_test = "//rules/tests/fixture/app:app_schema")

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
            ":generated_info_all_test",
            ":generated_info_service_test",
            ":generated_info_subset_test",
            ":provider_test",
            ":srcs_in_other_dir_test",
            ":subset_test",
            ":unknown_artifact_test",
        ],
    )
