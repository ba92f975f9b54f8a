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
)

const schemaExt = ".oschema"

func (*oschemaLang) GenerateRules(args language.GenerateArgs) language.GenerateResult {
	r := GenerateForDir(args.Config, args.Dir, args.Rel, args.File, args.RegularFiles)
	return language.GenerateResult{Gen: r.Gen, Empty: r.Empty, Imports: r.Imports}
}

// Generated is what GenerateForDir produces for one directory.
type Generated struct {
	// Gen are the oschema_library and oschema_clients rules, in that order.
	Gen []*rule.Rule
	// Imports[i] is what Resolve needs for Gen[i]: the schema's sorted
	// import paths ([]string) for the library, nil for the clients rule.
	Imports []interface{}
	// Empty are existing oschema rules to delete: the directory has no
	// schema any more.
	Empty []*rule.Rule
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
	if len(srcs) == 0 {
		var empty []*rule.Rule
		for _, r := range libs {
			empty = append(empty, rule.NewRule(libraryKind, r.Name()))
		}
		for _, r := range clients {
			empty = append(empty, rule.NewRule(clientsKind, r.Name()))
		}
		return Generated{Empty: empty}
	}

	// Users may rename the generated targets: an existing library keeps
	// its name, the naming templates name new targets.
	libName := expandNaming(oc.LibraryNaming, rel)
	if len(libs) == 1 {
		libName = libs[0].Name()
	}
	clientsName := pickClientsName(expandNaming(oc.ClientsNaming, rel), clients)

	lib := rule.NewRule(libraryKind, libName)
	lib.SetAttr("srcs", srcs)
	lib.SetAttr("visibility", []string{"//visibility:public"})

	imports, serves := readImports(dir, rel, srcs)
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
		return Generated{Gen: []*rule.Rule{lib}, Imports: []interface{}{imports}, Empty: empty}
	}

	cl := rule.NewRule(clientsKind, clientsName)
	cl.SetAttr("schema", ":"+libName)
	if oc.Artifacts != nil {
		cl.SetAttr("artifacts", oc.Artifacts)
	}
	if !oc.Writeback {
		cl.SetAttr("writeback", false)
	}

	return Generated{
		Gen:     []*rule.Rule{lib, cl},
		Imports: []interface{}{imports, nil},
		Empty:   empty,
	}
}

// readImports returns the sorted, distinct imports of the schema's files,
// without imports of the schema itself, and whether any file declares a
// service (or a [rootobject], which implies one).
func readImports(dir, rel string, srcs []string) ([]string, bool) {
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
			if imp != rel && !seen[imp] {
				seen[imp] = true
				out = append(out, imp)
			}
		}
	}
	sort.Strings(out)
	return out, serves
}

// pickClientsName chooses the oschema_clients target Gazelle maintains.
// Users may add more (one per service, say) or rename the generated one:
// Gazelle keeps the one named by the template if it exists, else the
// first in the file, and never adds another next to existing ones.
func pickClientsName(template string, existing []*rule.Rule) string {
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
