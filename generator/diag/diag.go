// Package diag holds the diagnostics of the .oschema front end. Every
// diagnostic renders as
//
//	path:line:col: message
//	    the source line
//	    ^
//	    hint: how to fix it
//
// so editors can jump to it and people can read it without opening the
// file. Lines and columns are 1-based; columns count characters (runes).
package diag

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/lhumina-code/rules_oschema/generator/model"
)

// MaxErrors caps a List: more diagnostics than this are summarised by a
// final "too many errors" entry.
const MaxErrors = 50

// Diagnostic is one problem in a schema.
type Diagnostic struct {
	Pos    model.Pos // zero when the problem has no source position
	Msg    string    // what is wrong, no trailing period
	Hint   string    // how to fix it, "" if there is nothing useful to say
	Source string    // the source line Pos points into, without newline
}

// String renders the diagnostic: position and message, then the source
// line with a caret under the column, then the hint.
func (d *Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		b.WriteString(d.Pos.File)
		if d.Pos.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Pos.Line)
			if d.Pos.Col > 0 {
				fmt.Fprintf(&b, ":%d", d.Pos.Col)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	if d.Source != "" && d.Pos.Col > 0 {
		b.WriteString("\n    ")
		b.WriteString(d.Source)
		b.WriteString("\n    ")
		b.WriteString(caretPad(d.Source, int(d.Pos.Col)))
		b.WriteString("^")
	}
	if d.Hint != "" {
		b.WriteString("\n    hint: ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// caretPad returns the whitespace that puts a caret under column col of
// line, copying tabs so the caret lines up however tabs are displayed.
func caretPad(line string, col int) string {
	var b strings.Builder
	i := 1
	for _, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		i++
	}
	for ; i < col; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}

// List is a list of diagnostics. A non-empty List is an error; use
// errors.As to get it back from an error returned by the front end.
type List []*Diagnostic

// Error renders every diagnostic, one block after the other.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// Err returns the sorted, deduplicated, capped list, or nil if l is empty.
// Return it as an error, never the List itself: a nil List in an error
// interface is not a nil error.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sorted()
}

// Sorted returns the diagnostics sorted by file, line, column and message,
// without duplicates, capped at MaxErrors.
func (l List) Sorted() List {
	out := make(List, 0, len(l))
	out = append(out, l...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d.Pos == out[i-1].Pos && d.Msg == out[i-1].Msg {
			continue
		}
		dedup = append(dedup, d)
	}
	if len(dedup) > MaxErrors {
		more := len(dedup) - MaxErrors
		dedup = append(dedup[:MaxErrors:MaxErrors], &Diagnostic{
			Msg: fmt.Sprintf("too many errors (%d more not shown)", more),
		})
	}
	return dedup
}

// Reporter collects diagnostics and fills in their source lines from the
// files it was given.
type Reporter struct {
	files map[string][]byte
	lines map[string][]int // start offsets of lines, computed on first use
	List  List
}

// NewReporter returns a Reporter with no files.
func NewReporter() *Reporter {
	return &Reporter{files: map[string][]byte{}, lines: map[string][]int{}}
}

// AddFile registers the source of path so diagnostics in it show the line.
func (r *Reporter) AddFile(path string, src []byte) {
	r.files[path] = src
	delete(r.lines, path)
}

// line returns line n of file path, "" if unknown.
func (r *Reporter) line(path string, n int) string {
	src, ok := r.files[path]
	if !ok || n <= 0 {
		return ""
	}
	starts, ok := r.lines[path]
	if !ok {
		starts = []int{0}
		for i, c := range src {
			if c == '\n' {
				starts = append(starts, i+1)
			}
		}
		r.lines[path] = starts
	}
	if n > len(starts) {
		return ""
	}
	end := len(src)
	if n < len(starts) {
		end = starts[n] - 1
	}
	return strings.TrimRight(string(src[starts[n-1]:end]), "\r")
}

// Errorf records a diagnostic at pos with a hint ("" for none).
func (r *Reporter) Errorf(pos model.Pos, hint, format string, args ...interface{}) {
	r.List = append(r.List, &Diagnostic{
		Pos:    pos,
		Msg:    fmt.Sprintf(format, args...),
		Hint:   hint,
		Source: r.line(pos.File, int(pos.Line)),
	})
}

// Append adds already-built diagnostics (for example a parser's).
func (r *Reporter) Append(l List) { r.List = append(r.List, l...) }

// SourceLine returns line n (1-based) of src without its line ending, or
// "" if there is no such line.
func SourceLine(src []byte, n int) string {
	if n <= 0 {
		return ""
	}
	line := 1
	start := 0
	for i := 0; i < len(src) && line < n; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	if line != n {
		return ""
	}
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	if n == 1 {
		start += len(bom(src))
	}
	return printable(strings.TrimRight(string(src[start:end]), "\r"))
}

// bom returns the UTF-8 byte order mark src starts with, or nothing.
func bom(src []byte) []byte {
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		return src[:3]
	}
	return nil
}

// printable replaces each byte of line that is not UTF-8 and each NUL by
// U+FFFD, one for one, so the caret still lines up.
func printable(line string) string {
	if utf8.ValidString(line) && strings.IndexByte(line, 0) < 0 {
		return line
	}
	var b strings.Builder
	for _, r := range line {
		if r == 0 {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}
