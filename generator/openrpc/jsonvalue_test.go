package openrpc

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodingJSON is how encoding/json writes s with HTML escaping off, with
// \b and \f in Go 1.19's form (\u0008, \u000c), which writeString keeps on
// every Go version.
func encodingJSON(t *testing.T, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.NewReplacer(`\\`, `\\`, `\b`, `\u0008`, `\f`, `\u000c`).Replace(out)
}

func TestWriteStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		"", "plain", `quote " and \ backslash`, "<a href=\"x\">&amp;</a>",
		"tab\tnewline\nreturn\r", "\b\f\x00\x01\x1f\x7f", "é ü 日本 😀",
		"\u2028 and \u2029", "bad \xff byte", "\xed\xa0\x80 surrogate", "trailing \xe2\x82",
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		b := make([]byte, rng.Intn(24))
		for j := range b {
			switch rng.Intn(4) {
			case 0:
				b[j] = byte(rng.Intn(0x20))
			case 1:
				b[j] = byte(0x80 + rng.Intn(0x80))
			default:
				b[j] = byte(0x20 + rng.Intn(0x60))
			}
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		var b strings.Builder
		writeString(&b, s)
		require.Equal(t, encodingJSON(t, s), b.String(), "%q", s)
		var back string
		require.NoError(t, json.Unmarshal([]byte(b.String()), &back), "%q", s)
		if utf8.ValidString(s) {
			assert.Equal(t, s, back)
		}
	}
}

func TestLazyMembersMarshalLikeBuiltOnes(t *testing.T) {
	built := newObject().set("empty", newArray()).set("none", newObject())
	arr := newArray()
	obj := newObject()
	for _, k := range []string{"a", "b"} {
		arr.add(jsonString(k))
		obj.set(k, newObject().set("x", jsonBool(true)))
	}
	built.set("arr", arr).set("obj", obj)

	keys := []string{"a", "b"}
	lazy := newObject().
		set("empty", lazyArray(0, nil)).
		set("none", lazyObject(0, nil)).
		set("arr", lazyArray(2, func(i int) (*value, error) { return jsonString(keys[i]), nil })).
		set("obj", lazyObject(2, func(i int) (string, *value, error) {
			return keys[i], newObject().set("x", jsonBool(true)), nil
		}))
	want, err := built.marshal()
	require.NoError(t, err)
	got, err := lazy.marshal()
	require.NoError(t, err)
	assert.Equal(t, want, got)

	failing := newObject().set("m", lazyArray(1, func(int) (*value, error) { return nil, assert.AnError }))
	_, err = failing.marshal()
	assert.ErrorIs(t, err, assert.AnError)
}
