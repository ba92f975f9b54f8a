package syntax

import (
	"regexp"
	"strings"
)

// Bare and quoted names. A field, parameter or method name is written
// bare (created_at, service.start) or as a string literal holding the wire
// name verbatim ("currentLogs", "x-trace"). These helpers tell which form
// a name can take, so the formatter and the schema printer write the bare
// form whenever it says the same thing.

var (
	bareNameRE   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	bareMethodRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
)

// IsBareName reports whether name is a valid bare field or parameter
// name: snake_case, [a-z][a-z0-9_]*.
func IsBareName(name string) bool { return bareNameRE.MatchString(name) }

// IsBareMethodName reports whether name is a valid bare method name:
// snake_case segments joined by dots (play_start, service.start).
func IsBareMethodName(name string) bool { return bareMethodRE.MatchString(name) }

// FieldName writes a field or parameter name: bare when IsBareName,
// otherwise quoted.
func FieldName(name string) string {
	if IsBareName(name) {
		return name
	}
	return Quote(name)
}

// MethodName writes a method name: bare when IsBareMethodName,
// otherwise quoted.
func MethodName(name string) string {
	if IsBareMethodName(name) {
		return name
	}
	return Quote(name)
}

var quoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)

// Quote writes s as a string literal with the escapes the lexer knows
// (\" \\ \n \t); every other character is written as is.
func Quote(s string) string { return `"` + quoter.Replace(s) + `"` }
