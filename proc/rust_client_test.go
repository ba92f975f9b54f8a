package proc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lhumina-code/rules_oschema/internal/testtool"
)

// TestRustClientAgainstDaemon is a Rust service calling hero_procd:
// testdata/rust_client, built with the committed generated Rust types and
// client of hero_proc (proc/hero_proc/generated), runs secrets, a service
// and an ad-hoc run on a real daemon, and matches an application error.
func TestRustClientAgainstDaemon(t *testing.T) {
	testtool.SkipUnderBazel(t, "the generated Rust client of hero_proc")
	d, _ := startDaemon(t)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.FromSlash(name))
		require.NoError(t, err)
		return b
	}
	files := map[string][]byte{"src/main.rs": read("testdata/rust_client/main.rs")}
	for _, name := range []string{"rust_types.rs", "rust_client.rs"} {
		files["src/hero_proc/"+name] = read("hero_proc/generated/rust/" + name)
	}
	bin := testtool.CargoBuild(t, t.TempDir(), "oschema_hero_proc_rust_client", files)
	out, err := exec.Command(bin, d.Socket).CombinedOutput()
	require.NoError(t, err, "%s\ndaemon output:\n%s", out, d.Output())
	assert.Equal(t, "ok system\nok secrets\nok not found\nok service\nok run\n", string(out))
}
