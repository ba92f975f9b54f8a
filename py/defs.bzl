"""oschema_py_library: a schema's generated Python client as a py_library.

    load("@rules_oschema//py:defs.bzl", "oschema_py_library")

It lives apart from //rules:defs.bzl like oschema_go_library, so that the
core rules never load a Python rule set.
"""

load("//rules:defs.bzl", "oschema_generate")

# The rule the library is built with: Bazel's native py_library (Bazel 4.2.3
# ships no rules_python). To move to rules_python, replace this one line with
#   load("@rules_python//python:defs.bzl", _py_library = "py_library")
_py_library = native.py_library

_PY_KEYWORDS = [
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
]

_IDENT_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_IDENT_REST = _IDENT_START + "0123456789"

def check_module(module):
    """Fails unless module is a top-level Python module name (an identifier, not a keyword).

    Args:
      module: the name given to oschema_py_library.
    """
    ok = module != "" and module[0] in _IDENT_START and module not in _PY_KEYWORDS
    for c in module.elems():
        if c not in _IDENT_REST:
            ok = False
    if not ok:
        fail("oschema_py_library: module %r is not a Python module name: use an identifier (letters, digits, _; no dots), e.g. \"hero_logic_client\"" % module)

def oschema_py_library(
        name,
        schema,
        module,
        service = None,
        deps = None,
        visibility = None,
        **kwargs):
    """The Python client of a service (artifact `python`), as a py_library.

    Creates:
      `name + ".gen"`: the oschema_generate target writing the client as
        the package `bazel-bin/<package>/<name>.gen/python/<module>/`
        (`__init__.py` and `py.typed`, as in a committed generated/);
      `name`: a py_library of it whose import root is
        `<name>.gen/python`, so code depending on it writes
        `import <module>` (or `from <module> import FooServiceClient`).

    The client is a package named `module`, so that a py_binary depending
    on the clients of two services gets two packages. Each name must be
    unique among everything on that binary's Python path. The client uses
    the standard library only.

    Args:
      name: the py_library's name; Gazelle's oschema extension writes "{dirname}_py".
      schema: the oschema_library.
      module: the top-level Python package name of the client (an
        identifier: no dots); Gazelle writes "{dirname}_client".
      service: the service, when the schema has several.
      deps: extra py_library deps.
      visibility: visibility of both targets.
      **kwargs: passed to both targets (tags, testonly, ...).
    """
    check_module(module)
    gen = name + ".gen"
    oschema_generate(
        name = gen,
        schema = schema,
        service = service,
        artifacts = ["python"],
        python_package = module,
        visibility = visibility,
        **kwargs
    )
    _py_library(
        name = name,
        srcs = [":" + gen],
        data = [":" + gen],  # py.typed
        imports = [gen + "/python"],
        deps = deps or [],
        visibility = visibility,
        **kwargs
    )
