package matrix

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/emit/clienttest"
	"github.com/lhumina-code/rules_oschema/generator/model"
	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// fullTask sets every field of Task, optionals included: bytes whose
// base64 has + / and padding, otimes with fractions in UTC and with a
// non-hour offset, nested and recursive Steps, maps, an any with every
// JSON kind, integers at the edges JavaScript still represents exactly.
const fullTask = `{
  "sid": "rt1", "name": "round trip", "phase": "failed", "priority": -2147483648,
  "attempts": 4294967295, "size": -9007199254740991, "quota": 9007199254740991,
  "ratio": 0.375, "score": -1.0e-7, "done": true,
  "created_at": "2024-02-29T23:59:59.123456Z", "payload": "+/8AAQ==",
  "extra": {"n": null, "b": false, "f": 1.5, "s": "é\"\\", "l": [[], {}]},
  "tags": ["x", "", "ü"], "labels": {"": "empty key", "k": "v"},
  "steps": [{"title": "a", "children": [{"title": "a.1", "children": [], "note": {"title": "deep", "children": []}}]},
            {"title": "b", "children": []}],
  "matrix": {"r": [-1, 0, 9007199254740991], "empty": []},
  "owner": {"name": "Zoë", "email": "z@example.com"},
  "parent": "rt0", "deadline": "2024-03-01T05:29:59.5+05:30", "from": "them", "type": "urgent"
}`

// TestJSONRoundTrip encodes the full Task in each language (decode the
// canonical JSON into its types, encode again) and has every other
// language decode and re-encode that output: all must mean the same value.
func TestJSONRoundTrip(t *testing.T) {
	testtool.SkipUnderBazel(t, "TestJSONRoundTrip")
	task := clienttest.KitchenSink(t).Decl("Task")
	langs := []struct {
		name string
		run  func(t *testing.T, in string) string
	}{
		{"rust", func(t *testing.T, in string) string { return run(t, in, ksRust(t), "roundtrip") }},
		{"python", func(t *testing.T, in string) string {
			dir := ksPython(t)
			return run(t, in, testtool.Look(t, "python3"), filepath.Join(dir, "roundtrip.py"), dir)
		}},
		{"go", func(t *testing.T, in string) string { return run(t, in, filepath.Join(ksGo(t), "roundtrip")) }},
		{"javascript", func(t *testing.T, in string) string {
			dir := ksJS(t)
			return run(t, in, testtool.Look(t, "node"), filepath.Join(dir, "roundtrip.mjs"), filepath.Join(dir, "client.js"))
		}},
	}
	for _, enc := range langs {
		enc := enc
		t.Run(enc.name, func(t *testing.T) {
			encoded := enc.run(t, fullTask)
			require.NoError(t, sameValue(model.Ref(task), fullTask, encoded), "%s encoded:\n%s", enc.name, encoded)
			for _, dec := range langs {
				if dec.name == enc.name {
					continue
				}
				dec := dec
				t.Run(dec.name, func(t *testing.T) {
					again := dec.run(t, encoded)
					assert.NoError(t, sameValue(model.Ref(task), encoded, again), "%s re-encoded %s's output:\n%s", dec.name, enc.name, again)
				})
			}
		})
	}
}

// sameValue reports how two JSON texts differ as values of t: equal JSON,
// except that otimes are compared as instants and numbers by value.
func sameValue(t *model.TypeRef, a, b string) error {
	va, err := decodeJSON(a)
	if err != nil {
		return err
	}
	vb, err := decodeJSON(b)
	if err != nil {
		return err
	}
	return equalWire(t, va, vb, "$")
}

func decodeJSON(s string) (interface{}, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v: %s", err, s)
	}
	return v, nil
}

func equalWire(t *model.TypeRef, a, b interface{}, where string) error {
	differ := func() error { return fmt.Errorf("%s: %#v != %#v", where, a, b) }
	switch t.Kind {
	case model.KindOtime:
		as, ok1 := a.(string)
		bs, ok2 := b.(string)
		if !ok1 || !ok2 {
			return differ()
		}
		ta, err1 := time.Parse(time.RFC3339Nano, as)
		tb, err2 := time.Parse(time.RFC3339Nano, bs)
		if err1 != nil || err2 != nil || !ta.Equal(tb) {
			return differ()
		}
		return nil
	case model.KindBytes:
		as, _ := a.(string)
		bs, _ := b.(string)
		da, err1 := base64.StdEncoding.DecodeString(as)
		db, err2 := base64.StdEncoding.DecodeString(bs)
		if err1 != nil || err2 != nil || !bytes.Equal(da, db) {
			return differ()
		}
		return nil
	case model.KindList:
		la, ok1 := a.([]interface{})
		lb, ok2 := b.([]interface{})
		if !ok1 || !ok2 || len(la) != len(lb) {
			return differ()
		}
		for i := range la {
			if err := equalWire(t.Elem, la[i], lb[i], fmt.Sprintf("%s[%d]", where, i)); err != nil {
				return err
			}
		}
		return nil
	case model.KindMap:
		ma, ok1 := a.(map[string]interface{})
		mb, ok2 := b.(map[string]interface{})
		if !ok1 || !ok2 || !sameKeys(ma, mb) {
			return differ()
		}
		for _, k := range sortedKeys(ma) {
			if err := equalWire(t.Elem, ma[k], mb[k], where+"["+k+"]"); err != nil {
				return err
			}
		}
		return nil
	case model.KindNamed:
		if t.Decl.Kind == model.DeclEnum {
			break
		}
		ma, ok1 := a.(map[string]interface{})
		mb, ok2 := b.(map[string]interface{})
		if !ok1 || !ok2 || !sameKeys(ma, mb) {
			return fmt.Errorf("%s: fields differ: %v vs %v", where, sortedKeys(ma), sortedKeys(mb))
		}
		for _, f := range t.Decl.Fields {
			if _, ok := ma[f.Name]; ok {
				if err := equalWire(f.Type, ma[f.Name], mb[f.Name], where+"."+f.Name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// Scalars, enums and any: plain JSON equality, numbers by value.
	if !jsonEqual(a, b) {
		return differ()
	}
	return nil
}

func jsonEqual(a, b interface{}) bool {
	switch a := a.(type) {
	case json.Number:
		bn, ok := b.(json.Number)
		if !ok {
			return false
		}
		if ai, err := a.Int64(); err == nil {
			if bi, err := bn.Int64(); err == nil {
				return ai == bi
			}
		}
		af, err1 := a.Float64()
		bf, err2 := bn.Float64()
		return err1 == nil && err2 == nil && af == bf
	case []interface{}:
		bl, ok := b.([]interface{})
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], bl[i]) {
				return false
			}
		}
		return true
	case map[string]interface{}:
		bm, ok := b.(map[string]interface{})
		if !ok || !sameKeys(a, bm) {
			return false
		}
		for k := range a {
			if !jsonEqual(a[k], bm[k]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func sameKeys(a, b map[string]interface{}) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSameValueCatchesDifferences keeps the comparison honest: it must
// accept the same instant written differently and reject real changes.
func TestSameValueCatchesDifferences(t *testing.T) {
	task := model.Ref(clienttest.KitchenSink(t).Decl("Task"))
	same := strings.NewReplacer(
		`"2024-02-29T23:59:59.123456Z"`, `"2024-02-29T23:59:59.123456000+00:00"`,
		`"ratio": 0.375`, `"ratio": 3.75e-1`,
	).Replace(fullTask)
	require.NoError(t, sameValue(task, fullTask, same))
	for _, change := range [][2]string{
		{`"2024-02-29T23:59:59.123456Z"`, `"2024-02-29T23:59:59.123Z"`},                    // lost microseconds
		{`"2024-03-01T05:29:59.5+05:30"`, `"2024-03-01T05:29:59.5Z"`},                      // dropped offset
		{`"+/8AAQ=="`, `"+/8AAA=="`},                                                       // bytes
		{`"quota": 9007199254740991`, `"quota": 9007199254740992`},                         // precision
		{`"parent": "rt0", `, ``},                                                          // lost optional
		{`{"title": "deep", "children": []}`, `{"title": "deep", "children": [], "x": 1}`}, // extra key
		{`"type": "urgent"`, `"type": null`},                                               // null for a value
		{`"f": 1.5`, `"f": "1.5"`},                                                         // any: kind changed
	} {
		changed := strings.Replace(fullTask, change[0], change[1], 1)
		require.NotEqual(t, fullTask, changed, change[0])
		assert.Error(t, sameValue(task, fullTask, changed), "%s -> %s", change[0], change[1])
	}
}
