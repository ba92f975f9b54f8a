package diag_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/diag"
	"github.com/lhumina-code/rules_oschema/generator/model"
)

func TestRender(t *testing.T) {
	r := diag.NewReporter()
	r.AddFile("s/a.oschema", []byte("T = {\r\n\tx: Stpe\r\n}\n"))
	r.Errorf(model.Pos{File: "s/a.oschema", Line: 2, Col: 5}, "declare it", "unknown type %q", "Stpe")
	assert.Equal(t, "s/a.oschema:2:5: unknown type \"Stpe\"\n    \tx: Stpe\n    \t   ^\n    hint: declare it", r.List.Error())
}

func TestNoPositionNoSource(t *testing.T) {
	d := &diag.Diagnostic{Msg: "schema directory \"x\" not found"}
	assert.Equal(t, `schema directory "x" not found`, d.String())
}

func TestSortedDedupCap(t *testing.T) {
	var l diag.List
	for i := diag.MaxErrors + 5; i > 0; i-- {
		l = append(l, &diag.Diagnostic{Pos: model.Pos{File: "a", Line: int32(i), Col: 1}, Msg: "m"})
	}
	l = append(l, &diag.Diagnostic{Pos: model.Pos{File: "a", Line: 1, Col: 1}, Msg: "m"})
	s := l.Sorted()
	require.Len(t, s, diag.MaxErrors+1)
	assert.Equal(t, int32(1), s[0].Pos.Line)
	assert.Equal(t, int32(2), s[1].Pos.Line, "duplicates are removed")
	assert.Equal(t, "too many errors (5 more not shown)", s[diag.MaxErrors].Msg)
}

func TestErrAs(t *testing.T) {
	var empty diag.List
	assert.NoError(t, empty.Err())
	err := fmt.Errorf("loading: %w", diag.List{{Msg: "x"}}.Err())
	var l diag.List
	require.True(t, errors.As(err, &l))
	assert.Equal(t, "x", l[0].Msg)
}

func TestSourceLine(t *testing.T) {
	src := []byte("a\nb\r\nc")
	assert.Equal(t, "b", diag.SourceLine(src, 2))
	assert.Equal(t, "c", diag.SourceLine(src, 3))
	assert.Equal(t, "", diag.SourceLine(src, 4))
	assert.Equal(t, "", diag.SourceLine(src, 0))
}
