// Package oschema is the Gazelle language extension for .oschema schemas:
// it writes and updates oschema_library and oschema_clients targets, the
// way Gazelle's own language/proto does for .proto files. The extension is
// split like language/proto: config.go (directives), kinds.go, generate.go
// and resolve.go; the logic lives in plain functions (GenerateForDir,
// ResolveDeps) so adapting to another Gazelle API stays thin.
package oschema

import (
	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/rule"
)

const languageName = "oschema"

type oschemaLang struct{}

// NewLanguage is the entry point gazelle_binary calls.
func NewLanguage() language.Language { return &oschemaLang{} }

func (*oschemaLang) Name() string                       { return languageName }
func (*oschemaLang) Fix(c *config.Config, f *rule.File) {}
