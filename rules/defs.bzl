"""Public API of rules_oschema: load everything from this file.

    load("@rules_oschema//rules:defs.bzl", "oschema_clients", "oschema_library")

oschema_go_library, which needs rules_go, is in //go:defs.bzl; oschema_py_library
in //py:defs.bzl.
"""

load(
    "//rules/private:clients.bzl",
    _ARTIFACTS = "ARTIFACTS",
    _DEFAULT_ARTIFACTS = "DEFAULT_ARTIFACTS",
    _oschema_clients = "oschema_clients",
    _oschema_drift_test = "oschema_drift_test",
    _oschema_generate = "oschema_generate",
    _oschema_generated_files = "oschema_generated_files",
    _oschema_update = "oschema_update",
    _oschema_update_all = "oschema_update_all",
)
load("//rules/private:library.bzl", _oschema_library = "oschema_library")
load(
    "//rules/private:providers.bzl",
    _OschemaGeneratedInfo = "OschemaGeneratedInfo",
    _OschemaInfo = "OschemaInfo",
    _OschemaToolchainInfo = "OschemaToolchainInfo",
)
load("//rules/private:toolchain.bzl", _oschema_toolchain = "oschema_toolchain")

ARTIFACTS = _ARTIFACTS
DEFAULT_ARTIFACTS = _DEFAULT_ARTIFACTS
OschemaGeneratedInfo = _OschemaGeneratedInfo
OschemaInfo = _OschemaInfo
OschemaToolchainInfo = _OschemaToolchainInfo
oschema_clients = _oschema_clients
oschema_drift_test = _oschema_drift_test
oschema_generate = _oschema_generate
oschema_generated_files = _oschema_generated_files
oschema_library = _oschema_library
oschema_toolchain = _oschema_toolchain
oschema_update = _oschema_update
oschema_update_all = _oschema_update_all
