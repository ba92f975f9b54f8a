package openrpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
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
	// An array or object of n members built one at a time while it is
	// written (key is ignored in arrays), so a large document is never a
	// tree in memory at once. Only the emitter makes them.
	n    int
	lazy func(i int) (key string, member *value, err error)
}

// lazyArray and lazyObject return a value of n members that member(i)
// builds when the value is written.
func lazyArray(n int, member func(i int) (*value, error)) *value {
	return &value{kind: vArray, n: n, lazy: func(i int) (string, *value, error) {
		v, err := member(i)
		return "", v, err
	}}
}

func lazyObject(n int, member func(i int) (string, *value, error)) *value {
	return &value{kind: vObject, n: n, lazy: member}
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
func jsonNumber(s string) *value { return &value{kind: vNumber, s: s} }
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
// Only a lazy member can fail.
func (v *value) marshal() (string, error) {
	var b strings.Builder
	if err := v.write(&b, 0); err != nil {
		return "", err
	}
	b.WriteByte('\n')
	return b.String(), nil
}

// spaces is sliced for indentation, so indenting allocates nothing.
const spaces = "                                                                "

func (v *value) write(b *strings.Builder, depth int) error {
	indent := func(d int) {
		b.WriteByte('\n')
		for n := 2 * d; n > 0; n -= len(spaces) {
			b.WriteString(spaces[:min(n, len(spaces))])
		}
	}
	switch v.kind {
	case vNull:
		b.WriteString("null")
	case vBool:
		b.WriteString(strconv.FormatBool(v.b))
	case vNumber:
		b.WriteString(v.s)
	case vString:
		writeString(b, v.s)
	case vArray, vObject:
		open, close := byte('['), byte(']')
		if v.kind == vObject {
			open, close = '{', '}'
		}
		n := len(v.arr) + len(v.keys)
		if v.lazy != nil {
			n = v.n
		}
		b.WriteByte(open)
		for i := 0; i < n; i++ {
			var key string
			var e *value
			switch {
			case v.lazy != nil:
				var err error
				if key, e, err = v.lazy(i); err != nil {
					return err
				}
			case v.kind == vArray:
				e = v.arr[i]
			default:
				key, e = v.keys[i], v.fields[i]
			}
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			if v.kind == vObject {
				writeString(b, key)
				b.WriteString(": ")
			}
			if err := e.write(b, depth+1); err != nil {
				return err
			}
		}
		if n > 0 {
			indent(depth)
		}
		b.WriteByte(close)
	}
	return nil
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// writeString writes s as a JSON string the way encoding/json does with
// HTML escaping off (so doc comments with <, > and & stay readable), but
// without an encoder per string, which dominated the emitter's
// allocations. Control characters other than \n, \r and \t are written
// \u00XX whatever Go version built the generator (Go 1.22 changed
// encoding/json to write \b and \f), so the document does not depend on
// the toolchain; invalid UTF-8 becomes U+FFFD, and U+2028/U+2029 are
// escaped as encoding/json does.
func writeString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
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
