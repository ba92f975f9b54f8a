// Package update runs Gazelle's update command in-process over a set of
// languages. It follows cmd/gazelle's runFixUpdate of Gazelle v0.25.0 step
// by step (walk, generate, map_kind, merge, index, resolve, fix loads,
// write), using Gazelle's own config, walk, merger and resolve packages.
// cmd/gazelle is a main package and cannot be imported; this copy of its
// driver lets the extension's golden tests and benchmark exercise real
// merge and resolve behaviour without Bazel.
package update

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/label"
	"github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/merger"
	"github.com/bazelbuild/bazel-gazelle/repo"
	"github.com/bazelbuild/bazel-gazelle/resolve"
	"github.com/bazelbuild/bazel-gazelle/rule"
	"github.com/bazelbuild/bazel-gazelle/walk"
)

type visit struct {
	rel         string
	c           *config.Config
	gen, empty  []*rule.Rule
	imports     []interface{}
	file        *rule.File
	mappedKinds []config.MappedKind
	mappedInfo  map[string]rule.KindInfo
}

// Run updates the BUILD files of the repository given by -repo_root (and
// the other flags Gazelle's common configurers and langs register), below
// the directories in the positional arguments (default: the whole tree).
func Run(langs []language.Language, args []string) error {
	cexts := []config.Configurer{
		&config.CommonConfigurer{},
		&walk.Configurer{},
		&resolve.Configurer{},
	}
	mr := newMetaResolver()
	kinds := map[string]rule.KindInfo{}
	var loads []rule.LoadInfo
	exts := make([]interface{}, 0, len(langs))
	for _, l := range langs {
		cexts = append(cexts, l)
		for kind, info := range l.Kinds() {
			mr.builtins[kind] = l
			kinds[kind] = info
		}
		loads = append(loads, l.Loads()...)
		exts = append(exts, l)
	}
	ix := resolve.NewRuleIndex(mr.resolver, exts...)

	c := config.New()
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	c.WorkDir = wd
	fs := flag.NewFlagSet("gazelle", flag.ContinueOnError)
	for _, cext := range cexts {
		cext.RegisterFlags(fs, "update", c)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, cext := range cexts {
		if err := cext.CheckFlags(fs, c); err != nil {
			return err
		}
	}
	dirs := []string{c.RepoRoot}
	if fs.NArg() > 0 {
		dirs = nil
		for _, d := range fs.Args() {
			dirs = append(dirs, filepath.Join(c.RepoRoot, d))
		}
	}
	mode := walk.VisitAllUpdateSubdirsMode
	if !c.IndexLibraries {
		mode = walk.UpdateSubdirsMode
	}

	var visits []visit
	walk.Walk(c, cexts, dirs, mode, func(dir, rel string, c *config.Config, update bool, f *rule.File, subdirs, regularFiles, genFiles []string) {
		if !update {
			if c.IndexLibraries && f != nil {
				for _, r := range f.Rules {
					ix.AddRule(c, r, f)
				}
			}
			return
		}
		active := filterLanguages(c, langs)
		if f != nil {
			for _, l := range active {
				l.Fix(c, f)
			}
		}
		var gen, empty []*rule.Rule
		var imports []interface{}
		for _, l := range active {
			res := l.GenerateRules(language.GenerateArgs{
				Config: c, Dir: dir, Rel: rel, File: f,
				Subdirs: subdirs, RegularFiles: regularFiles, GenFiles: genFiles,
				OtherEmpty: empty, OtherGen: gen,
			})
			if len(res.Gen) != len(res.Imports) {
				panic(fmt.Sprintf("%s: language %s generated %d rules but returned %d imports", rel, l.Name(), len(res.Gen), len(res.Imports)))
			}
			empty = append(empty, res.Empty...)
			gen = append(gen, res.Gen...)
			imports = append(imports, res.Imports...)
		}
		if f == nil && len(gen) == 0 {
			return
		}
		v := visit{rel: rel, c: c, gen: gen, empty: empty, imports: imports, mappedInfo: map[string]rule.KindInfo{}}
		for _, r := range gen {
			if repl, ok := c.KindMap[r.Kind()]; ok {
				v.mappedInfo[repl.KindName] = kinds[r.Kind()]
				v.mappedKinds = append(v.mappedKinds, repl)
				mr.mappedKinds[rel] = append(mr.mappedKinds[rel], repl)
				r.SetKind(repl.KindName)
			}
		}
		if f == nil {
			f = rule.EmptyFile(filepath.Join(dir, c.DefaultBuildFileName()), rel)
			for _, r := range gen {
				r.Insert(f)
			}
		} else {
			merger.MergeFile(f, empty, gen, merger.PreResolve, union(kinds, v.mappedInfo))
		}
		v.file = f
		visits = append(visits, v)
		if c.IndexLibraries {
			for _, r := range f.Rules {
				ix.AddRule(c, r, f)
			}
		}
	})
	ix.Finish()

	rc, cleanup := repo.NewRemoteCache(nil)
	defer cleanup()
	for _, v := range visits {
		for i, r := range v.gen {
			from := label.New(c.RepoName, v.rel, r.Name())
			if rslv := mr.resolver(r, v.rel); rslv != nil {
				rslv.Resolve(v.c, ix, rc, r, v.imports[i], from)
			}
		}
		merger.MergeFile(v.file, v.empty, v.gen, merger.PostResolve, union(kinds, v.mappedInfo))
	}

	for _, v := range visits {
		merger.FixLoads(v.file, applyKindMappings(v.mappedKinds, loads))
		content := v.file.Format()
		if bytes.Equal(content, v.file.Content) {
			continue
		}
		if err := os.WriteFile(v.file.Path, content, 0o666); err != nil {
			return err
		}
		v.file.Content = content
	}
	return nil
}

func filterLanguages(c *config.Config, langs []language.Language) []language.Language {
	if len(c.Langs) == 0 {
		return langs
	}
	var out []language.Language
	for _, l := range langs {
		for _, name := range c.Langs {
			if name == l.Name() {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func union(a, b map[string]rule.KindInfo) map[string]rule.KindInfo {
	if len(b) == 0 {
		return a
	}
	out := make(map[string]rule.KindInfo, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// applyKindMappings adds the loads of mapped kinds, as cmd/gazelle does.
func applyKindMappings(mapped []config.MappedKind, loads []rule.LoadInfo) []rule.LoadInfo {
	if len(mapped) == 0 {
		return loads
	}
	out := make([]rule.LoadInfo, len(loads))
	copy(out, loads)
	for _, mk := range mapped {
		merged := false
		for i, l := range out {
			if l.Name == mk.KindLoad {
				out[i].Symbols = append(append([]string{}, l.Symbols...), mk.KindName)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, rule.LoadInfo{Name: mk.KindLoad, Symbols: []string{mk.KindName}})
		}
	}
	return out
}
