// Package artifacts is the registry of what the generator can produce: each
// artifact's name, its files and its emitter. The CLI and (through the CLI)
// the Bazel rules work from this table; rules/private/clients.bzl keeps a
// copy of the file names, checked by this package's tests.
package artifacts

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/emit"
	"github.com/lhumina-code/rules_oschema/generator/emit/golang"
	"github.com/lhumina-code/rules_oschema/generator/emit/js"
	"github.com/lhumina-code/rules_oschema/generator/emit/python"
	"github.com/lhumina-code/rules_oschema/generator/emit/rust"
	"github.com/lhumina-code/rules_oschema/generator/openrpc"
)

// Artifact is one kind of generated output.
//
// The go and rust_server artifacts embed the OpenRPC document from the
// openrpc artifact's openrpc.json (api.go with //go:embed, beside it;
// rust/rust_server.rs with include_str!("../openrpc.json")), so that the
// document is stored once per service: choosing either brings openrpc
// (see Requires and Select).
type Artifact struct {
	Name     string         // "python"
	Files    []string       // default file names it writes, e.g. client.js, client.d.ts
	Doc      string         // one line for --help
	Generate emit.Generator // the emitter
}

// Requires maps an artifact to the artifacts whose files its own files
// read when compiled, which Select therefore adds. rules/private/clients.bzl
// keeps a copy (REQUIRES), checked by TestArtifactsListMatchesRules in
// generator/cmd/oschema.
var Requires = map[string][]string{
	"go":          {"openrpc"},
	"rust_server": {"openrpc"},
}

// All lists every artifact in a fixed order.
var All = []Artifact{
	{"rust_types", []string{"rust_types.rs"}, "Rust structs and enums with serde", rust.GenerateTypes},
	{"rust_server", []string{"rust_server.rs"}, "Rust handler trait and JSON-RPC 2.0 dispatcher (brings openrpc: it embeds openrpc.json)", rust.GenerateServer},
	{"rust_client", []string{"rust_client.rs"}, "Rust blocking client (std and serde_json), for include! next to rust_types.rs", rust.GenerateClient},
	{"openrpc", []string{"openrpc.json"}, "OpenRPC 1.2 document", openrpc.Generate},
	{"js", []string{"client.js", "client.d.ts", "package.json"}, "JavaScript ES module client with TypeScript declarations, and its package.json", js.Generate},
	{"python", []string{"client.py", "py.typed"}, "Python 3.9+ client package, standard library only, typed (PEP 561)", python.Generate},
	{"go", []string{"api.go"}, "Go types, client and server (brings openrpc: it embeds openrpc.json)", golang.Generate},
}

// Layout says where each file goes under a directory of generated files
// (the CLI's -out, oschema_generate's outputs, the committed generated/):
// one directory per language, as each ecosystem lays out packages. Go's
// api.go and the OpenRPC document stay at the top: the directory is the Go
// package, and the Go and Rust servers embed the document from there.
// PythonPackage in a path stands for the Python package's name.
var Layout = map[string]string{
	"api.go":         "api.go",
	"client.d.ts":    "js/client.d.ts",
	"client.js":      "js/client.js",
	"client.py":      "python/" + PythonPackage + "/__init__.py",
	"openrpc.json":   "openrpc.json",
	"package.json":   "js/package.json",
	"py.typed":       "python/" + PythonPackage + "/py.typed",
	"rust_client.rs": "rust/rust_client.rs",
	"rust_server.rs": "rust/rust_server.rs",
	"rust_types.rs":  "rust/rust_types.rs",
}

// PythonPackage is the placeholder of Layout's Python paths.
const PythonPackage = "{python_package}"

// Path returns where the file name goes, relative to the directory of
// generated files, with pythonPackage as the Python package's name.
func Path(name, pythonPackage string) string {
	p, ok := Layout[name]
	if !ok {
		return name
	}
	return strings.ReplaceAll(p, PythonPackage, pythonPackage)
}

// DefaultPythonPackage is the Python package of a schema named name (its
// directory's name): lower case, with "-" and "." as "_". The rules
// compute the same (rules/private/clients.bzl); a name that still is not
// a Python identifier, or is a keyword, is an error that asks for
// -python-package.
func DefaultPythonPackage(name string) (string, error) {
	p := strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(name))
	if err := CheckPythonPackage(p); err != nil {
		return "", fmt.Errorf("the schema name %q makes no Python package name (%v): choose one with -python-package (python_package in the rules)", name, err)
	}
	return p, nil
}

// CheckPythonPackage reports whether p can be imported: a Python
// identifier of ASCII letters, digits and "_", not a keyword.
func CheckPythonPackage(p string) error {
	if !pythonIdent.MatchString(p) {
		return fmt.Errorf("%q is not a Python identifier (letters, digits and _, not starting with a digit)", p)
	}
	if pythonKeywords[p] {
		return fmt.Errorf("%q is a Python keyword", p)
	}
	return nil
}

// pythonKeywords is Python's keyword.kwlist: names `import` cannot take.
var pythonKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`False None True and as assert async await break class continue
		def del elif else except finally for from global if import in is lambda nonlocal not or
		pass raise return try while with yield`) {
		pythonKeywords[k] = true
	}
}

var pythonIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Default are the six artifacts of the ecosystem; Go is opt-in.
var Default = []string{"rust_types", "rust_server", "rust_client", "openrpc", "js", "python"}

// Lookup returns the artifact called name.
func Lookup(name string) (Artifact, bool) {
	for _, a := range All {
		if a.Name == name {
			return a, true
		}
	}
	return Artifact{}, false
}

// Names returns all artifact names, sorted.
func Names() []string {
	var out []string
	for _, a := range All {
		out = append(out, a.Name)
	}
	sort.Strings(out)
	return out
}

// Select parses a comma-separated list of artifact names ("" means
// Default), in the order of All, without duplicates, with the artifacts
// the chosen ones require (Requires: go and rust_server bring openrpc).
func Select(list string) ([]Artifact, error) {
	want := Default
	if strings.TrimSpace(list) != "" {
		want = strings.Split(list, ",")
	}
	chosen := map[string]bool{}
	for _, n := range want {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, fmt.Errorf("empty artifact name in %q: separate artifacts with single commas, like python,js", list)
		}
		if n == "all" {
			for _, a := range All {
				chosen[a.Name] = true
			}
			continue
		}
		if _, ok := Lookup(n); !ok {
			return nil, fmt.Errorf("unknown artifact %q; choose from %s (or all)", n, strings.Join(Names(), ", "))
		}
		chosen[n] = true
	}
	for _, a := range All {
		if chosen[a.Name] {
			for _, r := range Requires[a.Name] {
				chosen[r] = true // no required artifact requires another
			}
		}
	}
	var out []Artifact
	for _, a := range All {
		if chosen[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}
