"""Shims for newer Bazel versions; each is a no-op on Bazel 4.2.3.

- Automatic exec groups (default on from Bazel 7): an action running a
  tool of a toolchain must name that toolchain (`toolchain =` on
  ctx.actions.run), a parameter Bazel 4.2.3 does not have. Detected by a
  feature of the same release: `config_common.toolchain_type` (Bazel 6.0,
  like the parameter).
- Bazel 9 has no native sh_test: this repository's shell tests load it
  from sh.bzl of the repository `@rules_oschema_sh`, which WORKSPACE
  declares with `oschema_sh_repository()` (native.sh_test) and
  MODULE.bazel with the `sh` extension of compat_bzlmod.bzl (rules_shell's;
  a separate file because Bazel 4.2.3 has no module_extension).
"""

HAS_ACTION_TOOLCHAIN = hasattr(config_common, "toolchain_type")

def toolchain_kwargs(toolchain_type):
    """Keyword arguments for ctx.actions.run naming the toolchain whose tool it runs.

    Args:
      toolchain_type: the toolchain type (a label string).

    Returns:
      {"toolchain": toolchain_type} where Bazel supports it, else {}.
    """
    return {"toolchain": toolchain_type} if HAS_ACTION_TOOLCHAIN else {}

_NATIVE_SH = """\"\"\"sh_test for this Bazel: the native rule.\"\"\"

sh_test = native.sh_test
"""

_RULES_SHELL_SH = """\"\"\"sh_test for this Bazel: rules_shell's.\"\"\"

load("@rules_shell//shell:sh_test.bzl", _sh_test = "sh_test")

sh_test = _sh_test
"""

def _sh_repository_impl(rctx):
    rctx.file("BUILD.bazel", "exports_files([\"sh.bzl\"])\n")
    rctx.file("sh.bzl", _RULES_SHELL_SH if rctx.attr.rules_shell else _NATIVE_SH)

sh_repository = repository_rule(
    implementation = _sh_repository_impl,
    attrs = {"rules_shell": attr.bool(doc = "Load sh_test from @rules_shell instead of native.")},
)

def oschema_sh_repository(name = "rules_oschema_sh"):
    """WORKSPACE: declares @rules_oschema_sh with the native sh_test (WORKSPACE Bazels have it).

    Args:
      name: keep the default; the tests load @rules_oschema_sh//:sh.bzl.
    """
    sh_repository(name = name, rules_shell = False)
