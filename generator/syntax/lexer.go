package syntax

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
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
	// Token texts are substrings of one copy of the source, not a string
	// each: on a large schema that was most of the parser's garbage.
	text := string(src)
	toks := make([]token, 0, len(src)/6+1)
	var errs []lexError
	var line, col int32 = 1, 1 // int32: a file would need 2 GiB to overflow it
	i := 0
	pos := func() model.Pos { return model.Pos{File: path, Line: line, Col: col} }
	// A UTF-8 byte order mark at the start is skipped (editors hide it);
	// positions on line 1 count from after it.
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		i = 3
	}
	// checkText reports the first byte of seg (a comment or string starting
	// at position p) that is not valid UTF-8, and the first NUL, at the byte.
	checkText := func(what string, p model.Pos, seg []byte) {
		badUTF8, nul := false, false
		col := p.Col
		for k := 0; k < len(seg); {
			r, size := utf8.DecodeRune(seg[k:])
			switch {
			case r == utf8.RuneError && size <= 1 && !badUTF8:
				badUTF8 = true
				errs = append(errs, lexError{pos: model.Pos{File: p.File, Line: p.Line, Col: col},
					msg:  fmt.Sprintf("%s is not valid UTF-8: byte 0x%02x", what, seg[k]),
					hint: "schema files are UTF-8: save the file as UTF-8, or remove the byte"})
			case r == 0 && !nul:
				nul = true
				errs = append(errs, lexError{pos: model.Pos{File: p.File, Line: p.Line, Col: col},
					msg: fmt.Sprintf("NUL byte in %s", what), hint: "remove it"})
			}
			k += size
			col++
		}
	}
	// adv moves past n bytes that contain no newline.
	adv := func(n int) {
		col += int32(utf8.RuneCount(src[i : i+n]))
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
			raw := strings.TrimRight(text[i:j], "\r")
			if !utf8.ValidString(raw) || strings.IndexByte(raw, 0) >= 0 {
				checkText("comment", p, src[i:j])
				raw = sanitize(raw)
			}
			toks = append(toks, token{kind: tComment, text: raw[1:], pos: p, raw: raw})
			adv(j - i)
		case isLetter(c) || startsNonASCIILetter(src[i:]):
			// A name; dots join names into one dotted name (service.start),
			// which only a method may have: the parser says so elsewhere.
			// Letters outside ASCII are taken into the name and reported
			// at the first of them, so the error points at it and the
			// parser sees one name ("Rëc"), not "R" and junk.
			j := i
			bad := -1
			for j < len(src) {
				if isLetter(src[j]) || isDigit(src[j]) || src[j] == '.' {
					j++
					continue
				}
				if r, size := utf8.DecodeRune(src[j:]); r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r)) {
					if bad < 0 {
						bad = j
					}
					j += size
					continue
				}
				break
			}
			s := text[i:j]
			if bad >= 0 {
				r, _ := utf8.DecodeRune(src[bad:])
				ep := p
				ep.Col += int32(utf8.RuneCount(src[i:bad]))
				errs = append(errs, lexError{pos: ep, msg: fmt.Sprintf("name %q has the non-ASCII letter %q: names are ASCII letters, digits and _", s, string(r)),
					hint: "names become identifiers of every target language: write the name with ASCII letters (a-z, A-Z)"})
			}
			toks = append(toks, token{kind: tIdent, text: s, pos: p, raw: s})
			adv(j - i)
		case isDigit(c) || (c == '-' && i+1 < len(src) && isDigit(src[i+1])):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || isLetter(src[j])) {
				j++
			}
			s := text[i:j]
			toks = append(toks, token{kind: tInt, text: s, pos: p, raw: s})
			adv(j - i)
		case c == '"':
			// The value is a substring of the source unless the string
			// has an escape; from the first one on it is built in b.
			j := i + 1
			var b strings.Builder
			escaped := false
			closed := false
			for j < len(src) && src[j] != '\n' {
				if src[j] == '"' {
					closed = true
					j++
					break
				}
				if src[j] == '\\' && j+1 < len(src) && src[j+1] != '\n' {
					if !escaped {
						escaped = true
						b.WriteString(text[i+1 : j])
					}
					switch src[j+1] {
					case '"', '\\':
						b.WriteByte(src[j+1])
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						ep := p
						ep.Col += int32(utf8.RuneCount(src[i:j]))
						errs = append(errs, lexError{pos: ep, msg: "unknown escape sequence \\" + string(src[j+1]),
							hint: `strings know \" \\ \n and \t`})
						b.WriteByte(src[j+1])
					}
					j += 2
					continue
				}
				if escaped {
					b.WriteByte(src[j])
				}
				j++
			}
			if !closed {
				errs = append(errs, lexError{pos: p, msg: "string not terminated", hint: `close it with " on the same line`})
			}
			var s string
			switch {
			case escaped:
				s = b.String()
			case closed:
				s = text[i+1 : j-1]
			default:
				s = text[i+1 : j]
			}
			if !utf8.Valid(src[i:j]) || strings.IndexByte(s, 0) >= 0 {
				checkText("string", p, src[i:j])
				s = sanitize(s)
			}
			toks = append(toks, token{kind: tString, text: s, pos: p, raw: text[i:j]})
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

// sanitize replaces each byte that is not UTF-8 and each NUL by U+FFFD
// (after an error is reported), so no output ever carries them.
func sanitize(s string) string {
	var b strings.Builder
	for k := 0; k < len(s); {
		r, size := utf8.DecodeRuneInString(s[k:])
		if r == 0 || (r == utf8.RuneError && size <= 1) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[k : k+size])
		}
		k += size
	}
	return b.String()
}

// startsNonASCIILetter reports whether b starts with a letter outside ASCII.
func startsNonASCIILetter(b []byte) bool {
	if len(b) == 0 || b[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRune(b)
	return unicode.IsLetter(r)
}

func isLetter(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
