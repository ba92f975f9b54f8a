"""The bzlmod half of compat.bzl: MODULE.bazel only (Bazel 4.2.3 has no module_extension)."""

load(":compat.bzl", "sh_repository")

def _sh_extension_impl(_mctx):
    sh_repository(name = "rules_oschema_sh", rules_shell = True)

# @rules_oschema_sh with rules_shell's sh_test: every bzlmod Bazel can use
# rules_shell, and Bazel 9, which has no native sh_test, must.
sh = module_extension(implementation = _sh_extension_impl)
