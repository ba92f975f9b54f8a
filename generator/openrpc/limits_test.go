package openrpc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportLimits: nesting is capped while decoding (an unknown field
// nested a million levels deep costs nothing) and in types (the limit of
// the .oschema parser), each reported at its JSON pointer.
func TestImportLimits(t *testing.T) {
	doc := func(extra, schema string) []byte {
		return []byte(`{"openrpc":"1.3.2","info":{"title":"S","version":"1.0.0"}` + extra +
			`,"methods":[{"name":"m","params":[],"result":{"name":"r","schema":` + schema + `}}]}`)
	}
	arrays := func(n int) string {
		return strings.Repeat(`{"type":"array","items":`, n) + `{"type":"string"}` + strings.Repeat("}", n)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"deep unknown field", doc(`,"x-deep":`+strings.Repeat("[", 1000000)+strings.Repeat("]", 1000000), `{"type":"string"}`),
			"s.json: #/x-deep" + strings.Repeat("/0", 127) + ": nested too deeply: more than 128 levels of arrays and objects"},
		{"deep type", doc("", arrays(33)),
			"s.json: #/methods/0/result/schema" + strings.Repeat("/items", 33) + ": type nested too deeply: more than 32 levels of arrays and maps (declare a component schema for the inner type)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import("s.json", tc.data)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
	_, err := Import("s.json", doc("", arrays(32)))
	assert.NoError(t, err, "32 levels are allowed")
}
