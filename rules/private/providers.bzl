"""Providers of rules_oschema."""

OschemaInfo = provider(
    doc = "A schema: one directory of .oschema files and the schemas it imports.",
    fields = {
        "srcs": "depset of this schema's .oschema files",
        "dir": "execroot-relative directory holding srcs (differs from import_path in external repositories)",
        "import_path": "workspace-relative directory of the schema: what other schemas write in `import \"...\"`",
        "label": "Label of the oschema_library, for error messages",
        "transitive_srcs": "depset of the .oschema files of this schema and everything it imports",
        "transitive_imports": "depset of \"import_path=dir\" strings of every schema in deps, transitively",
    },
)

OschemaToolchainInfo = provider(
    doc = "What an oschema toolchain provides: the generator.",
    fields = {
        "generator": "FilesToRunProvider of the oschema CLI",
    },
)

OschemaGeneratedInfo = provider(
    doc = """What oschema_generate produced: the files of each artifact, and what from.

Rules that wrap one artifact (oschema_go_library wraps `go`) read the files
of that artifact here instead of filtering DefaultInfo by file name.""",
    fields = {
        "files": "dict: artifact name (\"go\", \"python\", ...) -> depset of its generated files; only the artifacts generated",
        "paths": "dict: short_path of each generated file -> its path under the target's directory (LAYOUT, or out_names); write-back and drift tests commit it there under generated_dir",
        "python_package": "the Python package's name (python/<python_package>/), or None without the python artifact",
        "rust_crate_root": "File: lib.rs declaring the generated Rust modules, or None without a Rust artifact",
        "schema": "the OschemaInfo of the schema generated from (its label is schema.label)",
        "service": "the service generated for, or None when the schema's only service was taken",
    },
)
