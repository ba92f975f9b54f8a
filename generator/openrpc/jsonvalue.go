package openrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// value is a JSON value that keeps the order of object keys. The emitter
// builds documents from it (so output order is the model's order, never a
// Go map's) and the importer parses into it (so record fields keep the
// document's order).
type value struct {
	kind   valueKind
	b      bool
	s      string // a string, or a number's literal text
	arr    []*value
	keys   []string
	fields []*value // parallel to keys
}

type valueKind int

const (
	vNull valueKind = iota
	vBool
	vNumber
	vString
	vArray
	vObject
)

func (k valueKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

func newObject() *value          { return &value{kind: vObject} }
func newArray() *value           { return &value{kind: vArray} }
func jsonString(s string) *value { return &value{kind: vString, s: s} }
func jsonBool(b bool) *value     { return &value{kind: vBool, b: b} }
func jsonInt(n int) *value       { return &value{kind: vNumber, s: fmt.Sprint(n)} }
func (v *value) add(e *value)    { v.arr = append(v.arr, e) }
func (v *value) isObject() bool  { return v != nil && v.kind == vObject }
func (v *value) isString() bool  { return v != nil && v.kind == vString }
func (v *value) set(k string, e *value) *value {
	v.keys = append(v.keys, k)
	v.fields = append(v.fields, e)
	return v
}

// get returns the member k of an object, or nil.
func (v *value) get(k string) *value {
	if v == nil || v.kind != vObject {
		return nil
	}
	for i, key := range v.keys {
		if key == k {
			return v.fields[i]
		}
	}
	return nil
}

// marshal writes v as JSON indented by two spaces, with a trailing newline.
func (v *value) marshal() []byte {
	var b bytes.Buffer
	v.write(&b, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (v *value) write(b *bytes.Buffer, depth int) {
	indent := func(d int) {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", d))
	}
	switch v.kind {
	case vNull:
		b.WriteString("null")
	case vBool:
		fmt.Fprint(b, v.b)
	case vNumber:
		b.WriteString(v.s)
	case vString:
		writeString(b, v.s)
	case vArray:
		if len(v.arr) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			e.write(b, depth+1)
		}
		indent(depth)
		b.WriteByte(']')
	case vObject:
		if len(v.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeString(b, k)
			b.WriteString(": ")
			v.fields[i].write(b, depth+1)
		}
		indent(depth)
		b.WriteByte('}')
	}
}

// writeString writes s as a JSON string without HTML escaping, so doc
// comments with <, > and & stay readable.
func writeString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}

// parseJSON parses data into a value. Duplicate object keys are an error
// (their meaning is undefined in JSON and a silent pick would hide a
// broken document); so is anything after the top-level value.
func parseJSON(data []byte) (*value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec, &pointer{seg: "#"}, 0)
	if err != nil {
		return nil, positioned(data, dec, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			for end < int64(len(data)) && strings.IndexByte(" \t\r\n", data[end]) >= 0 {
				end++
			}
			err = &syntaxError{end, "unexpected data after the top-level value"}
		}
		return nil, positioned(data, dec, err)
	}
	return v, nil
}

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	offset int64
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// positioned turns a decoding error into "line:col: message".
func positioned(data []byte, dec *json.Decoder, err error) error {
	if pe, ok := err.(*pointerError); ok {
		return pe
	}
	off := dec.InputOffset()
	msg := err.Error()
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *syntaxError:
		off = e.offset
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		msg = "unexpected end of JSON input"
		off = int64(len(data))
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Errorf("%d:%d: invalid JSON: %s", line, col, msg)
}

// MaxJSONDepth is how deeply arrays and objects may nest in an imported
// document: enough for every type oschema can express (syntax.MaxTypeDepth
// levels of lists and maps, each an object with "items" or
// "additionalProperties", inside a document's own nesting), and small
// enough that decoding a hostile document stays cheap.
const MaxJSONDepth = 128

// pointer is a JSON pointer built as a chain of segments: only an error
// turns it into a string, so deep documents cost no quadratic copies.
type pointer struct {
	parent *pointer
	seg    string // escaped
}

func (p *pointer) String() string {
	var segs []string
	for q := p; q != nil; q = q.parent {
		segs = append(segs, q.seg)
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		b.WriteString(segs[i])
		if i > 0 {
			b.WriteByte('/')
		}
	}
	return b.String()
}

func parseValue(dec *json.Decoder, ptr *pointer, depth int) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &value{kind: vNull}, nil
	case bool:
		return jsonBool(t), nil
	case json.Number:
		return &value{kind: vNumber, s: string(t)}, nil
	case string:
		return jsonString(t), nil
	case json.Delim:
		if depth >= MaxJSONDepth {
			return nil, errAt(ptr.String(), "nested too deeply: more than %d levels of arrays and objects", MaxJSONDepth)
		}
		switch t {
		case '[':
			arr := newArray()
			for dec.More() {
				e, err := parseValue(dec, &pointer{ptr, fmt.Sprint(len(arr.arr))}, depth+1)
				if err != nil {
					return nil, err
				}
				arr.add(e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		case '{':
			obj := newObject()
			var seen map[string]bool // past a few keys, duplicates are found by map
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, &syntaxError{dec.InputOffset(), "object key is not a string"}
				}
				dup := false
				if seen != nil {
					dup = seen[k]
				} else {
					dup = obj.get(k) != nil
					if len(obj.keys) >= 16 {
						seen = make(map[string]bool, 2*len(obj.keys))
						for _, key := range obj.keys {
							seen[key] = true
						}
					}
				}
				if dup {
					return nil, errAt(ptr.String(), "duplicate key %q", k)
				}
				if seen != nil {
					seen[k] = true
				}
				e, err := parseValue(dec, &pointer{ptr, escapePointer(k)}, depth+1)
				if err != nil {
					return nil, err
				}
				obj.set(k, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return obj, nil
		}
	}
	return nil, &syntaxError{dec.InputOffset(), fmt.Sprintf("unexpected token %v", tok)}
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// unescapePointer undoes escapePointer.
func unescapePointer(k string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(k)
}

// pointerError is an import error at a JSON pointer into the document.
type pointerError struct {
	ptr string
	msg string
}

func (e *pointerError) Error() string { return e.ptr + ": " + e.msg }

func errAt(ptr, format string, args ...interface{}) error {
	return &pointerError{ptr: ptr, msg: fmt.Sprintf(format, args...)}
}
