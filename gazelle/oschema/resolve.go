package oschema

import (
	"fmt"
	"log"
	"sort"
	"strings"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/label"
	"github.com/bazelbuild/bazel-gazelle/repo"
	"github.com/bazelbuild/bazel-gazelle/resolve"
	"github.com/bazelbuild/bazel-gazelle/rule"
)

// Imports indexes an oschema_library under its import path: that is the
// string other schemas write in `import "..."`, its package unless
// import_prefix / strip_import_prefix change it (libraryImportPath). An oschema_go_library is
// indexed under its Go importpath (as an import of language "go", recorded
// for this language), which CrossResolve answers Go imports from; an
// oschema_py_library under its module (language "py"), for Python imports.
func (*oschemaLang) Imports(c *config.Config, r *rule.Rule, f *rule.File) []resolve.ImportSpec {
	switch r.Kind() {
	case libraryKind:
		imp, err := libraryImportPath(f.Pkg, r)
		if err != nil {
			log.Printf("//%s:%s: %v; indexed under its package", f.Pkg, r.Name(), err)
			imp = f.Pkg
		}
		return []resolve.ImportSpec{{Lang: languageName, Imp: imp}}
	case goLibraryKind:
		if imp := r.AttrString("importpath"); imp != "" {
			return []resolve.ImportSpec{{Lang: goLangName, Imp: imp}}
		}
	case pyLibraryKind:
		if mod := r.AttrString("module"); mod != "" {
			return []resolve.ImportSpec{{Lang: pyLangName, Imp: mod}}
		}
	}
	return nil
}

// CrossResolve resolves a Go import (from a go_library, go_binary or
// go_test that Gazelle's Go language resolves) of an oschema_go_library's
// importpath to that target. Gazelle asks cross resolvers only when no Go
// rule provides the import, so a go_library of the same importpath wins,
// and "# gazelle:resolve go ..." wins over both. Likewise a Python import
// (language "py", as rules_python's Gazelle extension names it) of an
// oschema_py_library's module resolves to that target.
func (*oschemaLang) CrossResolve(c *config.Config, ix *resolve.RuleIndex, imp resolve.ImportSpec, lang string) []resolve.FindResult {
	return CrossResolveGo(ix, imp, lang)
}

// CrossResolveGo is CrossResolve as a plain function (Go and Python).
func CrossResolveGo(ix *resolve.RuleIndex, imp resolve.ImportSpec, lang string) []resolve.FindResult {
	if ix == nil || lang != imp.Lang || (lang != goLangName && lang != pyLangName) {
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
	existing, _ := r.PrivateAttr(existingDepsKey).([]string)
	deps, errs := ResolveDepsKeeping(c, ix, imps, from, existing)
	for _, err := range errs {
		log.Print(err)
	}
	r.DelAttr("deps")
	if len(deps) > 0 {
		r.SetAttr("deps", deps)
	}
}

// ResolveDeps turns import paths into sorted, distinct dep labels relative
// to from. It is ResolveDepsKeeping with no existing deps.
func ResolveDeps(c *config.Config, ix *resolve.RuleIndex, imports []string, from label.Label) ([]string, []error) {
	return ResolveDepsKeeping(c, ix, imports, from, nil)
}

// ResolveDepsKeeping turns import paths into sorted, distinct dep labels
// relative to from; existing are the rule's current deps. No import is
// ever dropped:
//
//   - "# gazelle:resolve oschema <import> <label>" wins over everything;
//   - else the index: the one oschema_library of the import's directory;
//   - two or more libraries providing the import are an error naming them
//     (an existing dep that is one of them stays, so nothing is lost);
//   - nothing in the index (the directory has no library yet, or indexing
//     is off with -index=false): an existing dep in the import's package
//     stays (a library renamed by hand), else the conventional label
//     //<import>:<library naming>, as Gazelle's language/proto falls back.
//     With indexing on either is logged as a warning.
//
// The returned errors are what Resolve logs.
func ResolveDepsKeeping(c *config.Config, ix *resolve.RuleIndex, imports []string, from label.Label, existing []string) ([]string, []error) {
	seen := map[string]bool{}
	var deps []string
	var errs []error
	for _, imp := range imports {
		l, err := resolveImport(c, ix, imp, from, existing)
		if err != nil {
			errs = append(errs, err)
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

// resolveImport returns the dep for imp, and an error to log (possibly
// with a label still to use). It returns label.NoLabel with no error for
// an import of the rule itself.
func resolveImport(c *config.Config, ix *resolve.RuleIndex, imp string, from label.Label, existing []string) (label.Label, error) {
	spec := resolve.ImportSpec{Lang: languageName, Imp: imp}
	if l, ok := resolve.FindRuleWithOverride(c, spec, languageName); ok {
		return l, nil
	}
	var res []resolve.FindResult
	if ix != nil && c.IndexLibraries {
		res = ix.FindRulesByImportWithConfig(c, spec, languageName)
	}
	switch {
	case len(res) > 1:
		var ls []string
		for _, r := range res {
			ls = append(ls, r.Label.String())
		}
		sort.Strings(ls)
		err := fmt.Errorf("%s: import %q is provided by several oschema_library rules (%s); keep one, or pick one with # gazelle:resolve oschema %s <label>", from, imp, strings.Join(ls, " and "), imp)
		for _, d := range existing {
			for _, r := range res {
				if l, perr := label.Parse(d); perr == nil && l.Abs(from.Repo, from.Pkg).Equal(r.Label) {
					return r.Label, err
				}
			}
		}
		return label.NoLabel, err
	case len(res) == 1:
		if res[0].IsSelfImport(from) {
			return label.NoLabel, nil
		}
		return res[0].Label, nil
	}
	l, how := existingDepIn(existing, imp, from), "keeping the existing dep"
	if l == label.NoLabel {
		l, how = label.New("", imp, expandNaming(getConfig(c).LibraryNaming, imp)), "using the conventional label"
		if l.Equal(from) {
			return label.NoLabel, nil
		}
	}
	if ix != nil && c.IndexLibraries {
		return l, fmt.Errorf("%s: warning: no oschema_library provides import %q; %s %s (is there a schema in that directory, or does it need # gazelle:resolve oschema %s <label>?)", from, imp, how, l.Rel(from.Repo, from.Pkg), imp)
	}
	return l, nil
}

// existingDepIn finds, among the rule's current deps, one in this
// repository's package imp: what the user (or an earlier indexed run)
// chose for the import when the index cannot tell.
func existingDepIn(existing []string, imp string, from label.Label) label.Label {
	for _, d := range existing {
		l, err := label.Parse(d)
		if err != nil {
			continue
		}
		l = l.Abs(from.Repo, from.Pkg)
		if l.Repo == from.Repo && l.Pkg == imp && !l.Relative {
			return l
		}
	}
	return label.NoLabel
}

// libraryImportPath is the import path of the oschema_library r of package
// pkg, as the rule computes it (rules/private/library.bzl, import_path_of):
// the package, strip_import_prefix removed ("/a" relative to the
// repository root, "a" to the package), import_prefix prepended.
func libraryImportPath(pkg string, r *rule.Rule) (string, error) {
	prefix, strip := r.AttrString("import_prefix"), r.AttrString("strip_import_prefix")
	return importPathOf(pkg, prefix, strip)
}

func importPathOf(pkg, importPrefix, stripImportPrefix string) (string, error) {
	for _, p := range []string{importPrefix, stripImportPrefix} {
		for _, part := range strings.Split(p, "/") {
			if part == ".." {
				return "", fmt.Errorf(`import_prefix and strip_import_prefix cannot contain ".."`)
			}
		}
	}
	if strings.HasPrefix(importPrefix, "/") {
		return "", fmt.Errorf(`import_prefix %q must not start with "/": it is prepended to the import path`, importPrefix)
	}
	p := pkg
	if stripImportPrefix != "" {
		var prefix string
		if strings.HasPrefix(stripImportPrefix, "/") {
			prefix = cleanPath(stripImportPrefix)
		} else {
			prefix = cleanPath(pkg + "/" + stripImportPrefix)
		}
		switch {
		case prefix == p:
			p = ""
		case prefix != "" && strings.HasPrefix(p, prefix+"/"):
			p = p[len(prefix)+1:]
		case prefix != "":
			return "", fmt.Errorf("strip_import_prefix %q: the package %q is not under %q", stripImportPrefix, pkg, prefix)
		}
	}
	if importPrefix != "" {
		p = cleanPath(importPrefix + "/" + p)
	}
	if p == "" && (importPrefix != "" || stripImportPrefix != "") {
		return "", fmt.Errorf("import_prefix %q and strip_import_prefix %q leave an empty import path", importPrefix, stripImportPrefix)
	}
	return p, nil
}

// cleanPath drops empty and "." elements, as the rule's _clean does.
func cleanPath(p string) string {
	var parts []string
	for _, e := range strings.Split(p, "/") {
		if e != "" && e != "." {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, "/")
}
