package oschema

import "github.com/bazelbuild/bazel-gazelle/rule"

const (
	libraryKind = "oschema_library"
	clientsKind = "oschema_clients"
	rulesLoad   = "@rules_oschema//rules:defs.bzl"
)

// oschemaKinds tells Gazelle's merger what it owns in each rule. Gazelle
// rewrites mergeable attributes and leaves every other attribute as the
// user wrote it (it only adds one that is missing), so artifacts, service,
// writeback and generated_dir of oschema_clients stay user-editable.
var oschemaKinds = map[string]rule.KindInfo{
	libraryKind: {
		MatchAny:       true,
		NonEmptyAttrs:  map[string]bool{"srcs": true},
		MergeableAttrs: map[string]bool{"srcs": true},
		ResolveAttrs:   map[string]bool{"deps": true},
	},
	clientsKind: {
		NonEmptyAttrs:  map[string]bool{"schema": true},
		MergeableAttrs: map[string]bool{"schema": true},
	},
}

var oschemaLoads = []rule.LoadInfo{{
	Name:    rulesLoad,
	Symbols: []string{clientsKind, libraryKind},
}}

func (*oschemaLang) Kinds() map[string]rule.KindInfo { return oschemaKinds }
func (*oschemaLang) Loads() []rule.LoadInfo          { return oschemaLoads }
