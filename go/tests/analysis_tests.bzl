"""Analysis tests of oschema_go_library: what it compiles and as what."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("@io_bazel_rules_go//go:def.bzl", "GoLibrary", "GoSource")
load("//rules:defs.bzl", "OschemaGeneratedInfo")

def _go_library_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, "github.com/lhumina-code/rules_oschema/go/tests/paint", target[GoLibrary].importpath)
    srcs = target[GoSource].srcs
    asserts.equals(env, ["api.go"], [f.basename for f in srcs])
    asserts.equals(env, "go/tests/paint/paint_go.gen/api.go", srcs[0].short_path)
    return analysistest.end(env)

go_library_test = analysistest.make(_go_library_test_impl)

def _go_gen_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    info = target[OschemaGeneratedInfo]
    asserts.equals(env, ["go", "openrpc"], info.files.keys())
    asserts.equals(env, Label("//go/tests/paint:paint_schema"), info.schema.label)
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    asserts.true(env, "-artifacts" in argv and argv[argv.index("-artifacts") + 1] == "go,openrpc", str(argv))
    return analysistest.end(env)

go_gen_test = analysistest.make(_go_gen_test_impl)

def go_analysis_test_suite(name):
    """The tests, on //go/tests/paint's oschema_go_library.

    Args:
      name: name of the test_suite.
    """
    go_library_test(name = "go_library_test", target_under_test = "//go/tests/paint:paint_go")
    go_gen_test(name = "go_gen_test", target_under_test = "//go/tests/paint:paint_go.gen")
    native.test_suite(name = name, tests = [":go_gen_test", ":go_library_test"])
