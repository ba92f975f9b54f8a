"""The oschema generator toolchain."""

load(":providers.bzl", "OschemaToolchainInfo")

TOOLCHAIN_TYPE = str(Label("//rules:toolchain_type"))

def _oschema_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        oschema = OschemaToolchainInfo(
            generator = ctx.attr.generator[DefaultInfo].files_to_run,
        ),
    )]

oschema_toolchain = rule(
    implementation = _oschema_toolchain_impl,
    doc = "Declares a generator for toolchain resolution. The default one builds //generator/cmd/oschema from source.",
    attrs = {
        "generator": attr.label(
            executable = True,
            cfg = "exec",
            mandatory = True,
            doc = "The oschema CLI.",
        ),
    },
)
