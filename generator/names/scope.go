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
	builtin  map[string]bool   // identifiers the generated code itself defines or uses
}

// NewScope returns a scope for language whose identifiers match ident, with
// the names in reserved already taken by what (e.g. "a name client.py
// defines").
func NewScope(language string, ident *regexp.Regexp, reserved []string, what string) *Scope {
	s := &Scope{language: language, ident: ident, taken: map[string]string{}, builtin: map[string]bool{}}
	for _, n := range reserved {
		s.taken[n] = what
		s.builtin[n] = true
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

// ClaimEscaped is Claim, except that a name the generated code itself
// defines or uses (one of the reserved names of NewScope) is escaped with
// EscapeTaken instead of refused: a decl named Error becomes Error_ in a
// language whose generated code uses Error. It returns the name taken.
// Names of the schema never end in "_" after Pascal, so the escaped name
// cannot collide with another schema name; a collision between two schema
// names is still an error.
func (s *Scope) ClaimEscaped(name, what string) (string, error) {
	name = EscapeTaken(name, func(n string) bool { return s.builtin[n] })
	return name, s.Claim(name, what)
}

// EscapeTaken appends "_" to name until taken(name) is false.
func EscapeTaken(name string, taken func(string) bool) string {
	for taken(name) {
		name += "_"
	}
	return name
}
