package oschema

import (
	"flag"
	"fmt"
	"log"
	"path"
	"path/filepath"
	"strings"

	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/rule"
)

// Directive keys, all documented in gazelle/README.md.
const (
	enabledDirective       = "oschema"
	artifactsDirective     = "oschema_artifacts"
	libraryNamingDirective = "oschema_library_naming"
	clientsNamingDirective = "oschema_clients_naming"
	writebackDirective     = "oschema_writeback"
	goLibraryDirective     = "oschema_go_library"
	languagesDirective     = "oschema_languages"
	// prefixDirective is Gazelle's Go language's; only read here.
	prefixDirective = "prefix"
)

// Default naming templates; "{dirname}" is the directory's base name.
const (
	defaultLibraryNaming = "{dirname}_schema"
	defaultClientsNaming = "clients"
	dirnamePlaceholder   = "{dirname}"
)

// knownArtifacts are the artifact names oschema_clients accepts. It mirrors
// generator/artifacts (checked by TestKnownArtifactsMatchRegistry) instead
// of importing it, so the Gazelle binary does not link every emitter.
var knownArtifacts = []string{"all", "go", "js", "openrpc", "python", "rust_client", "rust_server", "rust_types"}

// Config is the oschema configuration of one directory. Directives in a
// BUILD file apply to its directory and every directory below it.
type Config struct {
	// Enabled is false under "# gazelle:oschema disabled": Gazelle then
	// neither creates nor updates nor deletes oschema targets there.
	Enabled bool
	// Artifacts is the artifacts attribute of the oschema_clients target
	// Gazelle maintains, when ArtifactsSet (a "# gazelle:oschema_artifacts"
	// directive applies here); nil then means the rule's default (no
	// attribute). Without a directive the attribute is the user's.
	Artifacts    []string
	ArtifactsSet bool
	// LibraryNaming and ClientsNaming are target name templates.
	LibraryNaming string
	ClientsNaming string
	// Writeback false writes writeback = False on oschema_clients. Like
	// Artifacts, Gazelle owns the attribute only when WritebackSet.
	Writeback    bool
	WritebackSet bool
	// GoLibrary is true under "# gazelle:oschema_go_library on" or an
	// "# gazelle:oschema_languages" list naming go: each schema with a
	// service also gets an oschema_go_library.
	GoLibrary bool
	// PyLibrary is true under an "# gazelle:oschema_languages" list naming
	// py: each schema with a service also gets an oschema_py_library.
	PyLibrary bool

	// goPrefix is the Go import path of goPrefixRel, from the nearest
	// "# gazelle:prefix" directive (Gazelle's Go language's own, read here
	// too so that the extension need not link the Go language).
	goPrefix, goPrefixRel string
	goPrefixSet           bool
}

// importPath is the Go import path of the directory rel, inferred from
// gazelle:prefix exactly as Gazelle's Go language infers it
// (language/go.InferImportPath).
func (c *Config) importPath(rel string) string {
	if rel == c.goPrefixRel {
		return c.goPrefix
	}
	return path.Join(c.goPrefix, strings.TrimPrefix(rel, c.goPrefixRel+"/"))
}

// DefaultConfig is the configuration of a tree without directives.
func DefaultConfig() *Config {
	return &Config{
		Enabled:       true,
		LibraryNaming: defaultLibraryNaming,
		ClientsNaming: defaultClientsNaming,
		Writeback:     true,
	}
}

func (c *Config) clone() *Config {
	cc := *c
	if c.Artifacts != nil {
		cc.Artifacts = append([]string{}, c.Artifacts...)
	}
	return &cc
}

// getConfig returns the oschema configuration stored in c, or the default
// one when Configure has not run (e.g. in unit tests of Resolve).
func getConfig(c *config.Config) *Config {
	if oc, ok := c.Exts[languageName].(*Config); ok {
		return oc
	}
	return DefaultConfig()
}

func (*oschemaLang) RegisterFlags(fs *flag.FlagSet, cmd string, c *config.Config) {
	c.Exts[languageName] = DefaultConfig()
}

func (*oschemaLang) CheckFlags(fs *flag.FlagSet, c *config.Config) error { return nil }

func (*oschemaLang) KnownDirectives() []string {
	return []string{
		enabledDirective,
		artifactsDirective,
		libraryNamingDirective,
		clientsNamingDirective,
		writebackDirective,
		goLibraryDirective,
		languagesDirective,
		prefixDirective,
	}
}

// Configure applies the directives of the BUILD file in rel (f may be nil)
// on top of the parent directory's configuration. A directive with an
// invalid value is reported and ignored, so the inherited value stays.
func (*oschemaLang) Configure(c *config.Config, rel string, f *rule.File) {
	oc := getConfig(c).clone()
	c.Exts[languageName] = oc
	if f == nil {
		return
	}
	where := path.Join(rel, filepath.Base(f.Path))
	for _, d := range f.Directives {
		if d.Key == prefixDirective {
			// Validity is the Go language's business; it reports errors.
			oc.goPrefix, oc.goPrefixRel, oc.goPrefixSet = strings.TrimSpace(d.Value), rel, true
			continue
		}
		if err := applyDirective(oc, d.Key, d.Value); err != nil {
			log.Printf("%s: %v", where, err)
		}
	}
	if oc.LibraryNaming == oc.ClientsNaming {
		log.Printf("%s: invalid gazelle:%s and gazelle:%s: both name targets %q; using the defaults", where, libraryNamingDirective, clientsNamingDirective, oc.LibraryNaming)
		oc.LibraryNaming, oc.ClientsNaming = defaultLibraryNaming, defaultClientsNaming
	}
}

// applyDirective sets one directive on oc, or returns why its value is
// invalid without changing oc.
func applyDirective(oc *Config, key, value string) error {
	value = strings.TrimSpace(value)
	switch key {
	case enabledDirective:
		switch value {
		case "enabled":
			oc.Enabled = true
		case "disabled":
			oc.Enabled = false
		default:
			return fmt.Errorf("invalid gazelle:%s value %q: want enabled or disabled", key, value)
		}
	case artifactsDirective:
		list, err := parseArtifacts(value)
		if err != nil {
			return fmt.Errorf("invalid gazelle:%s value %q: %v", key, value, err)
		}
		oc.Artifacts, oc.ArtifactsSet = list, true
	case libraryNamingDirective, clientsNamingDirective:
		if err := checkNaming(value); err != nil {
			return fmt.Errorf("invalid gazelle:%s value %q: %v", key, value, err)
		}
		if key == libraryNamingDirective {
			oc.LibraryNaming = value
		} else {
			oc.ClientsNaming = value
		}
	case goLibraryDirective:
		switch value {
		case "on":
			oc.GoLibrary = true
		case "off":
			oc.GoLibrary = false
		default:
			return fmt.Errorf("invalid gazelle:%s value %q: want on or off", key, value)
		}
	case languagesDirective:
		langs, err := parseLanguages(value)
		if err != nil {
			return fmt.Errorf("invalid gazelle:%s value %q: %v", key, value, err)
		}
		oc.GoLibrary, oc.PyLibrary = langs[goLanguage], langs[pyLanguage]
	case writebackDirective:
		switch value {
		case "true":
			oc.Writeback, oc.WritebackSet = true, true
		case "false":
			oc.Writeback, oc.WritebackSet = false, true
		default:
			return fmt.Errorf("invalid gazelle:%s value %q: want true or false", key, value)
		}
	}
	return nil
}

// Names in an oschema_languages list: the language targets Gazelle writes
// next to oschema_clients.
const (
	goLanguage = "go" // oschema_go_library
	pyLanguage = "py" // oschema_py_library
)

// parseLanguages parses "go,py": a set of known language names, order and
// repeats ignored. An empty value (or "none") is the empty set: no
// language targets.
func parseLanguages(value string) (map[string]bool, error) {
	out := map[string]bool{}
	if value == "" || value == "none" {
		return out, nil
	}
	for _, l := range strings.Split(value, ",") {
		l = strings.TrimSpace(l)
		switch l {
		case goLanguage, pyLanguage:
			out[l] = true
		case "":
			return nil, fmt.Errorf("empty language name")
		default:
			return nil, fmt.Errorf("unknown language %q; choose from %s, %s (or none)", l, goLanguage, pyLanguage)
		}
	}
	return out, nil
}

// parseArtifacts parses "python,js": known names, order kept, a name
// listed twice counted once, and "all" anywhere in the list standing for
// every artifact, so the result is ["all"]. That is what the CLI's
// -artifacts (generator/artifacts.Select) and the rule's artifacts
// attribute make of the same list (TestArtifactListsAgree). An empty
// value returns nil, which restores the rule's default.
func parseArtifacts(value string) ([]string, error) {
	if value == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(value, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			return nil, fmt.Errorf("empty artifact name")
		}
		if !isKnownArtifact(a) {
			return nil, fmt.Errorf("unknown artifact %q; choose from %s", a, strings.Join(knownArtifacts, ", "))
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if seen["all"] {
		return []string{"all"}, nil
	}
	return out, nil
}

func isKnownArtifact(a string) bool {
	for _, k := range knownArtifacts {
		if a == k {
			return true
		}
	}
	return false
}

// checkNaming accepts templates that expand to a valid Bazel target name:
// the only placeholder is {dirname}; no ':', '/', whitespace or quotes.
func checkNaming(template string) error {
	if template == "" {
		return fmt.Errorf("empty name template")
	}
	rest := strings.Replace(template, dirnamePlaceholder, "x", -1)
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("the only placeholder is %s", dirnamePlaceholder)
	}
	for _, r := range rest {
		ok := r == '_' || r == '-' || r == '.' || r == '+' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("character %q is not allowed in a target name", r)
		}
	}
	return nil
}

// expandNaming fills a naming template for the directory rel.
func expandNaming(template, rel string) string {
	return strings.Replace(template, dirnamePlaceholder, dirName(rel), -1)
}

// dirName is the schema's name: the base name of its directory. A schema
// at the repository root is named "root", not after the checkout's
// directory, so BUILD files do not depend on where the repository lives.
func dirName(rel string) string {
	if rel == "" {
		return "root"
	}
	return path.Base(rel)
}
