package names

import (
	"fmt"
	"regexp"
)

// Scope hands out the identifiers of one namespace of generated code (a
// module's top level, say) and refuses collisions with a clear error, so an
// emitter never writes code that shadows its own names or fails to compile.
type Scope struct {
	language string
	ident    *regexp.Regexp
	taken    map[string]string // identifier -> what claimed it
}

// NewScope returns a scope for language whose identifiers match ident, with
// the names in reserved already taken by what (e.g. "a name client.py
// defines").
func NewScope(language string, ident *regexp.Regexp, reserved []string, what string) *Scope {
	s := &Scope{language: language, ident: ident, taken: map[string]string{}}
	for _, n := range reserved {
		s.taken[n] = what
	}
	return s
}

// Claim takes name for what ("decl Task", "method play_start"), or returns
// an error naming both claimants when it is taken or not an identifier.
func (s *Scope) Claim(name, what string) error {
	if !s.ident.MatchString(name) {
		return fmt.Errorf("%s: %q is not a %s identifier", what, name, s.language)
	}
	if prev, ok := s.taken[name]; ok {
		return fmt.Errorf("%s: %s name %s collides with %s", what, s.language, name, prev)
	}
	s.taken[name] = what
	return nil
}
