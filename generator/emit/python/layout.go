package python

import (
	"strings"
	"unicode/utf8"
)

// client.py is laid out the way black (default mode: 88 columns) lays it
// out, so that `black --check` passes without running black. black's
// line splitting is deterministic; this file implements the part of it the
// generated statements reach:
//   - a line that fits stays as it is, unless it holds a magic trailing
//     comma;
//   - otherwise it is split at its last non-empty bracket pair ("right hand
//     split"): head up to the opening bracket, the content one level
//     deeper, the closing bracket and the rest;
//   - the content stays on one line if it fits; else a comprehension splits
//     before "for", a list of two or more items puts each on its own line
//     with a trailing comma, and a single item is split again the same way;
//   - a def splits at its first bracket ("left hand split").

const lineLength = 88

// tok is one piece of an expression: a leaf of text or a bracket group.
type tok struct {
	text string
	g    *group
}

// group is a bracket pair: comma-separated items, or the parts of a
// comprehension (split before "for").
type group struct {
	open, close string
	items       [][]tok
	comp        [][]tok
	magic       bool // the items end in a trailing comma: always one per line
}

type seq []tok

func leaf(s string) seq { return seq{{text: s}} }

// call renders fn(args...).
func call(fn string, args ...seq) seq {
	g := &group{open: "(", close: ")"}
	for _, a := range args {
		g.items = append(g.items, a)
	}
	return seq{{text: fn}, {g: g}}
}

// comp renders open part for... close, a comprehension.
func comp(open, close string, elem, forClause seq) seq {
	return seq{{g: &group{open: open, close: close, comp: [][]tok{elem, forClause}}}}
}

func cat(parts ...seq) seq {
	var out seq
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func (s seq) flat() string {
	var b strings.Builder
	for _, t := range s {
		if t.g == nil {
			b.WriteString(t.text)
			continue
		}
		b.WriteString(t.g.flat())
	}
	return b.String()
}

func (g *group) flat() string {
	var parts []string
	sep := ", "
	list := g.items
	if g.comp != nil {
		list, sep = g.comp, " "
	}
	for _, it := range list {
		parts = append(parts, seq(it).flat())
	}
	s := strings.Join(parts, sep)
	if g.magic {
		s += ","
	}
	return g.open + s + g.close
}

func (g *group) empty() bool { return len(g.items) == 0 && len(g.comp) == 0 }

func (s seq) hasMagic() bool {
	for _, t := range s {
		if t.g != nil && (t.g.magic || seqsHaveMagic(t.g.items) || seqsHaveMagic(t.g.comp)) {
			return true
		}
	}
	return false
}

func seqsHaveMagic(ss [][]tok) bool {
	for _, s := range ss {
		if seq(s).hasMagic() {
			return true
		}
	}
	return false
}

func fits(line string) bool { return utf8.RuneCountInString(line) <= lineLength }

// lines lays out the logical line s at indent.
func (s seq) lines(indent string) []string {
	flat := indent + s.flat()
	if fits(flat) && !s.hasMagic() {
		return []string{flat}
	}
	idx := -1
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].g != nil && !s[i].g.empty() {
			idx = i
			break
		}
	}
	if idx < 0 {
		return []string{flat}
	}
	g := s[idx].g
	out := []string{indent + s[:idx].flat() + g.open}
	out = append(out, g.bodyLines(indent+"    ")...)
	return append(out, indent+g.close+s[idx+1:].flat())
}

func (g *group) bodyLines(indent string) []string {
	if g.comp != nil {
		line := indent + (&group{comp: g.comp}).flat()
		if fits(line) {
			return []string{line}
		}
		var out []string
		for _, p := range g.comp {
			out = append(out, seq(p).lines(indent)...)
		}
		return out
	}
	if len(g.items) == 1 && !g.magic {
		return seq(g.items[0]).lines(indent)
	}
	if !g.magic {
		one := (&group{items: g.items}).flat()
		if line := indent + one; fits(line) && !seqsHaveMagic(g.items) {
			return []string{line}
		}
	}
	var out []string
	for _, it := range g.items {
		out = append(out, cat(it, leaf(",")).lines(indent)...)
	}
	return out
}

// defLines lays out "def name(params) -> ret:" at indent.
// A lone parameter gets a trailing comma too, as black adds one to a def.
func defLines(indent, name string, params []seq, ret string) []string {
	tail := ") -> " + ret + ":"
	ps := (&group{items: toItems(params)}).flat()
	flat := indent + "def " + name + "(" + ps + tail
	if fits(flat) {
		return []string{flat}
	}
	out := []string{indent + "def " + name + "("}
	in := indent + "    "
	if one := in + ps; len(params) > 1 && fits(one) {
		out = append(out, one)
	} else {
		for _, p := range params {
			out = append(out, cat(p, leaf(",")).lines(in)...)
		}
	}
	return append(out, indent+tail)
}

// assignAtom lays out "lhs = atom" for an atom black cannot split: black
// wraps it in parentheses when that makes it fit, else leaves it long.
func assignAtom(indent, lhs, atom string) []string {
	flat := indent + lhs + " = " + atom
	if fits(flat) || !fits(indent+"    "+atom) {
		return []string{flat}
	}
	return []string{indent + lhs + " = (", indent + "    " + atom, indent + ")"}
}

// pyStr renders s as a Python string literal in black's preferred quotes:
// double, unless single quotes need fewer escapes. (Go's escapes are valid
// Python for the characters strconv.Quote escapes.)
func pyStr(s string) string {
	q := quoteGo(s)
	if strings.Count(s, "'") >= strings.Count(s, `"`) {
		return q
	}
	body := q[1 : len(q)-1]
	body = strings.ReplaceAll(body, `\"`, `"`)
	body = strings.ReplaceAll(body, "'", `\'`)
	return "'" + body + "'"
}
