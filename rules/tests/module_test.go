package tests

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// Bazel 4.2.3 cannot run MODULE.bazel, so nothing else notices when its
// use_repo list falls behind the BUILD files (it missed
// com_github_pmezard_go_difflib, which the generator binary needs, so the
// default toolchain could not build under bzlmod). TestModuleUseRepo
// parses MODULE.bazel with buildtools and compares its use_repo lists of
// Gazelle's go_deps extension with the Go repositories (the go_repository
// names of deps.bzl) that the repository's BUILD files reference:
//
//   - every one a non-test rule references (the generator's first of all:
//     the default toolchain builds it) is in the non-dev use_repo;
//   - every one only test rules (go_test, testonly libraries) reference
//     is in either;
//   - every use_repo entry is a go_repository of deps.bzl and referenced.
//
// Under bazel test the BUILD files of other packages are not inputs of
// this test, so it runs in tools/test's `go test ./...` step.
func TestModuleUseRepo(t *testing.T) {
	if os.Getenv("TEST_SRCDIR") != "" {
		t.Skip("MODULE.bazel check: reads every BUILD file of the repository, which are not inputs under bazel test; runs in tools/test's `go test ./...` step")
	}
	root := testtool.RepoRoot(t)
	useRepo, devUseRepo := moduleUseRepos(t, filepath.Join(root, "MODULE.bazel"))
	goRepos := goRepositories(t, filepath.Join(root, "deps.bzl"))
	require.Contains(t, goRepos, "com_github_pmezard_go_difflib", "deps.bzl parsed")

	nonTest, testOnly := referencedRepos(t, root, goRepos)
	require.Contains(t, nonTest["com_github_pmezard_go_difflib"], "generator/cmd/oschema", "the generator's BUILD files are scanned")

	for repo, pkgs := range nonTest {
		assert.True(t, useRepo[repo], "MODULE.bazel: use_repo(go_deps, ...) misses %q, referenced by non-test rules in %v", repo, pkgs)
	}
	for repo, pkgs := range testOnly {
		if _, ok := nonTest[repo]; ok {
			continue
		}
		assert.True(t, useRepo[repo] || devUseRepo[repo], "MODULE.bazel: no use_repo lists %q, referenced by test rules in %v (a dev_dependency use_repo is enough)", repo, pkgs)
	}
	for _, list := range []map[string]bool{useRepo, devUseRepo} {
		for repo := range list {
			assert.True(t, goRepos[repo], "MODULE.bazel: use_repo lists %q, which is no go_repository of deps.bzl", repo)
			_, a := nonTest[repo]
			_, b := testOnly[repo]
			assert.True(t, a || b, "MODULE.bazel: use_repo lists %q, which no BUILD file references", repo)
		}
	}
	for repo := range devUseRepo {
		assert.False(t, useRepo[repo], "MODULE.bazel: %q is in both the dev and the non-dev use_repo", repo)
		_, used := nonTest[repo]
		assert.False(t, used, "MODULE.bazel: %q is a dev dependency but non-test rules use it", repo)
	}
}

// moduleUseRepos returns the repositories use_repo brings in from Gazelle's
// go_deps extension: those of non-dev usages, and those of
// dev_dependency = True usages.
func moduleUseRepos(t *testing.T, path string) (map[string]bool, map[string]bool) {
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := build.ParseModule(path, src)
	require.NoError(t, err)
	dev := map[string]bool{} // proxy variable -> dev_dependency
	useRepo, devUseRepo := map[string]bool{}, map[string]bool{}
	for _, stmt := range f.Stmt {
		if assign, ok := stmt.(*build.AssignExpr); ok {
			lhs, ok1 := assign.LHS.(*build.Ident)
			call, ok2 := assign.RHS.(*build.CallExpr)
			if !ok1 || !ok2 || callName(call) != "use_extension" || len(call.List) < 2 {
				continue
			}
			if stringValue(call.List[0]) != "@bazel_gazelle//:extensions.bzl" || stringValue(call.List[1]) != "go_deps" {
				continue
			}
			isDev := false
			for _, arg := range call.List[2:] {
				if kw, ok := arg.(*build.AssignExpr); ok && identName(kw.LHS) == "dev_dependency" {
					isDev = identName(kw.RHS) == "True"
				}
			}
			dev[lhs.Name] = isDev
			continue
		}
		call, ok := stmt.(*build.CallExpr)
		if !ok || callName(call) != "use_repo" || len(call.List) == 0 {
			continue
		}
		isDev, ok := dev[identName(call.List[0])]
		if !ok {
			continue
		}
		out := useRepo
		if isDev {
			out = devUseRepo
		}
		for _, arg := range call.List[1:] {
			if kw, ok := arg.(*build.AssignExpr); ok {
				arg = kw.RHS // use_repo(ext, local = "repo")
			}
			if s := stringValue(arg); s != "" {
				out[s] = true
			}
		}
	}
	require.NotEmpty(t, dev, "%s: no use_extension of @bazel_gazelle//:extensions.bzl go_deps", path)
	return useRepo, devUseRepo
}

// goRepositories are the names of the go_repository rules of deps.bzl.
func goRepositories(t *testing.T, path string) map[string]bool {
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := build.ParseBzl(path, src)
	require.NoError(t, err)
	out := map[string]bool{}
	build.Walk(f, func(x build.Expr, _ []build.Expr) {
		call, ok := x.(*build.CallExpr)
		if !ok || callName(call) != "go_repository" {
			return
		}
		for _, arg := range call.List {
			if kw, ok := arg.(*build.AssignExpr); ok && identName(kw.LHS) == "name" {
				out[stringValue(kw.RHS)] = true
			}
		}
	})
	return out
}

// referencedRepos walks the repository's BUILD files (not testdata, test
// fixtures, bazel-* or hidden directories) and returns, for each Go
// repository a label in a rule names, the packages referencing it from
// non-test rules and from test rules (*_test, or testonly = True: a
// test helper library).
func referencedRepos(t *testing.T, root string, goRepos map[string]bool) (map[string][]string, map[string][]string) {
	nonTest, testOnly := map[string][]string{}, map[string][]string{}
	add := func(m map[string][]string, repo, pkg string) {
		for _, p := range m[repo] {
			if p == pkg {
				return
			}
		}
		m[repo] = append(m[repo], pkg)
	}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if info.IsDir() {
			base := info.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "bazel-") || base == "testdata" || base == "node_modules" || rel == "rules/tests/fixture") {
				return filepath.SkipDir
			}
			return nil
		}
		if info.Name() != "BUILD.bazel" && info.Name() != "BUILD" {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := build.ParseBuild(rel, src)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		for _, stmt := range f.Stmt {
			call, ok := stmt.(*build.CallExpr)
			if !ok {
				continue
			}
			isTest := strings.HasSuffix(callName(call), "_test") || isTestonly(call)
			build.Walk(call, func(x build.Expr, _ []build.Expr) {
				s, ok := x.(*build.StringExpr)
				if !ok || !strings.HasPrefix(s.Value, "@") {
					return
				}
				repo := strings.TrimPrefix(s.Value, "@")
				if i := strings.Index(repo, "//"); i >= 0 {
					repo = repo[:i]
				}
				if !goRepos[repo] {
					return
				}
				if isTest {
					add(testOnly, repo, pkg)
				} else {
					add(nonTest, repo, pkg)
				}
			})
		}
		return nil
	})
	require.NoError(t, err)
	for _, m := range []map[string][]string{nonTest, testOnly} {
		for _, pkgs := range m {
			sort.Strings(pkgs)
		}
	}
	return nonTest, testOnly
}

func isTestonly(call *build.CallExpr) bool {
	for _, arg := range call.List {
		if kw, ok := arg.(*build.AssignExpr); ok && identName(kw.LHS) == "testonly" {
			return identName(kw.RHS) == "True"
		}
	}
	return false
}

func callName(call *build.CallExpr) string { return identName(call.X) }

func identName(x build.Expr) string {
	if id, ok := x.(*build.Ident); ok {
		return id.Name
	}
	return ""
}

func stringValue(x build.Expr) string {
	if s, ok := x.(*build.StringExpr); ok {
		return s.Value
	}
	return ""
}
