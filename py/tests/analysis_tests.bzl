"""Analysis tests of oschema_py_library: what it generates and how it is imported."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "OschemaGeneratedInfo")

def _py_library_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    srcs = [f.short_path for f in target[PyInfo].transitive_sources.to_list()]
    asserts.equals(env, ["py/tests/paint/paint_py.gen/python/paint_client/__init__.py"], srcs)

    # The import root is the .gen directory's python/, so the package is `paint_client`.
    asserts.true(env, "rules_oschema/py/tests/paint/paint_py.gen/python" in target[PyInfo].imports.to_list(), str(target[PyInfo].imports))
    return analysistest.end(env)

py_library_test = analysistest.make(_py_library_test_impl)

def _py_gen_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    info = target[OschemaGeneratedInfo]
    asserts.equals(env, ["python"], info.files.keys())
    asserts.equals(env, ["python/paint_client/__init__.py", "python/paint_client/py.typed"], sorted([info.paths[f.short_path] for f in info.files["python"].to_list()]))
    asserts.equals(env, "paint_client", info.python_package)
    argv = [a for a in analysistest.target_actions(env) if a.mnemonic == "OschemaGenerate"][0].argv
    asserts.true(env, "-artifacts" in argv and argv[argv.index("-artifacts") + 1] == "python", str(argv))
    return analysistest.end(env)

py_gen_test = analysistest.make(_py_gen_test_impl)

def py_analysis_test_suite(name):
    """The tests, on //py/tests/paint's oschema_py_library.

    Args:
      name: name of the test_suite.
    """
    py_library_test(name = "py_library_test", target_under_test = "//py/tests/paint:paint_py")
    py_gen_test(name = "py_gen_test", target_under_test = "//py/tests/paint:paint_py.gen")
    native.test_suite(name = name, tests = [":py_gen_test", ":py_library_test"])
