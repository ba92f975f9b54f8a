// Package artifacts is the registry of what the generator can produce: each
// artifact's name, its files and its emitter. The CLI and (through the CLI)
// the Bazel rules work from this table; rules/private/clients.bzl keeps a
// copy of the file names, checked by this package's tests.
package artifacts

import (
	"fmt"
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
type Artifact struct {
	Name     string         // "python"
	Files    []string       // default file names it writes, e.g. client.js, client.d.ts
	Doc      string         // one line for --help
	Generate emit.Generator // the emitter
}

// All lists every artifact in a fixed order.
var All = []Artifact{
	{"rust_types", []string{"rust_types.rs"}, "Rust structs and enums with serde", rust.GenerateTypes},
	{"rust_server", []string{"rust_server.rs"}, "Rust handler trait and JSON-RPC 2.0 dispatcher", rust.GenerateServer},
	{"rust_client", []string{"rust_client.rs"}, "Rust blocking client (std and serde_json), for include! next to rust_types.rs", rust.GenerateClient},
	{"openrpc", []string{"openrpc.json"}, "OpenRPC 1.2 document", openrpc.Generate},
	{"js", []string{"client.js", "client.d.ts", "package.json"}, "JavaScript ES module client with TypeScript declarations, and its package.json", js.Generate},
	{"python", []string{"client.py"}, "Python 3.9+ client, standard library only", python.Generate},
	{"go", []string{"api.go"}, "Go types, client and server", golang.Generate},
}

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
// Default), in the order of All, without duplicates.
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
	var out []Artifact
	for _, a := range All {
		if chosen[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}
