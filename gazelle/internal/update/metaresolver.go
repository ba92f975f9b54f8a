package update

import (
	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/label"
	"github.com/bazelbuild/bazel-gazelle/repo"
	"github.com/bazelbuild/bazel-gazelle/resolve"
	"github.com/bazelbuild/bazel-gazelle/rule"
)

// metaResolver finds the language that resolves a rule, through kinds
// renamed by map_kind; a copy of cmd/gazelle's metaresolver.go.
type metaResolver struct {
	builtins    map[string]resolve.Resolver
	mappedKinds map[string][]config.MappedKind
}

func newMetaResolver() *metaResolver {
	return &metaResolver{
		builtins:    map[string]resolve.Resolver{},
		mappedKinds: map[string][]config.MappedKind{},
	}
}

func (mr *metaResolver) resolver(r *rule.Rule, pkgRel string) resolve.Resolver {
	for _, mk := range mr.mappedKinds[pkgRel] {
		if mk.KindName == r.Kind() {
			from := mr.builtins[mk.FromKind]
			if from == nil {
				return nil
			}
			return inverseMapKindResolver{fromKind: mk.FromKind, delegate: from}
		}
	}
	return mr.builtins[r.Kind()]
}

// inverseMapKindResolver shows the language its own kind name.
type inverseMapKindResolver struct {
	fromKind string
	delegate resolve.Resolver
}

func (m inverseMapKindResolver) Name() string { return m.delegate.Name() }

func (m inverseMapKindResolver) Imports(c *config.Config, r *rule.Rule, f *rule.File) []resolve.ImportSpec {
	return m.delegate.Imports(c, m.unmap(r), f)
}

func (m inverseMapKindResolver) Embeds(r *rule.Rule, from label.Label) []label.Label {
	return m.delegate.Embeds(m.unmap(r), from)
}

func (m inverseMapKindResolver) Resolve(c *config.Config, ix *resolve.RuleIndex, rc *repo.RemoteCache, r *rule.Rule, imports interface{}, from label.Label) {
	m.delegate.Resolve(c, ix, rc, m.unmap(r), imports, from)
}

func (m inverseMapKindResolver) unmap(r *rule.Rule) *rule.Rule {
	cp := *r
	cp.SetKind(m.fromKind)
	return &cp
}
