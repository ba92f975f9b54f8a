// Package names converts schema identifiers to the conventions of each
// target language and escapes the target languages' reserved words. The
// resolver uses the same functions to reject names that would collide after
// conversion, so every emitter can rely on converted names being unique.
package names

import (
	"strings"
	"unicode"
)

// Words splits an identifier into lower-case words at underscores and at
// case changes: "LogicVersion" -> [logic version], "play_start" -> [play
// start], "HTTPServer2" -> [http server2], "sid" -> [sid].
func Words(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
		case unicode.IsUpper(r):
			// Start a new word at a lower->upper edge, or at the last upper
			// of an acronym followed by a lower ("HTTPServer" -> HTTP|Server).
			if len(cur) > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// Snake returns snake_case: "LogicVersion" -> "logic_version".
func Snake(s string) string { return strings.Join(Words(s), "_") }

// ScreamingSnake returns SCREAMING_SNAKE_CASE: "not_found" -> "NOT_FOUND".
func ScreamingSnake(s string) string { return strings.ToUpper(Snake(s)) }

// Pascal returns PascalCase: "play_start" -> "PlayStart".
func Pascal(s string) string {
	var b strings.Builder
	for _, w := range Words(s) {
		b.WriteString(upperFirst(w))
	}
	return b.String()
}

// Camel returns camelCase: "play_start" -> "playStart".
func Camel(s string) string {
	p := Pascal(s)
	if p == "" {
		return p
	}
	rs := []rune(p)
	rs[0] = unicode.ToLower(rs[0])
	return string(rs)
}

// GoExported returns a Go exported name with Go's initialisms upper-cased:
// "sid" -> "Sid", "user_id" -> "UserID", "http_url" -> "HTTPURL".
func GoExported(s string) string {
	var b strings.Builder
	for _, w := range Words(s) {
		if goInitialisms[w] {
			b.WriteString(strings.ToUpper(w))
		} else {
			b.WriteString(upperFirst(w))
		}
	}
	return b.String()
}

func upperFirst(w string) string {
	if w == "" {
		return w
	}
	rs := []rune(w)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

// goInitialisms are the words golint writes in capitals.
var goInitialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true, "rhs": true,
	"rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true,
	"uri": true, "url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true,
	"xsrf": true, "xss": true,
}
