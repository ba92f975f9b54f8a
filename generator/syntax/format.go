package syntax

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format renders f in the canonical layout:
//
//   - 4-space indentation, one field, enum value (when commented),
//     parameter (when commented) or service member per line;
//   - at most one blank line in a row; none at the start or end of a
//     block or file; one blank line between top-level declarations
//     (consecutive imports stay together);
//   - in a run of lines without blank lines between them, "@index" starts
//     in one column, and trailing comments in one column after it;
//   - every comment is kept, as written after "#" (trailing spaces
//     removed), at the place it was, so doc comments keep their meaning.
//
// Format is idempotent, and the formatted file parses to the same model.
// It expects a file that parsed without errors.
func Format(f *File) []byte {
	w := &writer{}
	var prev Node
	for _, n := range f.Nodes {
		lead := leadingOf(n)
		if prev != nil {
			_, prevImp := prev.(*Import)
			_, curImp := n.(*Import)
			if !(prevImp && curImp) && !startsWithBlank(lead) {
				w.blank()
			}
		}
		w.trivia(lead, "", prev == nil, false)
		switch n := n.(type) {
		case *Import:
			w.line("", "import "+quote(n.Path), n.Comments)
		case *Decl:
			w.decl(n)
		case *Service:
			w.service(n)
		}
		prev = n
	}
	w.trivia(f.End, "", len(f.Nodes) == 0, true)
	return []byte(w.b.String())
}

func leadingOf(n Node) []Trivia {
	switch n := n.(type) {
	case *Import:
		return n.Leading
	case *Decl:
		return n.Leading
	case *Service:
		return n.Leading
	}
	return nil
}

func startsWithBlank(ts []Trivia) bool { return len(ts) > 0 && ts[0].Blank }

type writer struct {
	b strings.Builder
	// lastBlank is true after a blank line (or at the start), so blank
	// lines never repeat.
	lastBlank bool
	started   bool
	// atBlockStart is set while writing the first rows of a block, where
	// leading blank lines are dropped.
	atBlockStart bool
}

func (w *writer) blank() {
	if w.lastBlank || !w.started {
		return
	}
	w.b.WriteByte('\n')
	w.lastBlank = true
}

func (w *writer) raw(s string) {
	w.b.WriteString(s)
	w.b.WriteByte('\n')
	w.lastBlank = false
	w.started = true
}

// trivia writes comment and blank lines. At the start of a block blank
// lines before the first comment are dropped; at the end (atEnd) blank
// lines after the last comment are dropped.
func (w *writer) trivia(ts []Trivia, indent string, atStart, atEnd bool) {
	last := len(ts)
	if atEnd {
		for last > 0 && ts[last-1].Blank {
			last--
		}
	}
	for i, t := range ts[:last] {
		if t.Blank {
			if atStart && !anyComment(ts[:i]) {
				continue
			}
			w.blank()
			continue
		}
		w.raw(indent + "#" + trimRight(t.Comment))
	}
}

func anyComment(ts []Trivia) bool {
	for _, t := range ts {
		if !t.Blank {
			return true
		}
	}
	return false
}

func trimRight(s string) string { return strings.TrimRight(s, " \t\r") }

// line writes one code line with an optional trailing comment.
func (w *writer) line(indent, code string, c Comments) {
	if c.HasTrailing {
		code += "  #" + trimRight(c.Trailing)
	}
	w.raw(indent + code)
}

// row is one line of an aligned run: code, an optional "@index"-like
// middle part, an optional trailing comment, and the comment lines above.
type row struct {
	lead       []Trivia
	leadIndent string // indentation of the lead comments if not the rows'

	code    string
	mid     string
	comment string
	hasCmt  bool
}

// rows writes rows, aligning mid parts and comments within runs of rows
// not separated by blank lines.
func (w *writer) rows(rs []row, indent string) {
	start := 0
	for start < len(rs) {
		end := start + 1
		for end < len(rs) && !hasBlank(rs[end].lead) {
			end++
		}
		group := rs[start:end]
		colMid, colCmt := 0, 0
		both := false
		for _, r := range group {
			if r.mid != "" || r.hasCmt {
				if n := utf8.RuneCountInString(r.code) + 2; n > colMid {
					colMid = n
				}
			}
			if r.mid != "" && r.hasCmt {
				both = true
			}
		}
		if both {
			maxMid := 0
			for _, r := range group {
				if r.mid != "" && r.hasCmt && utf8.RuneCountInString(r.mid) > maxMid {
					maxMid = utf8.RuneCountInString(r.mid)
				}
			}
			colCmt = colMid + maxMid + 2
		} else {
			colCmt = colMid
		}
		for i, r := range group {
			li := indent
			if r.leadIndent != "" {
				li = r.leadIndent
			}
			w.trivia(r.lead, li, start+i == 0 && w.atBlockStart, false)
			line := r.code
			if r.mid != "" {
				line = pad(line, colMid) + r.mid
			}
			if r.hasCmt {
				col := colCmt
				if r.mid == "" && !both {
					col = colMid
				}
				line = pad(line, col) + "#" + trimRight(r.comment)
			}
			w.raw(indent + line)
		}
		start = end
	}
}

func hasBlank(ts []Trivia) bool {
	for _, t := range ts {
		if t.Blank {
			return true
		}
	}
	return false
}

func pad(s string, col int) string {
	n := utf8.RuneCountInString(s)
	if n >= col {
		return s + "  "
	}
	return s + strings.Repeat(" ", col-n)
}

func (w *writer) decl(d *Decl) {
	for _, a := range d.Attrs {
		w.raw("[" + a.Name + "]")
	}
	switch d.Kind {
	case Record:
		if len(d.Fields) == 0 && !anyComment(d.Close.Leading) && !d.Close.HasTrailing {
			w.line("", d.Name+" = {}", d.Comments)
			return
		}
		w.line("", d.Name+" = {", d.Comments)
		rs := make([]row, len(d.Fields))
		for i, f := range d.Fields {
			rs[i] = fieldRow(f)
		}
		w.block(rs, d.Close)
	case Enum:
		multi := false
		for _, v := range d.Values {
			if len(v.Leading) > 0 || v.HasTrailing {
				multi = true
			}
		}
		if !multi {
			vals := make([]string, len(d.Values))
			for i, v := range d.Values {
				vals[i] = quote(v.Value)
			}
			w.line("", d.Name+" = "+strings.Join(vals, " | "), d.Comments)
			return
		}
		rs := make([]row, len(d.Values))
		for i, v := range d.Values {
			code := "| " + quote(v.Value)
			if i == 0 {
				code = d.Name + " = " + quote(v.Value)
			}
			rs[i] = row{lead: v.Leading, code: code, comment: v.Trailing, hasCmt: v.HasTrailing}
		}
		// The first value shares the decl's line; the rest are indented.
		first := rs[0]
		w.atBlockStart = false
		w.rowsFirstUnindented(first, rs[1:])
	}
}

// rowsFirstUnindented writes an enum: the first row at column 0, the
// others indented, all comments aligned as one run.
func (w *writer) rowsFirstUnindented(first row, rest []row) {
	all := append([]row{first}, rest...)
	for i := range all {
		if i > 0 {
			all[i].code = "    " + all[i].code
			all[i].leadIndent = "    "
		}
	}
	w.atBlockStart = false
	w.rows(all, "")
}

// block writes the rows of a record or service body and its closing brace.
func (w *writer) block(rs []row, close Comments) {
	w.atBlockStart = true
	w.rows(rs, "    ")
	w.trivia(close.Leading, "    ", len(rs) == 0, true)
	w.atBlockStart = false
	w.line("", "}", close)
}

func fieldRow(f *Field) row {
	r := row{lead: f.Leading, code: fieldCode(f), comment: f.Trailing, hasCmt: f.HasTrailing}
	var mids []string
	for _, a := range f.Attrs {
		mids = append(mids, "@"+a.Name)
	}
	r.mid = strings.Join(mids, " ")
	return r
}

func fieldCode(f *Field) string {
	s := fieldName(f.Name, f.Quoted)
	if f.Optional {
		s += "?"
	}
	return s + ": " + f.Type.String()
}

func (w *writer) service(s *Service) {
	w.line("", "service "+s.Name+" {", s.Comments)
	w.atBlockStart = true
	// Members are written as rows, except multi-line methods, which end a
	// run of aligned rows.
	var run []row
	first := true
	flush := func() {
		if len(run) > 0 {
			w.atBlockStart = first
			w.rows(run, "    ")
			first = false
			run = nil
		}
	}
	for _, m := range s.Members {
		switch m := m.(type) {
		case *Version:
			run = append(run, row{lead: m.Leading, code: "version " + quote(m.Value), comment: m.Trailing, hasCmt: m.HasTrailing})
		case *ErrorDecl:
			run = append(run, row{lead: m.Leading, code: "error " + m.Name + " = " + strconv.FormatInt(m.Code, 10), comment: m.Trailing, hasCmt: m.HasTrailing})
		case *Method:
			if !methodMultiline(m) {
				run = append(run, row{lead: m.Leading, code: methodCode(m), comment: m.Trailing, hasCmt: m.HasTrailing})
				continue
			}
			flush()
			w.trivia(m.Leading, "    ", first, false)
			first = false
			w.raw("    " + methodName(m.Name, m.Quoted) + "(")
			rs := make([]row, len(m.Params))
			for i, p := range m.Params {
				rs[i] = row{lead: p.Leading, code: paramCode(p) + ",", comment: p.Trailing, hasCmt: p.HasTrailing}
			}
			w.atBlockStart = true
			w.rows(rs, "        ")
			w.trivia(m.ParamsClose, "        ", len(rs) == 0, true)
			w.line("    ", ")"+methodTail(m), m.Comments)
		}
	}
	flush()
	w.trivia(s.Close.Leading, "    ", first, true)
	w.line("", "}", s.Close)
}

func methodMultiline(m *Method) bool {
	if len(m.ParamsClose) > 0 {
		return true
	}
	for _, p := range m.Params {
		if len(p.Leading) > 0 || p.HasTrailing {
			return true
		}
	}
	return false
}

// paramCode is a parameter with its attributes (@secret).
func paramCode(p *Field) string {
	s := fieldCode(p)
	for _, a := range p.Attrs {
		s += " @" + a.Name
	}
	return s
}

func methodCode(m *Method) string {
	ps := make([]string, len(m.Params))
	for i, p := range m.Params {
		ps[i] = paramCode(p)
	}
	return methodName(m.Name, m.Quoted) + "(" + strings.Join(ps, ", ") + ")" + methodTail(m)
}

// methodTail is what follows a method's ")": the result and attributes.
func methodTail(m *Method) string {
	s := ""
	if m.Result != nil {
		s += " -> " + m.Result.String()
	}
	for _, a := range m.Attrs {
		s += " @" + a.Name
	}
	return s
}

// quote writes a string literal with the escapes the lexer knows.
func quote(s string) string { return Quote(s) }

// fieldName writes a field or parameter name: a bare name as written (a
// bare name that breaks the rules is the resolver's to report, not the
// formatter's to quote away), a quoted one bare when it can be.
func fieldName(name string, quoted bool) string {
	if quoted {
		return FieldName(name)
	}
	return name
}

// methodName is fieldName for method names.
func methodName(name string, quoted bool) string {
	if quoted {
		return MethodName(name)
	}
	return name
}
