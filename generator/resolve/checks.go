package resolve

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/generator/names"
	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// checkPascal reports name unless it is PascalCase.
func (l *loader) checkPascal(pos model.Pos, what, name string) bool {
	if pascalRE.MatchString(name) {
		return true
	}
	if nonASCIILetter(name) {
		return false // the parser reported the letter already
	}
	hint := what + " names are PascalCase"
	if fix := names.Pascal(name); pascalRE.MatchString(fix) {
		hint += ": use " + fix
	}
	l.rep.Errorf(pos, hint, "invalid %s name %q", what, name)
	return false
}

// checkSnake reports name unless it is snake_case.
func (l *loader) checkSnake(pos model.Pos, what, name string) bool {
	if snakeRE.MatchString(name) {
		return true
	}
	if nonASCIILetter(name) {
		return false // the parser reported the letter already
	}
	hint := what + " names are snake_case"
	if fix := names.Snake(name); snakeRE.MatchString(fix) {
		hint += ": use " + fix
	}
	l.rep.Errorf(pos, hint, "invalid %s name %q", what, name)
	return false
}

// checkMemberName checks the name of a field, parameter or method (what):
// a bare name is snake_case (a method's may be dotted snake_case
// segments); a quoted one is any wire name the emitters can derive
// identifiers from. It reports a bad name and returns false.
func (l *loader) checkMemberName(pos model.Pos, what, name string, quoted bool) bool {
	method := what == "method"
	ok := false
	switch {
	case quoted:
		ok = l.checkQuoted(pos, what, name)
	case nonASCIILetter(name):
		ok = false // the parser reported the letter already
	case method && strings.Contains(name, "."):
		ok = syntax.IsBareMethodName(name)
		if !ok {
			hint := "dotted method names are snake_case segments, like service.start"
			var segs []string
			for _, seg := range strings.Split(name, ".") {
				if seg != "" {
					segs = append(segs, names.Snake(seg))
				}
			}
			if fix := strings.Join(segs, "."); syntax.IsBareMethodName(fix) {
				hint += ": use " + fix
			}
			l.rep.Errorf(pos, hint, "invalid method name %q", name)
		}
	default:
		ok = l.checkSnake(pos, what, name)
	}
	if ok && method && strings.HasPrefix(name, "rpc.") {
		l.rep.Errorf(pos, "rename the method; servers answer rpc.discover themselves",
			"method name %q is reserved: JSON-RPC reserves the names that start with \"rpc.\"", name)
		ok = false
	}
	return ok
}

// identRE is what every identifier an emitter derives from a name must
// look like (before keyword escaping).
var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// identConversions are the ways emitters derive identifiers from a
// field, parameter or method name.
var identConversions = []struct {
	name    string
	convert func(string) string
}{
	{"names.Snake", names.Snake},
	{"names.Pascal", names.Pascal},
	{"names.GoExported", names.GoExported},
	{"names.Camel", names.Camel},
}

// checkQuoted checks a quoted name (what = "field", "parameter",
// "method"): not empty, no control characters, and every identifier the
// emitters derive from it is one. (The lexer reports invalid UTF-8.)
func (l *loader) checkQuoted(pos model.Pos, what, name string) bool {
	if name == "" {
		l.rep.Errorf(pos, "a quoted name is the wire name, like \"userId\"", "%s name is empty", what)
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			l.rep.Errorf(pos, "write the name on one line, without tabs, newlines or other control characters",
				"%s name %q contains a control character", what, name)
			return false
		}
	}
	for _, c := range identConversions {
		if id := c.convert(name); !identRE.MatchString(id) {
			it := fmt.Sprintf("%q", id)
			if id == "" {
				it = "empty"
			}
			l.rep.Errorf(pos, "a quoted name must start with a letter and use letters, digits, and _ - . or space between words",
				"%s name %q cannot become an identifier (%s gives %s)", what, name, c.name, it)
			return false
		}
	}
	return true
}

// conversion is one way a target language derives an identifier from a
// schema name; two names that convert to the same identifier collide.
type conversion struct {
	lang    string
	convert func(string) string
}

var (
	memberConversions = []conversion{
		{"Rust", func(s string) string { return names.Escape(names.Rust, names.Snake(s)) }},
		{"Python", func(s string) string { return names.Escape(names.Python, names.Snake(s)) }},
		{"Go", func(s string) string { return names.Escape(names.Go, names.GoExported(s)) }},
	}
	typeConversions = []conversion{
		{"Rust", names.Pascal},
		{"Go", names.GoExported},
	}
	valueConversions = []conversion{
		{"Rust", names.Pascal},
		{"Go", names.Pascal},
		{"Python", names.ScreamingSnake},
	}
)

// named is a name to check for duplicates and collisions.
type named struct {
	name string
	pos  model.Pos
	// what describes it in messages ("field", "method", "wrapper of method x").
	what string
	// suffix is appended after conversion: generated names such as the
	// Input/Output wrapper types of a method.
	suffix string
	// invalid is set for a name that broke the identifier rules (already
	// reported), so it is not reported again as a collision.
	invalid bool
}

// checkUnique reports duplicates among items (same name) and names that
// collide after conversion, one diagnostic per colliding item naming every
// language where it collides. scope names the enclosing thing in messages
// (" in Task"). Items marked invalid were reported already and are skipped.
func (l *loader) checkUnique(items []named, convs []conversion, scope string) {
	first := map[string]int{}
	skip := make([]bool, len(items))
	for i, it := range items {
		if it.invalid {
			skip[i] = true
			continue
		}
		if it.suffix != "" {
			continue
		}
		if j, dup := first[it.name]; dup {
			if prev := items[j]; prev.what != it.what {
				l.rep.Errorf(it.pos, "rename one of them", "%s %q has the same name as %s at %s", it.what, it.name, prev.what, posString(prev.pos))
			} else {
				l.rep.Errorf(it.pos, "rename or remove one of them", "duplicate %s %q%s (first at %s)", it.what, it.name, scope, posString(prev.pos))
			}
			skip[i] = true
			continue
		}
		first[it.name] = i
	}
	// collisions[i] maps the earliest item i collides with to the
	// identifiers ("FooBar in Go") they share.
	type clash struct {
		with  int
		parts []string
	}
	clashes := make([]*clash, len(items))
	for _, c := range convs {
		seen := map[string]int{}
		for i, it := range items {
			if skip[i] {
				continue
			}
			id := c.convert(it.name) + it.suffix
			j, ok := seen[id]
			if !ok {
				seen[id] = i
				continue
			}
			if items[j].suffix != "" && it.suffix != "" {
				continue // two methods' wrappers: the methods collide, reported there
			}
			if clashes[i] == nil {
				clashes[i] = &clash{with: j}
			}
			if clashes[i].with == j {
				clashes[i].parts = append(clashes[i].parts, id+" in "+c.lang)
			}
		}
	}
	for i, c := range clashes {
		if c == nil {
			continue
		}
		it, prev := items[i], items[c.with]
		l.rep.Errorf(it.pos, "rename one of them", "%s %q collides with %s %q%s: both become %s",
			it.what, it.name, prev.what, prev.name, scope, joinParts(c.parts))
	}
}

// joinParts merges "x in A", "x in B", "y in C" into "x in A and B, y in C".
func joinParts(parts []string) string {
	var ids []string
	langs := map[string][]string{}
	for _, p := range parts {
		i := strings.Index(p, " in ")
		id, lang := p[:i], p[i+4:]
		if _, ok := langs[id]; !ok {
			ids = append(ids, id)
		}
		langs[id] = append(langs[id], lang)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		ls := langs[id]
		if n := len(ls); n > 1 {
			out[i] = id + " in " + strings.Join(ls[:n-1], ", ") + " and " + ls[n-1]
		} else {
			out[i] = id + " in " + ls[0]
		}
	}
	return strings.Join(out, ", ")
}

func (l *loader) checkFields(fields []*model.Field, what, owner string) {
	items := make([]named, 0, len(fields))
	for _, f := range fields {
		items = append(items, named{name: f.Name, pos: f.Pos, what: what, invalid: l.badNames[f]})
	}
	l.checkUnique(items, memberConversions, " in "+owner)
}

var enumIdentRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

func (l *loader) checkEnum(d *model.Decl) {
	items := make([]named, 0, len(d.Values))
	for _, v := range d.Values {
		if p := names.Pascal(v.Value); !enumIdentRE.MatchString(p) {
			msg := fmt.Sprintf("enum value %q cannot become an identifier", v.Value)
			if v.Value == "" {
				msg = "enum value is empty"
			} else if p != "" {
				msg += fmt.Sprintf(" (it would be %q)", p)
			}
			hint := "enum values start with a letter and use letters, digits, and _ - . or space between words"
			if nonASCIILetter(v.Value) {
				hint = "enum values become identifiers of every target language, which take ASCII letters only (a-z, A-Z): write the value in ASCII"
			}
			l.rep.Errorf(v.Pos, hint, "%s", msg)
			continue
		}
		items = append(items, named{name: v.Value, pos: v.Pos, what: "enum value"})
	}
	l.checkUnique(items, valueConversions, " in "+d.Name)
}

// checkCycles reports records that can never be built because they
// contain themselves through required, non-list, non-map fields.
func (l *loader) checkCycles(u *unit) {
	// Tarjan's strongly connected components over required record edges.
	index := map[*model.Decl]int{}
	low := map[*model.Decl]int{}
	onStack := map[*model.Decl]bool{}
	var stack []*model.Decl
	next := 0
	mine := map[*model.Decl]bool{}
	for _, d := range u.decls {
		mine[d] = true
	}
	edges := func(d *model.Decl) []*model.Field {
		var out []*model.Field
		for _, f := range d.Fields {
			if !f.Optional && f.Type.Kind == model.KindNamed && f.Type.Decl.Kind == model.DeclRecord && mine[f.Type.Decl] {
				out = append(out, f)
			}
		}
		return out
	}
	var sccs [][]*model.Decl
	var strong func(d *model.Decl)
	strong = func(d *model.Decl) {
		index[d], low[d] = next, next
		next++
		stack = append(stack, d)
		onStack[d] = true
		for _, f := range edges(d) {
			e := f.Type.Decl
			if _, seen := index[e]; !seen {
				strong(e)
				if low[e] < low[d] {
					low[d] = low[e]
				}
			} else if onStack[e] && index[e] < low[d] {
				low[d] = index[e]
			}
		}
		if low[d] == index[d] {
			var scc []*model.Decl
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				scc = append(scc, top)
				if top == d {
					break
				}
			}
			sccs = append(sccs, scc)
		}
	}
	for _, d := range u.decls {
		if _, seen := index[d]; !seen && d.Kind == model.DeclRecord {
			strong(d)
		}
	}
	order := map[*model.Decl]int{}
	for i, d := range u.decls {
		order[d] = i
	}
	for _, scc := range sccs {
		in := map[*model.Decl]bool{}
		first := scc[0]
		for _, d := range scc {
			in[d] = true
			if order[d] < order[first] {
				first = d
			}
		}
		if len(scc) == 1 {
			self := false
			for _, f := range edges(first) {
				if f.Type.Decl == first {
					self = true
				}
			}
			if !self {
				continue
			}
		}
		path := cyclePath(first, in, edges)
		l.rep.Errorf(first.Pos, "make a field on the cycle optional (name?: T) or a list",
			"record %s can never be built: it contains itself through required fields (%s)", first.Name, path)
	}
}

// cyclePath finds the shortest path of required fields from d back to d
// inside the component in, rendered "A.b -> B.a -> A".
func cyclePath(d *model.Decl, in map[*model.Decl]bool, edges func(*model.Decl) []*model.Field) string {
	type step struct {
		from  *model.Decl
		field *model.Field
	}
	prev := map[*model.Decl]step{}
	queue := []*model.Decl{d}
	visited := map[*model.Decl]bool{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, f := range edges(cur) {
			e := f.Type.Decl
			if !in[e] {
				continue
			}
			if e == d {
				var parts []string
				parts = append(parts, cur.Name+"."+f.Name)
				for c := cur; c != d; {
					s := prev[c]
					parts = append(parts, s.from.Name+"."+s.field.Name)
					c = s.from
				}
				for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
					parts[i], parts[j] = parts[j], parts[i]
				}
				return strings.Join(append(parts, d.Name), " -> ")
			}
			if !visited[e] {
				visited[e] = true
				prev[e] = step{cur, f}
				queue = append(queue, e)
			}
		}
	}
	return d.Name
}

// nonASCIILetter reports whether s has a letter outside ASCII (ü, ë, ...).
func nonASCIILetter(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
