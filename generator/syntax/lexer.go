package syntax

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lhumina-code/rules_oschema/generator/model"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tEOF tokKind = iota
	tNewline
	tComment // "# ..." to end of line; text is everything after "#"
	tIdent   // a name, possibly dotted (service.start)
	tString  // text is the decoded value
	tInt     // text is the literal, possibly with a leading "-"
	tAssign  // =
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tLParen
	tRParen
	tColon
	tQuestion
	tComma
	tPipe
	tArrow // ->
	tAt    // @
	tIllegal
)

var tokNames = [...]string{
	tEOF: "end of file", tNewline: "end of line", tComment: "comment", tIdent: "name",
	tString: "string", tInt: "integer", tAssign: `"="`, tLBrace: `"{"`, tRBrace: `"}"`,
	tLBrack: `"["`, tRBrack: `"]"`, tLParen: `"("`, tRParen: `")"`, tColon: `":"`,
	tQuestion: `"?"`, tComma: `","`, tPipe: `"|"`, tArrow: `"->"`, tAt: `"@"`,
	tIllegal: "invalid character",
}

func (k tokKind) String() string { return tokNames[k] }

type token struct {
	kind tokKind
	text string
	pos  model.Pos
	// raw is the source text of the token (strings keep their quotes).
	raw string
}

// describe names the token for "expected X, found Y" messages.
func (t token) describe() string {
	switch t.kind {
	case tIdent:
		return strconv.Quote(t.text)
	case tString:
		return "string " + t.raw
	case tInt:
		return "integer " + t.text
	case tIllegal:
		return "invalid character " + strconv.Quote(t.text)
	}
	return t.kind.String()
}

// lexError is a problem found by the lexer.
type lexError struct {
	pos  model.Pos
	msg  string
	hint string
}

// lex splits src into tokens. It always advances and always ends with
// tEOF; problems are returned alongside, the offending text becomes a
// tIllegal token (or a best-effort token) so the parser can go on.
func lex(path string, src []byte) ([]token, []lexError) {
	toks := make([]token, 0, len(src)/4+1)
	var errs []lexError
	line, col := 1, 1
	i := 0
	pos := func() model.Pos { return model.Pos{File: path, Line: line, Col: col} }
	// adv moves past n bytes that contain no newline.
	adv := func(n int) {
		col += utf8.RuneCount(src[i : i+n])
		i += n
	}
	for i < len(src) {
		c := src[i]
		p := pos()
		switch {
		case c == '\n':
			toks = append(toks, token{kind: tNewline, pos: p, raw: "\n"})
			i++
			line++
			col = 1
		case c == ' ' || c == '\t' || c == '\r':
			adv(1)
		case c == '#':
			j := i
			for j < len(src) && src[j] != '\n' {
				j++
			}
			raw := strings.TrimRight(string(src[i:j]), "\r")
			toks = append(toks, token{kind: tComment, text: raw[1:], pos: p, raw: raw})
			adv(j - i)
		case isLetter(c):
			// A name; dots join names into one dotted name (service.start),
			// which only a method may have: the parser says so elsewhere.
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j]) || src[j] == '.') {
				j++
			}
			s := string(src[i:j])
			toks = append(toks, token{kind: tIdent, text: s, pos: p, raw: s})
			adv(j - i)
		case isDigit(c) || (c == '-' && i+1 < len(src) && isDigit(src[i+1])):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || isLetter(src[j])) {
				j++
			}
			s := string(src[i:j])
			toks = append(toks, token{kind: tInt, text: s, pos: p, raw: s})
			adv(j - i)
		case c == '"':
			j := i + 1
			var b strings.Builder
			closed := false
			for j < len(src) && src[j] != '\n' {
				if src[j] == '"' {
					closed = true
					j++
					break
				}
				if src[j] == '\\' && j+1 < len(src) && src[j+1] != '\n' {
					switch src[j+1] {
					case '"', '\\':
						b.WriteByte(src[j+1])
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						ep := p
						ep.Col += utf8.RuneCount(src[i:j])
						errs = append(errs, lexError{pos: ep, msg: "unknown escape sequence \\" + string(src[j+1]),
							hint: `strings know \" \\ \n and \t`})
						b.WriteByte(src[j+1])
					}
					j += 2
					continue
				}
				b.WriteByte(src[j])
				j++
			}
			if !closed {
				errs = append(errs, lexError{pos: p, msg: "string not terminated", hint: `close it with " on the same line`})
			}
			s := b.String()
			if !utf8.ValidString(s) {
				errs = append(errs, lexError{pos: p, msg: "string is not valid UTF-8"})
				s = strings.ToValidUTF8(s, "\uFFFD")
			}
			toks = append(toks, token{kind: tString, text: s, pos: p, raw: string(src[i:j])})
			adv(j - i)
		case c == '-' && i+1 < len(src) && src[i+1] == '>':
			toks = append(toks, token{kind: tArrow, pos: p, raw: "->"})
			adv(2)
		default:
			k := tIllegal
			switch c {
			case '=':
				k = tAssign
			case '{':
				k = tLBrace
			case '}':
				k = tRBrace
			case '[':
				k = tLBrack
			case ']':
				k = tRBrack
			case '(':
				k = tLParen
			case ')':
				k = tRParen
			case ':':
				k = tColon
			case '?':
				k = tQuestion
			case ',':
				k = tComma
			case '|':
				k = tPipe
			case '@':
				k = tAt
			}
			n := 1
			if k == tIllegal {
				r, size := utf8.DecodeRune(src[i:])
				n = size
				s := string(r)
				if r == utf8.RuneError && size <= 1 {
					s = string(src[i : i+1])
				}
				toks = append(toks, token{kind: k, text: s, pos: p, raw: s})
			} else {
				toks = append(toks, token{kind: k, text: string(c), pos: p, raw: string(c)})
			}
			adv(n)
		}
	}
	toks = append(toks, token{kind: tEOF, pos: pos()})
	return toks, errs
}

func isLetter(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
