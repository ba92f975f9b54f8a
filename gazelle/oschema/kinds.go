package oschema

import "github.com/bazelbuild/bazel-gazelle/rule"

const (
	libraryKind        = "oschema_library"
	clientsKind        = "oschema_clients"
	generatedFilesKind = "oschema_generated_files"
	goLibraryKind      = "oschema_go_library"
	pyLibraryKind      = "oschema_py_library"
	rulesLoad          = "@rules_oschema//rules:defs.bzl"
	goLoad             = "@rules_oschema//go:defs.bzl"
	pyLoad             = "@rules_oschema//py:defs.bzl"
)

// oschemaKinds tells Gazelle's merger what it owns in each rule. Gazelle
// rewrites mergeable attributes (unless marked "# keep") and leaves every
// other attribute as the user wrote it (it only adds one that is missing),
// so service and generated_dir of oschema_clients stay user-editable.
// artifacts and writeback follow the oschema_artifacts / oschema_writeback
// directives, so a changed directive reaches existing targets; where no
// such directive applies, GenerateForDir copies the existing value, which
// leaves them the user's. generated_package is a fact about the tree (does
// generated/ hold a BUILD file or .go files?), so Gazelle owns it. oschema_generated_files has no
// attributes to own; Gazelle adds it and never deletes it (NonEmptyAttrs
// nil). The importpath of oschema_go_library and the module of
// oschema_py_library are only added when missing.
var oschemaKinds = map[string]rule.KindInfo{
	libraryKind: {
		MatchAny:       true,
		NonEmptyAttrs:  map[string]bool{"srcs": true},
		MergeableAttrs: map[string]bool{"srcs": true},
		ResolveAttrs:   map[string]bool{"deps": true},
	},
	clientsKind: {
		NonEmptyAttrs:  map[string]bool{"schema": true},
		MergeableAttrs: map[string]bool{"schema": true, "generated_package": true, "artifacts": true, "writeback": true},
	},
	generatedFilesKind: {
		MatchAny: true,
	},
	goLibraryKind: {
		NonEmptyAttrs:  map[string]bool{"schema": true},
		MergeableAttrs: map[string]bool{"schema": true},
	},
	pyLibraryKind: {
		NonEmptyAttrs:  map[string]bool{"schema": true},
		MergeableAttrs: map[string]bool{"schema": true},
	},
}

var oschemaLoads = []rule.LoadInfo{
	{
		Name:    rulesLoad,
		Symbols: []string{clientsKind, generatedFilesKind, libraryKind},
	},
	{
		Name:    goLoad,
		Symbols: []string{goLibraryKind},
	},
	{
		Name:    pyLoad,
		Symbols: []string{pyLibraryKind},
	},
}

func (*oschemaLang) Kinds() map[string]rule.KindInfo { return oschemaKinds }
func (*oschemaLang) Loads() []rule.LoadInfo          { return oschemaLoads }
