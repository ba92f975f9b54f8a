package oschema

import (
	"log"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/rule"
	bzl "github.com/bazelbuild/buildtools/build"
)

const (
	schemaExt = ".oschema"
	// generatedDir is oschema_clients' default generated_dir; Gazelle
	// recognises a generated/ package only under this name.
	generatedDir = "generated"
	// goLibraryNaming names new oschema_go_library targets.
	goLibraryNaming = "{dirname}_go"
	// pyLibraryNaming names new oschema_py_library targets, and
	// pyModuleNaming their module: "{dirname}_client", not "client", so the
	// clients of two services can be imported into one Python program.
	pyLibraryNaming = "{dirname}_py"
	pyModuleNaming  = "{dirname}_client"
	// goLangName is the name of Gazelle's Go language, whose imports
	// CrossResolve answers.
	goLangName = "go"
	// pyLangName is the name of rules_python's Gazelle language.
	pyLangName = "py"
	// existingDepsKey is the private attribute of a generated
	// oschema_library holding the deps the existing rule had.
	existingDepsKey = "_oschema_existing_deps"
)

func (*oschemaLang) GenerateRules(args language.GenerateArgs) language.GenerateResult {
	r := GenerateForDir(args.Config, args.Dir, args.Rel, args.File, args.RegularFiles)
	// Gazelle >= 0.36: also RelsToIndex: r.RelsToIndex, for -index=lazy.
	return language.GenerateResult{Gen: r.Gen, Empty: r.Empty, Imports: r.Imports}
}

// Generated is what GenerateForDir produces for one directory.
type Generated struct {
	// Gen are the oschema_library, oschema_clients and (opt-in)
	// oschema_go_library and oschema_py_library rules, in that order; in a generated/ directory
	// that is a package, its oschema_generated_files rule.
	Gen []*rule.Rule
	// Imports[i] is what Resolve needs for Gen[i]: the schema's sorted
	// import paths ([]string) for the library, nil for the other rules.
	Imports []interface{}
	// Empty are existing oschema rules to delete: the directory has no
	// schema any more.
	Empty []*rule.Rule
	// RelsToIndex are the directories Gazelle's lazy indexing (-index=lazy,
	// Gazelle >= 0.36) must index so that Resolve finds this directory's
	// deps: the schema's imports, which are workspace directories (an
	// import_prefix'd one is not a directory and is indexed in vain, which
	// costs nothing). Gazelle v0.25's GenerateResult has no such field;
	// on a newer Gazelle, GenerateRules passes it on.
	RelsToIndex []string
}

// GenerateForDir builds the rules of the directory rel (absolute path dir)
// from its regular files; f is its existing BUILD file or nil. It is plain
// Gazelle-version-independent logic; GenerateRules only adapts it.
//
// A schema file that cannot be read or whose imports are malformed is
// reported with log.Print (as Gazelle reports problems) and still listed
// in srcs: the file list alone decides the library, and the oschema
// compiler reports the error in full when the target builds.
func GenerateForDir(c *config.Config, dir, rel string, f *rule.File, regularFiles []string) Generated {
	oc := getConfig(c)
	if !oc.Enabled {
		return Generated{}
	}
	var srcs []string
	for _, name := range regularFiles {
		if strings.HasSuffix(name, schemaExt) && !strings.Contains(name, "/") {
			srcs = append(srcs, name)
		}
	}
	sort.Strings(srcs)

	libs := existingRules(c, f, libraryKind)
	clients := existingRules(c, f, clientsKind)
	goLibs := ownedLangLibraries(existingRules(c, f, goLibraryKind))
	pyLibs := ownedLangLibraries(existingRules(c, f, pyLibraryKind))
	if len(srcs) == 0 {
		var empty []*rule.Rule
		for _, r := range libs {
			empty = append(empty, rule.NewRule(libraryKind, r.Name()))
		}
		for _, r := range clients {
			empty = append(empty, rule.NewRule(clientsKind, r.Name()))
		}
		for _, r := range goLibs {
			empty = append(empty, rule.NewRule(goLibraryKind, r.Name()))
		}
		for _, r := range pyLibs {
			empty = append(empty, rule.NewRule(pyLibraryKind, r.Name()))
		}
		if isGeneratedPackageDir(c, dir, rel, f, regularFiles) {
			return Generated{
				Gen:     []*rule.Rule{rule.NewRule(generatedFilesKind, "")},
				Imports: []interface{}{nil},
				Empty:   empty,
			}
		}
		return Generated{Empty: empty}
	}

	// Users may rename the generated targets: an existing library keeps
	// its name, the naming templates name new targets.
	libName := expandNaming(oc.LibraryNaming, rel)
	if len(libs) == 1 {
		libName = libs[0].Name()
	}
	clientsName := pickName(expandNaming(oc.ClientsNaming, rel), clients)

	lib := rule.NewRule(libraryKind, libName)
	lib.SetAttr("srcs", srcs)
	lib.SetAttr("visibility", []string{"//visibility:public"})
	selfImport := rel
	for _, r := range libs {
		if r.Name() == libName {
			// Resolve sees only this new rule; it keeps an existing dep
			// the index cannot confirm or deny (see ResolveDepsKeeping).
			lib.SetPrivateAttr(existingDepsKey, r.AttrStrings("deps"))
			// import_prefix / strip_import_prefix are the user's; carried
			// over so that the rule Gazelle indexes has them.
			for _, a := range []string{"import_prefix", "strip_import_prefix"} {
				if v := r.Attr(a); v != nil {
					lib.SetAttr(a, v)
				}
			}
			if imp, err := libraryImportPath(rel, r); err == nil {
				selfImport = imp
			}
		}
	}

	imports, serves := readImports(dir, rel, selfImport, srcs)
	var empty []*rule.Rule
	for _, r := range libs {
		if r.Name() != libName {
			empty = append(empty, rule.NewRule(libraryKind, r.Name()))
		}
	}
	if !serves {
		// A library of shared types only: there is no service to generate
		// clients for, and a clients target would fail to build.
		for _, r := range clients {
			empty = append(empty, rule.NewRule(clientsKind, r.Name()))
		}
		for _, r := range goLibs {
			empty = append(empty, rule.NewRule(goLibraryKind, r.Name()))
		}
		for _, r := range pyLibs {
			empty = append(empty, rule.NewRule(pyLibraryKind, r.Name()))
		}
		return Generated{Gen: []*rule.Rule{lib}, Imports: []interface{}{imports}, Empty: empty, RelsToIndex: imports}
	}

	cl := rule.NewRule(clientsKind, clientsName)
	cl.SetAttr("schema", ":"+libName)
	var oldCl *rule.Rule
	for _, r := range clients {
		if r.Name() == clientsName {
			oldCl = r
		}
	}
	// artifacts and writeback are mergeable: a directive that applies here
	// sets them (or removes them, for the rule's default); without one the
	// existing value is carried over, so the merger keeps it.
	if oc.ArtifactsSet {
		if oc.Artifacts != nil {
			cl.SetAttr("artifacts", oc.Artifacts)
		}
	} else if oldCl != nil && oldCl.Attr("artifacts") != nil {
		cl.SetAttr("artifacts", oldCl.Attr("artifacts"))
	}
	writeback := oc.Writeback
	if oc.WritebackSet {
		if !oc.Writeback {
			cl.SetAttr("writeback", false)
		}
	} else if oldCl != nil && oldCl.Attr("writeback") != nil {
		cl.SetAttr("writeback", oldCl.Attr("writeback"))
		if id, ok := oldCl.Attr("writeback").(*bzl.Ident); ok && id.Name == "False" {
			writeback = false
		}
	}
	if !writeback {
		// no write-back: no drift test, so no generated/ package to read
	} else if isPackageOnDisk(c, filepath.Join(dir, clientsGeneratedDir(clients, clientsName))) {
		// generated/ is a Bazel package: the drift test takes its files
		// from the oschema_generated_files target there (written below,
		// when Gazelle visits generated/).
		cl.SetAttr("generated_package", true)
	}
	gen := []*rule.Rule{lib, cl}
	genImports := []interface{}{imports, nil}

	if oc.GoLibrary {
		if importPath := oc.importPath(rel); !oc.goPrefixSet || importPath == "" {
			log.Printf("%s: gazelle:%s on needs a non-empty # gazelle:prefix (as Gazelle's Go language does) for the importpath; no %s written", rel, goLibraryDirective, goLibraryKind)
		} else {
			gl := rule.NewRule(goLibraryKind, pickName(expandNaming(goLibraryNaming, rel), goLibs))
			gl.SetAttr("importpath", importPath)
			gl.SetAttr("schema", ":"+libName)
			gl.SetAttr("visibility", []string{"//visibility:public"})
			gen = append(gen, gl)
			genImports = append(genImports, nil)
		}
	}
	if oc.PyLibrary {
		pl := rule.NewRule(pyLibraryKind, pickName(expandNaming(pyLibraryNaming, rel), pyLibs))
		pl.SetAttr("module", pyModuleName(rel))
		pl.SetAttr("schema", ":"+libName)
		pl.SetAttr("visibility", []string{"//visibility:public"})
		gen = append(gen, pl)
		genImports = append(genImports, nil)
	}

	return Generated{
		Gen:         gen,
		Imports:     genImports,
		Empty:       empty,
		RelsToIndex: imports,
	}
}

// pyModuleName is the module of a new oschema_py_library: "{dirname}_client"
// made a Python identifier (characters other than letters, digits and _
// become _, a leading digit gets a _ in front).
func pyModuleName(rel string) string {
	name := []rune(expandNaming(pyModuleNaming, rel))
	for i, r := range name {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			name[i] = '_'
		}
	}
	if name[0] >= '0' && name[0] <= '9' {
		return "_" + string(name)
	}
	return string(name)
}

// ownedLangLibraries are the oschema_go_library (or oschema_py_library) rules
// Gazelle maintains: those of this directory's schema (schema ":..."). One
// built from a schema elsewhere was written by hand and is left alone.
func ownedLangLibraries(rules []*rule.Rule) []*rule.Rule {
	var out []*rule.Rule
	for _, r := range rules {
		if s := r.AttrString("schema"); s == "" || strings.HasPrefix(s, ":") {
			out = append(out, r)
		}
	}
	return out
}

// clientsGeneratedDir is the generated_dir of the oschema_clients rule
// named name, if it sets one, else the default.
func clientsGeneratedDir(clients []*rule.Rule, name string) string {
	for _, r := range clients {
		if r.Name() == name {
			if d := r.AttrString("generated_dir"); d != "" {
				return d
			}
		}
	}
	return generatedDir
}

// isPackageOnDisk tells whether dir is, or is about to become, a Bazel
// package: it holds a BUILD file, or .go files for which Gazelle's Go
// language writes one. The schema's directory asks it of its generated/.
func isPackageOnDisk(c *config.Config, dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(e.Name(), ".go") || isBuildFileName(c, e.Name()) {
			return true
		}
	}
	return false
}

func isBuildFileName(c *config.Config, name string) bool {
	for _, b := range c.ValidBuildFileNames {
		if name == b {
			return true
		}
	}
	return false
}

// isGeneratedPackageDir tells whether rel is the generated/ directory of a
// schema (its parent holds .oschema files) and a package by the same test
// as isPackageOnDisk, asked from inside: a BUILD file or .go files.
func isGeneratedPackageDir(c *config.Config, dir, rel string, f *rule.File, regularFiles []string) bool {
	if rel == "" || path.Base(rel) != generatedDir {
		return false
	}
	isPackage := f != nil
	for _, name := range regularFiles {
		if strings.HasSuffix(name, ".go") && !strings.Contains(name, "/") {
			isPackage = true
		}
	}
	if !isPackage {
		return false
	}
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), schemaExt) {
			return true
		}
	}
	return false
}

// readImports returns the sorted, distinct imports of the schema's files,
// without imports of the schema itself (its import path self), and whether
// any file declares a service (or a [rootobject], which implies one).
func readImports(dir, rel, self string, srcs []string) ([]string, bool) {
	serves := false
	seen := map[string]bool{}
	var out []string
	for _, name := range srcs {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			log.Printf("%s: %v", path.Join(rel, name), err)
			continue
		}
		imps, fileServes, err := schemaImports(path.Join(rel, name), src)
		serves = serves || fileServes
		if err != nil {
			log.Print(err)
		}
		for _, imp := range imps {
			if imp != self && !seen[imp] {
				seen[imp] = true
				out = append(out, imp)
			}
		}
	}
	sort.Strings(out)
	return out, serves
}

// pickName chooses the oschema_clients (or oschema_go_library) target
// Gazelle maintains. Users may add more (one per service, say) or rename
// the generated one: Gazelle keeps the one named by the template if it
// exists, else the first in the file, and never adds another next to
// existing ones.
func pickName(template string, existing []*rule.Rule) string {
	for _, r := range existing {
		if r.Name() == template {
			return template
		}
	}
	if len(existing) > 0 {
		return existing[0].Name()
	}
	return template
}

// existingRules returns the rules of kind in f, also under the name a
// "# gazelle:map_kind" directive gives the kind.
func existingRules(c *config.Config, f *rule.File, kind string) []*rule.Rule {
	if f == nil {
		return nil
	}
	mapped := kind
	if mk, ok := c.KindMap[kind]; ok {
		mapped = mk.KindName
	}
	var out []*rule.Rule
	for _, r := range f.Rules {
		if r.Kind() == kind || r.Kind() == mapped {
			out = append(out, r)
		}
	}
	return out
}
