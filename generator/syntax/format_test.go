package syntax_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/generator/syntax"
)

// testdataFiles returns every valid .oschema file under generator/testdata.
func testdataFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	err := filepath.Walk("../testdata", func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() && strings.HasSuffix(p, ".oschema") && !strings.Contains(p, "errors") {
			out = append(out, p)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

func mustParse(t testing.TB, path string, src []byte) *syntax.File {
	t.Helper()
	f, diags := syntax.Parse(path, src)
	require.Empty(t, diags, "%s", diags)
	return f
}

func TestFormatIdempotent(t *testing.T) {
	for _, p := range testdataFiles(t) {
		t.Run(p, func(t *testing.T) {
			src, err := os.ReadFile(p)
			require.NoError(t, err)
			once := syntax.Format(mustParse(t, p, src))
			twice := syntax.Format(mustParse(t, p, once))
			assert.Equal(t, string(once), string(twice))
		})
	}
}

func TestFormatLayout(t *testing.T) {
	src := `import "b/common"
import   "a/other"
# free comment

# Doc of Task.
[rootobject]   # stored
Task = {   # trailing doc


    name:   str @index   # the name
    very_long_name?:[ {str:i64} ]
    # doc of x
    x: str    # x trailing

    y: Step @index
    # last words
}
Empty = {}
Phase = "a"|"b"   # phases
Mode = "x"   # the x
  # why y
  | "y"
service S {   # svc
    version "1.0.0"
    error NotFound = 1004   # gone
    get(sid: str) -> Task  # gets
    put(
        # the task
        task: Task,
        dry?: bool  # only check
    ) -> Task
    reset()
}
# the end

`
	want := `import "b/common"
import "a/other"

# free comment

# Doc of Task.
# stored
[rootobject]
Task = {  # trailing doc
    name: str  @index  # the name
    very_long_name?: [{str: i64}]
    # doc of x
    x: str             # x trailing

    y: Step  @index
    # last words
}

Empty = {}

Phase = "a" | "b"  # phases

Mode = "x"  # the x
    # why y
    | "y"

service S {  # svc
    version "1.0.0"
    error NotFound = 1004  # gone
    get(sid: str) -> Task  # gets
    put(
        # the task
        task: Task,
        dry?: bool,  # only check
    ) -> Task
    reset()
}
# the end
`
	got := string(syntax.Format(mustParse(t, "x.oschema", []byte(src))))
	assert.Equal(t, want, got)
	assert.Equal(t, want, string(syntax.Format(mustParse(t, "x.oschema", []byte(got)))))
}
