package oschema

import (
	"fmt"
	"log"
	"sort"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/label"
	"github.com/bazelbuild/bazel-gazelle/repo"
	"github.com/bazelbuild/bazel-gazelle/resolve"
	"github.com/bazelbuild/bazel-gazelle/rule"
)

// Imports indexes an oschema_library under its package path: that is the
// string other schemas write in `import "..."`. An oschema_go_library is
// indexed under its Go importpath (as an import of language "go", recorded
// for this language), which CrossResolve answers Go imports from.
func (*oschemaLang) Imports(c *config.Config, r *rule.Rule, f *rule.File) []resolve.ImportSpec {
	switch r.Kind() {
	case libraryKind:
		return []resolve.ImportSpec{{Lang: languageName, Imp: f.Pkg}}
	case goLibraryKind:
		if imp := r.AttrString("importpath"); imp != "" {
			return []resolve.ImportSpec{{Lang: goLangName, Imp: imp}}
		}
	}
	return nil
}

// CrossResolve resolves a Go import (from a go_library, go_binary or
// go_test that Gazelle's Go language resolves) of an oschema_go_library's
// importpath to that target. Gazelle asks cross resolvers only when no Go
// rule provides the import, so a go_library of the same importpath wins,
// and "# gazelle:resolve go ..." wins over both.
func (*oschemaLang) CrossResolve(c *config.Config, ix *resolve.RuleIndex, imp resolve.ImportSpec, lang string) []resolve.FindResult {
	return CrossResolveGo(ix, imp, lang)
}

// CrossResolveGo is CrossResolve as a plain function.
func CrossResolveGo(ix *resolve.RuleIndex, imp resolve.ImportSpec, lang string) []resolve.FindResult {
	if ix == nil || lang != goLangName || imp.Lang != goLangName {
		return nil
	}
	return ix.FindRulesByImport(imp, languageName)
}

func (*oschemaLang) Embeds(r *rule.Rule, from label.Label) []label.Label { return nil }

// Resolve sets deps of an oschema_library from its schema's imports.
func (*oschemaLang) Resolve(c *config.Config, ix *resolve.RuleIndex, rc *repo.RemoteCache, r *rule.Rule, imports interface{}, from label.Label) {
	imps, ok := imports.([]string)
	if !ok || r.Kind() != libraryKind {
		return
	}
	deps, errs := ResolveDeps(c, ix, imps, from)
	for _, err := range errs {
		log.Print(err)
	}
	r.DelAttr("deps")
	if len(deps) > 0 {
		r.SetAttr("deps", deps)
	}
}

// ResolveDeps turns import paths into sorted, distinct dep labels relative
// to from. "# gazelle:resolve oschema <import> <label>" wins over the
// index. Imports nothing provides are returned as errors and left out.
func ResolveDeps(c *config.Config, ix *resolve.RuleIndex, imports []string, from label.Label) ([]string, []error) {
	seen := map[string]bool{}
	var deps []string
	var errs []error
	for _, imp := range imports {
		l, err := resolveImport(c, ix, imp, from)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if l == label.NoLabel {
			continue
		}
		s := l.Rel(from.Repo, from.Pkg).String()
		if !seen[s] {
			seen[s] = true
			deps = append(deps, s)
		}
	}
	sort.Strings(deps)
	return deps, errs
}

// resolveImport returns label.NoLabel with no error for an import of the
// rule itself.
func resolveImport(c *config.Config, ix *resolve.RuleIndex, imp string, from label.Label) (label.Label, error) {
	spec := resolve.ImportSpec{Lang: languageName, Imp: imp}
	if l, ok := resolve.FindRuleWithOverride(c, spec, languageName); ok {
		return l, nil
	}
	if ix == nil {
		return label.NoLabel, fmt.Errorf("%s: no oschema_library provides import %q (indexing is off; add # gazelle:resolve oschema %s <label>)", from, imp, imp)
	}
	res := ix.FindRulesByImportWithConfig(c, spec, languageName)
	switch {
	case len(res) == 0:
		return label.NoLabel, fmt.Errorf("%s: no oschema_library provides import %q; is there a schema in that directory, or does it need # gazelle:resolve oschema %s <label>?", from, imp, imp)
	case len(res) > 1:
		var ls []string
		for _, r := range res {
			ls = append(ls, r.Label.String())
		}
		sort.Strings(ls)
		return label.NoLabel, fmt.Errorf("%s: import %q is provided by several rules %v; pick one with # gazelle:resolve oschema %s <label>", from, imp, ls, imp)
	case res[0].IsSelfImport(from):
		return label.NoLabel, nil
	}
	return res[0].Label, nil
}
