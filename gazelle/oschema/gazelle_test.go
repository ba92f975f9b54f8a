package oschema_test

import (
	"bytes"
	"flag"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/resolve"
	"github.com/bazelbuild/bazel-gazelle/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/gazelle/internal/update"
	"github.com/lhumina-code/rules_oschema/gazelle/oschema"
)

// TestGolden runs Gazelle (Gazelle's own walk, merger and resolver, see
// gazelle/internal/update) with this extension over each testdata/<case>
// tree, the way Gazelle's testtools cases work: BUILD.in files become
// BUILD.bazel before the run; afterwards every BUILD.bazel must equal the
// BUILD.want next to it (and a directory without BUILD.want must have no
// BUILD.bazel), and everything Gazelle logged must equal log.want (empty
// when absent). A second run must change nothing.
//
// UPDATE_GOLDEN=1 rewrites BUILD.want and log.want from the output.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata")
	require.NoError(t, err)
	for _, tc := range cases {
		if !tc.IsDir() {
			continue
		}
		name := tc.Name()
		t.Run(name, func(t *testing.T) { runGolden(t, filepath.Join("testdata", name)) })
	}
}

// fileSpec is one input file of a case, as in Gazelle's testtools.
type fileSpec struct{ Path, Content string }

// createFiles writes files into a fresh temporary directory (removed
// after the test) and returns its canonical path.
func createFiles(t *testing.T, files []fileSpec) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(f.Content), 0o644))
	}
	return root
}

func runGolden(t *testing.T, caseDir string) {
	var inputs []fileSpec
	wants := map[string]string{} // dir -> BUILD.want content
	logWant := ""
	var args []string // extra Gazelle flags, from arguments.txt
	err := filepath.Walk(caseDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(caseDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch filepath.Base(rel) {
		case "BUILD.in":
			inputs = append(inputs, fileSpec{Path: strings.TrimSuffix(rel, ".in") + ".bazel", Content: string(content)})
		case "BUILD.want":
			wants[filepath.Dir(rel)] = string(content)
		case "log.want":
			logWant = string(content)
		case "arguments.txt":
			args = strings.Fields(string(content))
		default:
			inputs = append(inputs, fileSpec{Path: rel, Content: string(content)})
		}
		return nil
	})
	require.NoError(t, err)
	inputs = append(inputs, fileSpec{Path: "WORKSPACE", Content: ""})
	root := createFiles(t, inputs)

	logs := runGazelle(t, root, args...)
	builds := readBuildFiles(t, root)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		updateGolden(t, caseDir, builds, logs)
		return
	}

	var gotDirs, wantDirs []string
	for d := range builds {
		gotDirs = append(gotDirs, d)
	}
	for d := range wants {
		wantDirs = append(wantDirs, d)
	}
	sort.Strings(gotDirs)
	sort.Strings(wantDirs)
	assert.Equal(t, wantDirs, gotDirs, "directories with a BUILD file")
	for d, want := range wants {
		assert.Equal(t, strings.TrimSpace(want), strings.TrimSpace(builds[d]), "%s/BUILD.bazel", d)
	}
	checkLog(t, logWant, logs)

	// Idempotence: the output is a fixed point of Gazelle.
	runGazelle(t, root, args...)
	assert.Equal(t, builds, readBuildFiles(t, root), "second run changed BUILD files")
}

// checkLog compares what Gazelle logged with log.want, line by line: each
// logged message line must start with the wanted line, so a want line
// "a/x.oschema:2:8: " pins a parser diagnostic to its position without
// depending on the parser's wording. Indented lines (the source line,
// caret and hint under a diagnostic) are not compared.
func checkLog(t *testing.T, want, got string) {
	t.Helper()
	var wantLines, gotLines []string
	for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
		if l != "" {
			wantLines = append(wantLines, l)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "\t") {
			gotLines = append(gotLines, l)
		}
	}
	ok := len(wantLines) == len(gotLines)
	for i := 0; ok && i < len(wantLines); i++ {
		ok = strings.HasPrefix(gotLines[i], wantLines[i])
	}
	if !ok {
		t.Errorf("log output does not match log.want\n--- want (line prefixes):\n%s\n--- got:\n%s", strings.Join(wantLines, "\n"), got)
	}
}

// runGazelle runs the update in root, with Gazelle's flags args, and
// returns what it logged.
func runGazelle(t *testing.T, root string, args ...string) string {
	t.Helper()
	var buf bytes.Buffer
	flags, out := log.Flags(), log.Writer()
	log.SetFlags(0)
	log.SetOutput(&buf)
	defer func() { log.SetFlags(flags); log.SetOutput(out) }()
	langs := []language.Language{oschema.NewLanguage()}
	require.NoError(t, update.Run(langs, append([]string{"-repo_root", root}, args...)))
	return strings.Replace(buf.String(), root+string(filepath.Separator), "", -1)
}

// readBuildFiles maps each directory (relative, "." for the root) to its
// BUILD.bazel content.
func readBuildFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() != "BUILD.bazel" {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		content, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(content)
		return err
	})
	require.NoError(t, err)
	return out
}

func updateGolden(t *testing.T, caseDir string, builds map[string]string, logs string) {
	for d, content := range builds {
		require.NoError(t, os.WriteFile(filepath.Join(caseDir, d, "BUILD.want"), []byte(content), 0o644))
	}
	logPath := filepath.Join(caseDir, "log.want")
	if logs == "" {
		if err := os.Remove(logPath); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return
	}
	require.NoError(t, os.WriteFile(logPath, []byte(logs), 0o644))
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// An oschema_go_library is indexed under its importpath, and a Go import of
// that path resolves to it through Gazelle's own RuleIndex: no Go rule
// provides it, so the index asks its cross resolvers, and this extension
// answers. Imports of other languages, and Go imports nothing provides, get
// no answer.
func TestCrossResolveGoImport(t *testing.T) {
	lang := oschema.NewLanguage()
	c := config.New()
	lang.RegisterFlags(flag.NewFlagSet("test", flag.ContinueOnError), "update", c)
	f, err := rule.LoadData("svc/BUILD.bazel", "svc", []byte(`
oschema_library(name = "svc_schema", srcs = ["00_svc.oschema"])

oschema_go_library(
    name = "svc_go",
    importpath = "example.com/repo/svc",
    schema = ":svc_schema",
)
`))
	require.NoError(t, err)
	ix := resolve.NewRuleIndex(func(r *rule.Rule, pkgRel string) resolve.Resolver {
		if _, ok := lang.Kinds()[r.Kind()]; ok {
			return lang
		}
		return nil
	}, lang)
	for _, r := range f.Rules {
		ix.AddRule(c, r, f)
	}
	ix.Finish()

	goImp := resolve.ImportSpec{Lang: "go", Imp: "example.com/repo/svc"}
	res := ix.FindRulesByImportWithConfig(c, goImp, "go")
	require.Len(t, res, 1)
	assert.Equal(t, "//svc:svc_go", res[0].Label.String())

	assert.Empty(t, ix.FindRulesByImportWithConfig(c, resolve.ImportSpec{Lang: "go", Imp: "example.com/repo/other"}, "go"))
	assert.Empty(t, ix.FindRulesByImportWithConfig(c, goImp, "proto"), "only Go rules depend on an oschema_go_library")
	// The schema import still finds the oschema_library, not the Go library.
	res = ix.FindRulesByImportWithConfig(c, resolve.ImportSpec{Lang: "oschema", Imp: "svc"}, "oschema")
	require.Len(t, res, 1)
	assert.Equal(t, "//svc:svc_schema", res[0].Label.String())
}

// An oschema_py_library is indexed under its module, and a Python import
// (language "py", as rules_python's Gazelle extension asks) of that module
// resolves to it; a Go import of the same string does not.
func TestCrossResolvePyImport(t *testing.T) {
	lang := oschema.NewLanguage()
	c := config.New()
	lang.RegisterFlags(flag.NewFlagSet("test", flag.ContinueOnError), "update", c)
	f, err := rule.LoadData("svc/BUILD.bazel", "svc", []byte(`
oschema_library(name = "svc_schema", srcs = ["00_svc.oschema"])

oschema_py_library(
    name = "svc_py",
    module = "svc_client",
    schema = ":svc_schema",
)
`))
	require.NoError(t, err)
	ix := resolve.NewRuleIndex(func(r *rule.Rule, pkgRel string) resolve.Resolver {
		if _, ok := lang.Kinds()[r.Kind()]; ok {
			return lang
		}
		return nil
	}, lang)
	for _, r := range f.Rules {
		ix.AddRule(c, r, f)
	}
	ix.Finish()

	pyImp := resolve.ImportSpec{Lang: "py", Imp: "svc_client"}
	res := ix.FindRulesByImportWithConfig(c, pyImp, "py")
	require.Len(t, res, 1)
	assert.Equal(t, "//svc:svc_py", res[0].Label.String())
	assert.Empty(t, ix.FindRulesByImportWithConfig(c, resolve.ImportSpec{Lang: "py", Imp: "other"}, "py"))
	assert.Empty(t, ix.FindRulesByImportWithConfig(c, resolve.ImportSpec{Lang: "go", Imp: "svc_client"}, "go"))
	assert.Empty(t, ix.FindRulesByImportWithConfig(c, pyImp, "go"), "only Python rules depend on an oschema_py_library")
}
