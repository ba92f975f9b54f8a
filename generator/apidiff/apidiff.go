// Package apidiff compares two models of a service API and classifies
// every change as compatible or breaking, for `oschema diff` and for the
// drift reports of `oschema stage`.
//
// The rules (generator/docs/stage.md explains each):
//
//   - method removed, param removed, param type changed, a new required
//     param, an optional param made required, a changed result: breaking;
//     a new method, a new optional param, a required param made
//     optional: compatible.
//   - @positional methods: a param at a new position, or a new one
//     before the old ones, is breaking (old clients send values by
//     position); making a method @positional is compatible (generated
//     servers still accept params by name), the reverse is breaking.
//   - Records are classified by where they travel. A record (or enum)
//     reachable from a param is an input (clients send it); one reachable
//     from a result is an output (servers return it); it can be both.
//     A new optional field is compatible. A new required field is
//     breaking in an input (old clients do not send it) and compatible in
//     an output only (clients ignore fields they do not know). A removed
//     field or a changed field type is breaking. A field made optional is
//     breaking in an output (old clients expect it), compatible in an
//     input only; a field made required is the reverse.
//   - Enums: a removed value is breaking; a new value is compatible (the
//     generated clients keep a value they do not know).
//   - A removed type or service, a type that changed kind (record/enum),
//     a removed error or a changed error code: breaking. A new type,
//     service or error, a changed service version: compatible.
//
// Docs are not compared: they change the model hash but not the wire.
package apidiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/lhumina-code/rules_oschema/generator/model"
)

// Severity classifies a change.
type Severity string

// The two severities.
const (
	Compatible Severity = "compatible"
	Breaking   Severity = "breaking"
)

// Change kinds, as they appear in text and JSON reports.
const (
	ServiceAdded     = "service-added"
	ServiceRemoved   = "service-removed"
	VersionChanged   = "version-changed"
	MethodAdded      = "method-added"
	MethodRemoved    = "method-removed"
	ParamAdded       = "param-added"
	ParamRemoved     = "param-removed"
	ParamTypeChanged = "param-type-changed"
	ParamOptionality = "param-optionality-changed"
	ParamMoved       = "param-moved"
	ParamStructure   = "param-structure-changed"
	ResultChanged    = "result-changed"
	TypeAdded        = "type-added"
	TypeRemoved      = "type-removed"
	TypeKindChanged  = "type-kind-changed"
	FieldAdded       = "field-added"
	FieldRemoved     = "field-removed"
	FieldTypeChanged = "field-type-changed"
	FieldOptionality = "field-optionality-changed"
	EnumValueAdded   = "enum-value-added"
	EnumValueRemoved = "enum-value-removed"
	ErrorAdded       = "error-added"
	ErrorRemoved     = "error-removed"
	ErrorCodeChanged = "error-code-changed"
)

// Change is one difference between the old and the new API.
type Change struct {
	Kind     string   `json:"kind"`
	Severity Severity `json:"severity"`
	// Where: "Service.method", "Service.method(param)", "Type",
	// "Type.field", "Type=value", "Service!Error".
	Where string `json:"where"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
	// Why explains the classification in a few words.
	Why string `json:"why"`
}

// Report is the outcome of Compare.
type Report struct {
	OldHash  string   `json:"old_hash"`
	NewHash  string   `json:"new_hash"`
	Changes  []Change `json:"changes"`
	Breaking int      `json:"breaking"`
	// Compatible counts the compatible changes.
	Compatible int `json:"compatible"`
}

// HasBreaking reports whether any change is breaking.
func (r *Report) HasBreaking() bool { return r.Breaking > 0 }

// Compare lists every change from old to new. Services are paired by
// name; when each side has exactly one service they are paired whatever
// their names (an imported document names its service after info.title).
// Changes are sorted by where, then kind.
func Compare(old, new *model.Schema) *Report {
	c := &comparer{
		oldUse: usage(old),
		newUse: usage(new),
	}
	c.services(old, new)
	c.decls(old, new)
	sort.SliceStable(c.out, func(i, j int) bool {
		if c.out[i].Where != c.out[j].Where {
			return c.out[i].Where < c.out[j].Where
		}
		return c.out[i].Kind < c.out[j].Kind
	})
	r := &Report{OldHash: old.Hash(), NewHash: new.Hash(), Changes: c.out}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	for _, ch := range r.Changes {
		if ch.Severity == Breaking {
			r.Breaking++
		} else {
			r.Compatible++
		}
	}
	return r
}

type use struct{ in, out bool }

type comparer struct {
	oldUse, newUse map[string]use
	out            []Change
}

func (c *comparer) add(kind string, sev Severity, where, old, new, why string) {
	c.out = append(c.out, Change{Kind: kind, Severity: sev, Where: where, Old: old, New: new, Why: why})
}

// usage marks every decl reachable from a param (in) or a result (out).
func usage(s *model.Schema) map[string]use {
	u := map[string]use{}
	var mark func(t *model.TypeRef, in bool, seen map[*model.Decl]bool)
	mark = func(t *model.TypeRef, in bool, seen map[*model.Decl]bool) {
		if t == nil {
			return
		}
		switch t.Kind {
		case model.KindList, model.KindMap:
			mark(t.Elem, in, seen)
		case model.KindNamed:
			d := t.Decl
			if d == nil || seen[d] {
				return
			}
			seen[d] = true
			x := u[d.Name]
			if in {
				x.in = true
			} else {
				x.out = true
			}
			u[d.Name] = x
			for _, f := range d.Fields {
				mark(f.Type, in, seen)
			}
		}
	}
	for _, svc := range s.Services {
		for _, m := range svc.Methods {
			for _, p := range m.Params {
				mark(p.Type, true, map[*model.Decl]bool{})
			}
			mark(m.Result, false, map[*model.Decl]bool{})
		}
	}
	return u
}

func (c *comparer) services(old, new *model.Schema) {
	if len(old.Services) == 1 && len(new.Services) == 1 {
		c.service(old.Services[0], new.Services[0])
		return
	}
	for _, o := range old.Services {
		if n := new.Service(o.Name); n != nil {
			c.service(o, n)
		} else {
			c.add(ServiceRemoved, Breaking, o.Name, o.Name, "", "clients of the service lose it")
		}
	}
	for _, n := range new.Services {
		if old.Service(n.Name) == nil {
			c.add(ServiceAdded, Compatible, n.Name, "", n.Name, "nobody calls it yet")
		}
	}
}

func (c *comparer) service(o, n *model.Service) {
	name := n.Name
	if o.Version != n.Version {
		c.add(VersionChanged, Compatible, name, o.Version, n.Version, "a version is informational")
	}
	for _, om := range o.Methods {
		nm := n.Method(om.Name)
		if nm == nil {
			c.add(MethodRemoved, Breaking, name+"."+om.Name, signature(om), "", "clients calling it get method not found")
			continue
		}
		c.method(name, om, nm)
	}
	for _, nm := range n.Methods {
		if o.Method(nm.Name) == nil {
			c.add(MethodAdded, Compatible, name+"."+nm.Name, "", signature(nm), "old clients do not call it")
		}
	}
	for _, oe := range o.Errors {
		ne := findError(n, oe.Name)
		switch {
		case ne == nil:
			c.add(ErrorRemoved, Breaking, name+"!"+oe.Name, fmt.Sprint(oe.Code), "", "clients catching it never see it again")
		case ne.Code != oe.Code:
			c.add(ErrorCodeChanged, Breaking, name+"!"+oe.Name, fmt.Sprint(oe.Code), fmt.Sprint(ne.Code), "clients map codes to errors")
		}
	}
	for _, ne := range n.Errors {
		if findError(o, ne.Name) == nil {
			c.add(ErrorAdded, Compatible, name+"!"+ne.Name, "", fmt.Sprint(ne.Code), "old clients see it as a plain RPC error")
		}
	}
}

func findError(svc *model.Service, name string) *model.ErrorDef {
	for _, e := range svc.Errors {
		if e.Name == name {
			return e
		}
	}
	return nil
}

func (c *comparer) method(svc string, om, nm *model.Method) {
	where := svc + "." + nm.Name
	if typeString(om.Result) != typeString(nm.Result) {
		c.add(ResultChanged, Breaking, where, typeString(om.Result), typeString(nm.Result), "clients decode the old result")
	}
	switch {
	case om.Positional && !nm.Positional:
		c.add(ParamStructure, Breaking, where, "by-position", "by-name", "old clients send params by position")
	case !om.Positional && nm.Positional:
		c.add(ParamStructure, Compatible, where, "by-name", "by-position", "generated servers still accept params by name")
	}
	// By position, a param is its index: old clients put each value where
	// the old schema had it.
	positional := om.Positional && nm.Positional
	for i, op := range om.Params {
		if !positional {
			break
		}
		if i >= len(nm.Params) || nm.Params[i].Name != op.Name {
			if j := fieldIndex(nm.Params, op.Name); j >= 0 {
				c.add(ParamMoved, Breaking, where+"("+op.Name+")", "position "+strconv.Itoa(i+1), "position "+strconv.Itoa(j+1), "old clients send params by position")
			}
		}
	}
	for _, op := range om.Params {
		np := findField(nm.Params, op.Name)
		pw := where + "(" + op.Name + ")"
		if np == nil {
			c.add(ParamRemoved, Breaking, pw, fieldString(op), "", "old clients still send it")
			continue
		}
		if op.Type.String() != np.Type.String() {
			c.add(ParamTypeChanged, Breaking, pw, op.Type.String(), np.Type.String(), "old clients send the old type")
		}
		switch {
		case op.Optional && !np.Optional:
			c.add(ParamOptionality, Breaking, pw, "optional", "required", "old clients may omit it")
		case !op.Optional && np.Optional:
			c.add(ParamOptionality, Compatible, pw, "required", "optional", "old clients always send it")
		}
	}
	for _, np := range nm.Params {
		if findField(om.Params, np.Name) != nil {
			continue
		}
		pw := where + "(" + np.Name + ")"
		if positional && fieldIndex(nm.Params, np.Name) < len(om.Params) {
			c.add(ParamAdded, Breaking, pw, "", fieldString(np), "before the old params: old clients send theirs by position")
			continue
		}
		if np.Optional {
			c.add(ParamAdded, Compatible, pw, "", fieldString(np), "optional: old clients may omit it")
		} else {
			c.add(ParamAdded, Breaking, pw, "", fieldString(np), "required: old clients do not send it")
		}
	}
}

// fieldIndex is the index of the field called name, or -1.
func fieldIndex(fs []*model.Field, name string) int {
	for i, f := range fs {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func findField(fs []*model.Field, name string) *model.Field {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func (c *comparer) decls(old, new *model.Schema) {
	for _, od := range old.Decls {
		nd := new.Decl(od.Name)
		if nd == nil {
			c.add(TypeRemoved, Breaking, od.Name, declKind(od), "", "uses of it no longer resolve")
			continue
		}
		if od.Kind != nd.Kind {
			c.add(TypeKindChanged, Breaking, od.Name, declKind(od), declKind(nd), "the wire shape changed")
			continue
		}
		u := c.oldUse[od.Name]
		nu := c.newUse[nd.Name]
		u.in = u.in || nu.in
		u.out = u.out || nu.out
		if od.Kind == model.DeclEnum {
			c.enum(od, nd, u)
		} else {
			c.record(od, nd, u)
		}
	}
	for _, nd := range new.Decls {
		if old.Decl(nd.Name) == nil {
			c.add(TypeAdded, Compatible, nd.Name, "", declKind(nd), "nothing used it before")
		}
	}
}

func (c *comparer) record(od, nd *model.Decl, u use) {
	for _, of := range od.Fields {
		nf := nd.Field(of.Name)
		fw := nd.Name + "." + of.Name
		if nf == nil {
			c.add(FieldRemoved, Breaking, fw, fieldString(of), "", "old peers still send or expect it")
			continue
		}
		if of.Type.String() != nf.Type.String() {
			c.add(FieldTypeChanged, Breaking, fw, of.Type.String(), nf.Type.String(), "old peers encode the old type")
		}
		switch {
		case of.Optional && !nf.Optional:
			if u.in {
				c.add(FieldOptionality, Breaking, fw, "optional", "required", "clients send this type and may omit it")
			} else {
				c.add(FieldOptionality, Compatible, fw, "optional", "required", "only returned: clients already handle it present")
			}
		case !of.Optional && nf.Optional:
			if u.out {
				c.add(FieldOptionality, Breaking, fw, "required", "optional", "servers return this type and clients expect it")
			} else {
				c.add(FieldOptionality, Compatible, fw, "required", "optional", "only sent: old clients always send it")
			}
		}
	}
	for _, nf := range nd.Fields {
		if od.Field(nf.Name) != nil {
			continue
		}
		fw := nd.Name + "." + nf.Name
		switch {
		case nf.Optional:
			c.add(FieldAdded, Compatible, fw, "", fieldString(nf), "optional: may be absent")
		case u.in:
			c.add(FieldAdded, Breaking, fw, "", fieldString(nf), "required in a type clients send: old clients do not send it")
		default:
			c.add(FieldAdded, Compatible, fw, "", fieldString(nf), "only returned: clients ignore unknown fields")
		}
	}
}

func (c *comparer) enum(od, nd *model.Decl, u use) {
	has := func(d *model.Decl, v string) bool {
		for _, x := range d.Values {
			if x.Value == v {
				return true
			}
		}
		return false
	}
	for _, v := range od.Values {
		if !has(nd, v.Value) {
			c.add(EnumValueRemoved, Breaking, nd.Name+"="+v.Value, v.Value, "", "old peers still send or expect it")
		}
	}
	for _, v := range nd.Values {
		if has(od, v.Value) {
			continue
		}
		if u.out {
			c.add(EnumValueAdded, Compatible, nd.Name+"="+v.Value, "", v.Value, "returned by servers: the generated clients keep values they do not know (a switch over the enum needs a default branch)")
		} else {
			c.add(EnumValueAdded, Compatible, nd.Name+"="+v.Value, "", v.Value, "only sent by clients: old clients never send it")
		}
	}
}

func declKind(d *model.Decl) string {
	if d.Kind == model.DeclEnum {
		return "enum"
	}
	return "record"
}

func typeString(t *model.TypeRef) string {
	if t == nil {
		return "(none)"
	}
	return t.String()
}

func fieldString(f *model.Field) string {
	if f.Optional {
		return f.Name + "?: " + f.Type.String()
	}
	return f.Name + ": " + f.Type.String()
}

func signature(m *model.Method) string {
	var ps []string
	for _, p := range m.Params {
		ps = append(ps, fieldString(p))
	}
	s := m.Name + "(" + strings.Join(ps, ", ") + ")"
	if m.Result != nil {
		s += " -> " + m.Result.String()
	}
	return s
}

// Text renders the report for people: a header with both hashes, one
// line per change, and a summary.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "old %s\nnew %s\n", r.OldHash, r.NewHash)
	if len(r.Changes) == 0 {
		if r.OldHash == r.NewHash {
			b.WriteString("no changes\n")
		} else {
			b.WriteString("no API changes (documentation only)\n")
		}
		return b.String()
	}
	for _, ch := range r.Changes {
		sev := "compatible"
		if ch.Severity == Breaking {
			sev = "BREAKING  "
		}
		fmt.Fprintf(&b, "%s %-26s %s", sev, ch.Kind, ch.Where)
		switch {
		case ch.Old != "" && ch.New != "":
			fmt.Fprintf(&b, ": %s -> %s", ch.Old, ch.New)
		case ch.Old != "":
			fmt.Fprintf(&b, ": was %s", ch.Old)
		case ch.New != "":
			fmt.Fprintf(&b, ": %s", ch.New)
		}
		fmt.Fprintf(&b, " (%s)\n", ch.Why)
	}
	fmt.Fprintf(&b, "%d changes: %d breaking, %d compatible\n", len(r.Changes), r.Breaking, r.Compatible)
	return b.String()
}

// JSON renders the report as indented JSON with a trailing newline.
func (r *Report) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(r) // a Report always encodes
	return buf.Bytes()
}
